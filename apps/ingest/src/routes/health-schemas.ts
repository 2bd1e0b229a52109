import { z } from 'zod';

/** `GET /healthz`: the process lives. */
export const healthResponse = z.object({ ok: z.literal(true) });
export type HealthResponse = z.output<typeof healthResponse>;

/** `GET /readyz` (200 when every check passed, else 503). */
export const readinessResponse = z.object({
  ok: z.boolean().describe('True when every dependency answered'),
  checks: z.record(z.string(), z.boolean()).describe('Each dependency (`redis`, `controlDb`): true when it answered within 1 s'),
});
export type ReadinessResponse = z.output<typeof readinessResponse>;
