// The test environment of every test file (jest.config.js): Node's, plus a
// check after the file's last hook that it left nothing open that it opened
// (a pool, a worker, a server, a client connection, a child process, a timer
// that is not unref'd). A leak fails the file by name instead of slowing or
// hanging the files after it in the same jest worker.
const { TestEnvironment: NodeEnvironment } = require('jest-environment-node');

/** How long a file's resources may take to close after its last hook, in milliseconds (a socket closes a tick after `quit`). */
const SETTLE_MS = 5_000;

/** Resources keeping the event loop alive, counted by type (`TCPSocketWrap`, `Timeout`, `TCPServerWrap`, `ProcessWrap`…). */
function activeResources() {
  const counts = new Map();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** What is open now beyond `baseline`, as `type ×n`. */
function beyond(baseline) {
  const extra = [];
  for (const [type, count] of activeResources()) {
    const more = count - (baseline.get(type) ?? 0);
    if (more > 0) extra.push(`${type} ×${more}`);
  }
  return extra;
}

class LeakCheckingEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
    this.baseline = new Map();
  }

  async setup() {
    await super.setup();
    this.baseline = activeResources();
  }

  async teardown() {
    const deadline = Date.now() + SETTLE_MS;
    let leftOpen = beyond(this.baseline);
    while (leftOpen.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      leftOpen = beyond(this.baseline);
    }
    await super.teardown();
    if (leftOpen.length > 0) {
      throw new Error(
        `${this.testPath} left open after its last test: ${leftOpen.join(', ')} (close every pool, worker, server and timer it starts)`,
      );
    }
  }
}

module.exports = LeakCheckingEnvironment;
