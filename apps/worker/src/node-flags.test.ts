import fs from 'node:fs';
import path from 'node:path';
import { WORKER_NODE_FLAGS } from './node-flags';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** The text each way of starting a worker uses, as written in the repository. */
const WORKER_COMMANDS: Array<[string, () => string]> = [
  ['package.json start:worker', () => JSON.parse(read('package.json')).scripts['start:worker'] as string],
  ['docker-compose.yml worker', () => /worker:\n(?:.*\n)*?\s+command: (\[.*\])/.exec(read('docker-compose.yml'))?.[1] ?? ''],
  ['infra/k8s/worker.yaml', () => /command: (\[.*\])/.exec(read('infra/k8s/worker.yaml'))?.[1] ?? ''],
  ['infra/docker/Dockerfile note', () => /#\s+worker:\s+(.*)/.exec(read('infra/docker/Dockerfile'))?.[1] ?? ''],
];

describe('WORKER_NODE_FLAGS', () => {
  it.each(WORKER_COMMANDS)('are on the worker command of %s', (_where, command) => {
    const text = command();
    expect(text).toContain('apps/worker/dist/main.js');
    for (const flag of WORKER_NODE_FLAGS) expect(text).toContain(flag);
  });

  it('come before the script, where node reads its own flags', () => {
    const script = JSON.parse(read('package.json')).scripts['start:worker'] as string;
    for (const flag of WORKER_NODE_FLAGS) expect(script.indexOf(flag)).toBeLessThan(script.indexOf('apps/worker/dist/main.js'));
  });
});
