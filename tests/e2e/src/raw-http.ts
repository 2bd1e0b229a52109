import net from 'node:net';

/** An answer read off a socket as sent: status, every header line, body text. */
export interface RawAnswer {
  status: number;
  /** Header names lower-cased, each line kept (so repeated headers stay apart). */
  headers: Array<[string, string]>;
  body: string;
  /** Milliseconds from the first byte sent to the answer's end (or the socket's close). */
  elapsedMs: number;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends `request` byte for byte on a new connection, and reads one final answer (interim 1xx skipped):
 * until the connection closes, or the body the headers announce is complete.
 * No client library in between, so requests no client would send (broken
 * framing, bad percent-encoding, lying lengths) reach the server as written.
 */
export function rawRequest(port: number, request: Buffer | string, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = () => {
      if (settled) return;
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd === -1) {
        settled = true;
        socket.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms or before the connection closed (got ${JSON.stringify(received.toString('latin1').slice(0, 200))})`));
        return;
      }
      const lines = received.subarray(0, headEnd).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const headers = lines.slice(1).map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
      });
      let body: Buffer = received.subarray(headEnd + 4);
      if (headers.some(([name, value]) => name === 'transfer-encoding' && /chunked/i.test(value))) body = dechunk(body);
      settled = true;
      socket.destroy();
      resolve({ status, headers, body: body.toString('utf8'), elapsedMs: Date.now() - started });
    };
    const complete = () => {
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd === -1) return false;
      const head = received.subarray(0, headEnd).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) return received.length - headEnd - 4 >= Number(length[1]);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return received.subarray(headEnd).includes('\r\n0\r\n\r\n');
      return false;
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // An interim answer (`100 Continue`) comes before the real one: skip it.
      for (let end = received.indexOf('\r\n\r\n'); end !== -1 && /^HTTP\/1\.[01] 1\d\d /.test(received.subarray(0, 13).toString('latin1')); end = received.indexOf('\r\n\r\n')) {
        received = received.subarray(end + 4);
      }
      if (complete()) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.write(request);
  });
}

/** The value of a header (the first line of it), or undefined. */
export function headerOf(answer: RawAnswer, name: string): string | undefined {
  return answer.headers.find(([n]) => n === name)?.[1];
}

/** True when the answer is the API's JSON error shape: `{"error":{"code","message",…}}`. */
export function isJsonError(answer: RawAnswer): boolean {
  if (!/^application\/json/.test(headerOf(answer, 'content-type') ?? '')) return false;
  try {
    const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string' && body.error.message.length > 0;
  } catch {
    return false;
  }
}
