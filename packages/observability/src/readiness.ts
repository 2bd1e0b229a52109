/** Longest a readiness probe waits for each dependency, in milliseconds. */
export const READY_TIMEOUT_MS = 1_000;

/** One dependency of `/readyz`: ready when it resolves to anything but `false` within the timeout. */
export type ReadinessCheck = () => Promise<unknown> | unknown;

export interface ReadinessReport {
  ok: boolean;
  /** Each check by name; the answer names the failing ones and nothing more. */
  checks: Record<string, boolean>;
}

/** Runs every check at once, each bounded by `timeoutMs`; shared by ingest's and the worker's `/readyz`. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = READY_TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const outcome = await Promise.race([
          Promise.resolve().then(check),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
          }),
        ]);
        return [name, outcome !== false] as const;
      } catch {
        return [name, false] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
}
