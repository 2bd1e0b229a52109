/** Every `catch` turns its unknown into an Error here, once. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const error = new Error(String((thrown as { message: unknown }).message));
    Object.assign(error, thrown);
    return error;
  }
  return new Error(String(thrown));
}
