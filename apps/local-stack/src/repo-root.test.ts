import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_HOME, REPO_ROOT } from './repo-root';

describe('REPO_ROOT', () => {
  it('is the workspace root, and the default home lies inside it', () => {
    expect(fs.existsSync(path.join(REPO_ROOT, 'pnpm-workspace.yaml'))).toBe(true);
    expect(DEFAULT_HOME).toBe(path.join(REPO_ROOT, '.pushrail'));
  });
});
