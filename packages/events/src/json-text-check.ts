import { isWellFormedUnicode, UNPAIRED_SURROGATE_MESSAGE } from './unstorable-text';

/** One problem found in a JSON text, at the path of the value (or key) it is in. */
export interface JsonTextIssue {
  path: Array<string | number>;
  message: string;
}

/** Significant digits a double carries for every decimal (DBL_DIG): a number token with more may change. */
const EXACT_DIGITS = 15;
/** A run this long of digits and dots is where a number with more than EXACT_DIGITS digits would be. */
const DIGIT_RUN = EXACT_DIGITS + 1;

/** An exponent of three digits: `1e400` reads as Infinity (JSON writes it `null`), `1e-400` as 0. Up to e±99 is within a double's range. */
const LONG_EXPONENT = /[eE][+-]?[0-9]{3}/;

function isDigitOrDot(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 46;
}

/**
 * True when the text holds a run of DIGIT_RUN digits and dots. Looks at
 * every DIGIT_RUN-th character first (Boyer–Moore's skip: when that one is
 * not a digit, no run can span it), so it reads a fraction of the text;
 * measured at about a tenth of JSON.parse's time on the bench's batches,
 * where one regular expression for the same took over half.
 */
function hasDigitRun(text: string): boolean {
  let i = DIGIT_RUN - 1;
  while (i < text.length) {
    if (!isDigitOrDot(text.charCodeAt(i))) {
      i += DIGIT_RUN;
      continue;
    }
    let start = i;
    while (start > 0 && isDigitOrDot(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < text.length && isDigitOrDot(text.charCodeAt(end))) end++;
    if (end - start >= DIGIT_RUN) return true;
    i = end + DIGIT_RUN;
  }
  return false;
}

/**
 * Whether a JSON text may change when JSON.parse reads it, or hold text no
 * destination stores: an escape (`\u`, which is how an unpaired surrogate
 * gets in), a run of 16 digits (`12345678901234567890` reads as
 * `12345678901234567000`), or a 3-digit exponent. A number token with
 * neither of the last two is exact: a double carries every decimal of up to
 * 15 significant digits, and up to e±99 is within its range. False for
 * almost every body; only a body it is true for is scanned token by token.
 */
function mayHoldIssues(text: string): boolean {
  return text.includes('\\u') || hasDigitRun(text) || LONG_EXPONENT.test(text);
}

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
 * that are not valid Unicode, and numbers JSON cannot carry exactly, with
 * the paths of the parsed value. Empty for almost every text, found so at
 * the cost of {@link mayHoldIssues}.
 */
export function jsonTextIssues(text: string): JsonTextIssue[] {
  return mayHoldIssues(text) ? scan(text) : [];
}
