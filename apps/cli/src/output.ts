import Table from 'cli-table3';

/** Where a command writes: stdout for results, stderr for notes and errors. */
export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Longest text a list's cell shows, in characters; `get`/`show` and `--json` give more. */
export const MAX_CELL = 60;
/** Longest text one field of a `get`/`show` shows, in characters (a PEM would flood the screen); `--json` gives all. */
const MAX_FIELD = 300;

/**
 * Results as tables for people or raw JSON for scripts (`--json`). Tables
 * are plain (no colours), so they read the same in a pipe or a log.
 */
export class Output {
  constructor(readonly streams: Streams) {}

  json(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Rows under a header. */
  table(head: string[], rows: unknown[][]): void {
    const table = new Table({ head, style: { head: [], border: [] } });
    for (const row of rows) table.push(row.map((value) => cell(value)));
    this.line(table.toString());
  }

  /** One object as a two-column table, nested fields flattened to `config.auth.mode`. */
  record(value: Record<string, unknown>): void {
    const table = new Table({ style: { head: [], border: [] } });
    for (const [key, field] of flatten(value)) table.push({ [key]: cell(field, MAX_FIELD) });
    this.line(table.toString());
  }

  line(text: string): void {
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Something for the person at the terminal that is not the result (hints, warnings). */
  note(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }
}

/** A value as a table cell: `-` for nothing, JSON for structures, long text cut with `…`. */
export function cell(value: unknown, max = MAX_CELL): string {
  let text: string;
  if (value === null || value === undefined) text = '-';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `{a: {b: 1}, c: [1]}` → `[['a.b', 1], ['c', [1]]]`: arrays stay whole. */
export function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, field] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (field !== null && typeof field === 'object' && !Array.isArray(field)) {
      out.push(...flatten(field as Record<string, unknown>, name));
    } else {
      out.push([name, field]);
    }
  }
  return out;
}

/** `1 dead letter`, `3 dead letters`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
