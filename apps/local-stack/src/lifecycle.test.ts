import { Lifecycle, StackStoppingError } from './lifecycle';

describe('Lifecycle', () => {
  it('stops the last started first, once, even when one piece fails to stop', async () => {
    const life = new Lifecycle();
    const stopped: string[] = [];
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await life.add('servers', async () => stopped.push('servers'));
      await life.add('broken', async () => {
        throw new Error('will not stop');
      });
      await life.add('children', async () => stopped.push('children'));
      await Promise.all([life.stop(), life.stop()]);
      expect(stopped).toEqual(['children', 'servers']);
      expect(errors).toHaveBeenCalledWith('[stack] could not stop broken: will not stop\n');
    } finally {
      errors.mockRestore();
    }
  });

  it('stops what starts after a stop began, and tells start-up to give up', async () => {
    const life = new Lifecycle();
    const stopped: string[] = [];
    await life.stop();
    expect(life.isStopping).toBe(true);
    expect(life.signal.aborted).toBe(true);
    await expect(life.add('late server', async () => stopped.push('late server'))).rejects.toThrow(StackStoppingError);
    expect(stopped).toEqual(['late server']);
    expect(() => life.checkpoint()).toThrow(StackStoppingError);
  });
});
