import { Presets, SingleBar } from 'cli-progress';

/** Something that counts work done; a bar at a terminal, nothing in a pipe or a log. */
export interface Progress {
  increment(by: number): void;
  stop(): void;
}

/** Counts nothing: for work too small or output not worth a bar. */
export const NO_PROGRESS: Progress = { increment: () => undefined, stop: () => undefined };

/**
 * A progress bar on `stream` when it is a terminal. Scripts and CI logs get
 * no bar: its redraws would be noise there, and the result line says it all.
 */
export function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number, label: string): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  const bar = new SingleBar(
    { stream, format: `${label} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    increment: (by) => bar.increment(by),
    stop: () => bar.stop(),
  };
}
