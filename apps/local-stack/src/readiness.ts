import { waitFor } from '@pushrail/testing';
import type { ChildExit, StackChild } from './child-process';

/** Longest the ingest and worker may take to answer /readyz, in milliseconds. */
const READY_TIMEOUT_MS = 60_000;

/** Longest one /readyz request may take, in milliseconds. */
const PROBE_TIMEOUT_MS = 2_000;

/** `code 1` or `signal SIGKILL`. */
export function describeExit(exit: ChildExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/**
 * Waits until every URL answers 200. Gives up at once when a child dies
 * (with its last lines of output) or when `stopping` is aborted.
 */
export async function waitUntilReady(children: StackChild[], readyUrls: string[], stopping: AbortSignal): Promise<void> {
  const died = new AbortController();
  for (const child of children) {
    void child.exited.then((exit) => {
      const output = child.recentOutput();
      died.abort(new Error(`${child.name} exited while starting (${describeExit(exit)})${output ? `:\n${output}` : ''}`));
    });
  }
  await waitFor(
    async () => {
      for (const url of readyUrls) {
        const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        await response.body?.cancel();
        if (response.status !== 200) return false;
      }
      return true;
    },
    {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 200,
      description: `${readyUrls.join(' and ')} to answer 200`,
      signal: AbortSignal.any([died.signal, stopping]),
    },
  );
}
