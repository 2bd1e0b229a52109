import net from 'node:net';
import { getFreePort } from '@pushrail/testing';
import type { RequestedPort } from '@pushrail/config';

/**
 * Whether `port` can be bound on every interface right now, the way ingest
 * and the worker's metrics server bind it (`listen(port)`: IPv6 and IPv4).
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Thrown when a port the user asked for by name is taken. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

/** The port a process gets, and a sentence for the terminal when it is not the one asked for. */
export interface ChosenPort {
  port: number;
  notice?: string;
}

/**
 * The requested port when it is free. A default that is taken (another
 * stack, another program on 8080) gives way to a free port, with a notice;
 * a port the user named is theirs to fix, so that is an error.
 */
export async function choosePort(variable: string, requested: RequestedPort): Promise<ChosenPort> {
  if (await isPortFree(requested.port)) return { port: requested.port };
  if (requested.explicit) {
    throw new PortTakenError(`${variable}=${requested.port} is already in use; stop what holds it or choose another ${variable}`);
  }
  const port = await getFreePort();
  return { port, notice: `port ${requested.port} is taken, so ${variable} is ${port} for this run` };
}
