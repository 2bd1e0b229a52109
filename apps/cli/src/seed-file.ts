import { readFile } from 'node:fs/promises';
import { CliError } from './errors';

/**
 * Reads a destination config file: the seed's JSON shape (docs/design.md). The
 * file holds a password, so no error quotes its contents (V8's JSON errors
 * quote the text around the fault; only the position is kept).
 */
export async function readSeedFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code ?? 'unreadable');
    throw new CliError(`cannot read ${path}: ${reason}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (thrown) {
    throw new CliError(`${path} is not valid JSON${jsonErrorPosition(text, thrown)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError(`${path} must hold one JSON object (a destination config)`);
  }
  return parsed as Record<string, unknown>;
}

/** ` (line 3, column 14)` from V8's "at position 42", or '' when the message gives no position. */
function jsonErrorPosition(text: string, thrown: unknown): string {
  const message = thrown instanceof Error ? thrown.message : '';
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return ` (line ${line}, column ${column})`;
  }
  if (/Unexpected end of JSON input/.test(message)) return ' (it ends too early)';
  return '';
}
