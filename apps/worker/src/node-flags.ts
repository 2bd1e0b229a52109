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
 * each collection takes every core for a few milliseconds. In the bench's
 * steady run that is where the slow acknowledgements came from: the windows
 * with answers over 15 ms lined up with the worker's collections, not
 * ingest's. With the flag, p99 ack fell from 18.7 / 18.8 ms to 10.8 / 13.0 ms
 * in runs alternating with and without it; the drain did not get slower
 * (bench/RESULTS.md, session 3). The worker's own pauses may be a little
 * longer, and its latency budget is the flush window, a second.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
