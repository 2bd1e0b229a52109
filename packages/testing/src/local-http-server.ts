import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server of a test's own, on 127.0.0.1 at a free port. */
export interface LocalHttpServer {
  server: Server;
  /** `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** Drops open connections (keep-alive ones included) and waits for the server to close. */
  close(): Promise<void>;
}

/** Serves `handler` (an express app, or any request listener) until `close()`. */
export async function serveOnFreePort(handler: RequestListener): Promise<LocalHttpServer> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
