import net from 'node:net';
import { choosePort, isPortFree, PortTakenError } from './ports';

/** A real listener holding a port, as another program would (all interfaces, like ingest). */
async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('choosePort', () => {
  it('keeps a requested port that is free', async () => {
    const held = await holdPort();
    await held.release();
    expect(await isPortFree(held.port)).toBe(true);
    expect(await choosePort('PORT', { port: held.port, explicit: true })).toEqual({ port: held.port });
  });

  it('moves a default that is taken to a free port, and says so', async () => {
    const held = await holdPort();
    try {
      expect(await isPortFree(held.port)).toBe(false);
      const chosen = await choosePort('PORT', { port: held.port, explicit: false });
      expect(chosen.port).not.toBe(held.port);
      expect(await isPortFree(chosen.port)).toBe(true);
      expect(chosen.notice).toBe(`port ${held.port} is taken, so PORT is ${chosen.port} for this run`);
    } finally {
      await held.release();
    }
  });

  it('refuses a port the user named when it is taken', async () => {
    const held = await holdPort();
    try {
      await expect(choosePort('WORKER_METRICS_PORT', { port: held.port, explicit: true })).rejects.toThrow(
        new PortTakenError(`WORKER_METRICS_PORT=${held.port} is already in use; stop what holds it or choose another WORKER_METRICS_PORT`),
      );
    } finally {
      await held.release();
    }
  });
});
