import { PassThrough } from 'node:stream';
import { confirmDrop } from './confirm';
import { UsageError } from './errors';

function terminal(isTTY: boolean, typed?: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY });
  const stderr = new PassThrough();
  let asked = '';
  stderr.on('data', (chunk: Buffer) => (asked += chunk.toString()));
  if (typed !== undefined) setImmediate(() => stdin.write(`${typed}\n`));
  return { streams: { stdin, stderr }, asked: () => asked };
}

describe('confirmDrop', () => {
  it('goes on with --yes without asking', async () => {
    const t = terminal(false);
    await expect(confirmDrop('delete tenant t1', true, t.streams)).resolves.toBeUndefined();
    expect(t.asked()).toBe('');
  });

  it('refuses without --yes when it cannot ask (not a terminal)', async () => {
    await expect(confirmDrop('delete tenant t1', undefined, terminal(false).streams)).rejects.toThrow(UsageError);
    await expect(confirmDrop('delete tenant t1', undefined, terminal(false).streams)).rejects.toThrow(/pass --yes/);
  });

  it('asks at a terminal: yes goes on, anything else stops', async () => {
    const yes = terminal(true, 'yes');
    await expect(confirmDrop('delete tenant t1', undefined, yes.streams)).resolves.toBeUndefined();
    expect(yes.asked()).toContain('delete tenant t1. Type "yes" to go on');
    await expect(confirmDrop('delete tenant t1', undefined, terminal(true, 'no').streams)).rejects.toThrow(/not confirmed/);
  });
});
