import { isWellFormedUnicode, UNPAIRED_SURROGATE_MESSAGE } from './unstorable-text';

/** One problem found in a JSON text, at the path of the value (or key) it is in. */
export interface JsonTextIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * What could make a JSON text change when JSON.parse reads it, or hold text
 * no destination stores: an escape of a UTF-16 surrogate (`\uD800`…`\uDFFF`),
 * a run of 16 digits (a number with more significant digits than a double
 * carries: `12345678901234567890` reads as `12345678901234567000`), or an
 * exponent of 3 digits (`1e400` reads as Infinity, which JSON writes as
 * `null`; `1e-400` as 0). A number without any of them is exact: a double
 * carries every decimal of up to 15 significant digits, and up to e±99 is in
 * its range. One regular-expression pass over the text; only a text that
 * matches is scanned token by token.
 */
const SUSPECT = /\\u[dD][89a-fA-F]|[0-9.]{16}|[0-9][eE][+-]?[0-9]{3}/;

/**
 * A number's decimal value, normalised: sign, significant digits without
 * leading or trailing zeros, and where the decimal point sits. Two spellings
 * of one value (`1.50e2`, `150`) give the same key.
 */
function decimalKey(token: string): string {
  let start = 0;
  let sign = '';
  if (token.charCodeAt(0) === 45 /* - */) {
    sign = '-';
    start = 1;
  }
  const e = token.search(/[eE]/);
  const mantissa = token.slice(start, e === -1 ? undefined : e);
  let exponent = e === -1 ? 0 : Number(token.slice(e + 1));
  const dot = mantissa.indexOf('.');
  let digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  exponent += dot === -1 ? mantissa.length : dot;
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48 /* 0 */) lead++;
  digits = digits.slice(lead).replace(/0+$/, '');
  exponent -= lead;
  return digits === '' ? '0' : `${sign}${digits}e${exponent}`;
}

/** Undefined when JSON.parse reads the number token exactly (JSON.stringify writes back the same value), else why not. */
export function inexactNumberProblem(token: string): string | undefined {
  const value = Number(token);
  if (!Number.isFinite(value)) return `the number ${token} is beyond what JSON numbers carry (about ±1.8e308); send it as a string`;
  if (decimalKey(String(value)) !== decimalKey(token)) {
    return `the number ${token} cannot be carried exactly (it would be stored as ${String(value)}); send it as a string`;
  }
  return undefined;
}

/** Index just past the closing quote of the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92 /* \ */) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function isNumberChar(code: number): boolean {
  // 0-9 . + - e E
  return (code >= 48 && code <= 57) || code === 46 || code === 43 || code === 45 || code === 101 || code === 69;
}

/**
 * Walks a JSON text that JSON.parse accepted, keeping the path of the value
 * at hand, and reports every string (keys included) with an unpaired
 * surrogate and every number JSON.parse would change.
 */
function scan(text: string): JsonTextIssue[] {
  const issues: JsonTextIssue[] = [];
  const path: Array<string | number> = [];
  const inObject: boolean[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      const end = stringEnd(text, i);
      const raw = text.slice(i, end);
      const hasEscape = raw.includes('\\');
      const value = hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      if (expectKey) {
        path[path.length - 1] = value;
        expectKey = false;
      }
      if (hasEscape && !isWellFormedUnicode(value)) issues.push({ path: [...path], message: UNPAIRED_SURROGATE_MESSAGE });
      i = end;
    } else if (code === 123 /* { */ || code === 91 /* [ */) {
      const object = code === 123;
      inObject.push(object);
      path.push(object ? '' : 0);
      expectKey = object;
      i++;
    } else if (code === 125 /* } */ || code === 93 /* ] */) {
      inObject.pop();
      path.pop();
      i++;
    } else if (code === 44 /* , */) {
      if (inObject[inObject.length - 1]) expectKey = true;
      else (path[path.length - 1] as number)++;
      i++;
    } else if (code === 45 || (code >= 48 && code <= 57)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const problem = inexactNumberProblem(text.slice(i, end));
      if (problem) issues.push({ path: [...path], message: problem });
      i = end;
    } else {
      i++; // whitespace, ':', and the letters of true, false, null
    }
  }
  return issues;
}

/**
 * Problems of a JSON text that JSON.parse accepted: strings (keys included)
 * that are not valid Unicode, and numbers JSON cannot carry exactly. Empty for
 * almost every text at the cost of one regular-expression test
 * (bench/RESULTS.md); paths are those of the parsed value.
 */
export function jsonTextIssues(text: string): JsonTextIssue[] {
  return SUSPECT.test(text) ? scan(text) : [];
}
