/**
 * The Node flags a worker process runs with, wherever it is started:
 * `pnpm start:worker`, docker-compose.yml, infra/k8s/worker.yaml, the
 * Dockerfile's note, `pnpm start` and `pnpm bench` (node-flags.test.ts
 * checks the files). They are flags, not NODE_OPTIONS: Node refuses
 * `--single-threaded-gc` there.
 *
 * `--single-threaded-gc`: V8 collects the worker's garbage on the worker's
 * own thread. By default it adds a helper thread per core for each young
 * generation collection, so on a machine the worker shares (a 2-core box
 * with ingest and Redis in the bench; a Kubernetes node under CPU limits)
 * each collection takes every core for a few milliseconds, and the
 * acknowledgements ingest sends meanwhile are slow: in the bench's steady
 * run the answers over 15 ms line up with the worker's collections, not
 * ingest's. With the flag the p99 acknowledgement is lower and the drain is
 * no slower (bench/RESULTS.md). The worker's own
 * pauses may be a little longer; its latency budget is the flush window, a
 * second.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
