/**
 * Text no destination can store. PostgreSQL's TEXT and JSONB refuse U+0000
 * (22P05, 22021), and every destination refuses a string that is not valid
 * Unicode: an unpaired UTF-16 surrogate, which only a `\uD800`-style escape in
 * JSON text can make (22P02 in PostgreSQL; MySQL and ClickHouse want UTF-8,
 * which cannot encode one). docs/design.md, "What a `202` refuses".
 */

/** String.prototype.isWellFormed (V8 11.1, Node ≥ 20): ES2024, a newer lib than the workspace's ES2023. */
const isWellFormedNative = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/** False when `text` holds an unpaired UTF-16 surrogate (not valid Unicode). */
export function isWellFormedUnicode(text: string): boolean {
  return isWellFormedNative.call(text);
}

export const UNPAIRED_SURROGATE_MESSAGE = 'holds an unpaired UTF-16 surrogate (not valid Unicode), which no destination can store';
export const NUL_MESSAGE = 'holds U+0000 (NUL), which a database text column cannot store';

/** Why `text` cannot be stored in a text column, or undefined when it can. */
export function unstorableTextProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  if (!isWellFormedUnicode(text)) return UNPAIRED_SURROGATE_MESSAGE;
  return undefined;
}
