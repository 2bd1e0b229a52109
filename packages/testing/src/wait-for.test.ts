import { waitFor, WaitForTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? 'done' : undefined), { description: 'three calls', intervalMs: 1 })).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('names what it waited for and the last error on timeout', async () => {
    const wait = waitFor(
      () => {
        throw new Error('still booting');
      },
      { description: 'the widget', timeoutMs: 50, intervalMs: 10 },
    );
    await expect(wait).rejects.toThrow(WaitForTimeoutError);
    await expect(wait).rejects.toThrow(/waiting for the widget.*still booting/);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const wait = waitFor(() => false, { description: 'never', timeoutMs: 10_000, intervalMs: 5, signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(wait).rejects.toThrow('gave up');
  });
});
