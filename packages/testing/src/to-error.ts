/** Turns whatever was thrown into an `Error`, once, so callers can read `.message`. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && 'message' in value) {
    return Object.assign(new Error(String((value as { message: unknown }).message)), value);
  }
  return new Error(String(value));
}
