import { toError } from '@pushrail/testing';
import { complain } from './terminal';

/** Thrown into the start-up sequence once a stop was asked for, so it goes no further. */
export class StackStoppingError extends Error {
  override readonly name = 'StackStoppingError';
  constructor() {
    super('the stack is stopping');
  }
}

interface Closer {
  name: string;
  close: () => Promise<unknown>;
}

/**
 * What the stack has started, and how to stop each piece: in reverse order
 * of starting (the processes before the servers they use). A stop may come
 * in the middle of starting (Ctrl-C during initdb): what is started after
 * it is stopped at once, and the start-up sequence is told to give up.
 */
export class Lifecycle {
  private readonly closers: Closer[] = [];
  private stopped: Promise<void> | undefined;
  private readonly stopController = new AbortController();

  /** Aborted when a stop begins; hand it to waits that should end then. */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  get isStopping(): boolean {
    return this.stopped !== undefined;
  }

  /**
   * Records how to stop what was just started. When a stop already began,
   * stops it now and throws {@link StackStoppingError}.
   */
  async add(name: string, close: () => Promise<unknown>): Promise<void> {
    if (this.stopped) {
      await runCloser({ name, close });
      throw new StackStoppingError();
    }
    this.closers.push({ name, close });
  }

  /** Throws {@link StackStoppingError} when a stop began: call it between start-up steps. */
  checkpoint(): void {
    if (this.stopped) throw new StackStoppingError();
  }

  /** Stops everything recorded, last first; a failure is reported and the rest still stop. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopController.abort(new StackStoppingError());
      while (this.closers.length > 0) {
        await runCloser(this.closers.pop() as Closer);
      }
    })();
    return this.stopped;
  }
}

async function runCloser(closer: Closer): Promise<void> {
  try {
    await closer.close();
  } catch (err) {
    complain(`could not stop ${closer.name}: ${toError(err).message}`);
  }
}
