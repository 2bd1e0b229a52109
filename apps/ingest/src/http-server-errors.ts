import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode } from './http-errors';
import { SECURITY_HEADERS, setSecurityHeaders } from './security-headers';

/** What Node's HTTP parser refused, as the API's code and message. */
function parserRefusal(code: string | undefined): { code: ErrorCode; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { code: 'headers_too_large', message: 'the request headers are too large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADER_TIMEOUT') return { code: 'request_timeout', message: 'the request did not arrive in time' };
  return { code: 'invalid_request', message: 'the request is not valid HTTP/1.1 (its framing, a header or its length)' };
}

/** An answer written straight to the socket, in the API's error shape, closing the connection. */
function rawErrorAnswer(code: ErrorCode, message: string): string {
  const body = JSON.stringify({ error: { code, message } });
  const status = ERROR_STATUS[code];
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...SECURITY_HEADERS.map(([name, value]) => `${name}: ${value}`),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Gives the answers Node's HTTP server writes itself, before any handler
 * runs, the API's JSON error shape: a request its parser refuses
 * (malformed chunking, conflicting lengths, oversized headers: 400, 431,
 * 408) and an `Expect` it does not know (417). Node's own answers to these
 * have no body.
 */
export function answerHttpErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away, or a socket already answering: nothing to say.
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const refusal = parserRefusal(error.code);
    socket.end(rawErrorAnswer(refusal.code, refusal.message));
  });
  server.on('checkExpectation', (_req, res) => {
    const body = JSON.stringify({ error: { code: 'expectation_failed', message: 'the only Expect supported is 100-continue' } });
    setSecurityHeaders(res);
    res.writeHead(ERROR_STATUS.expectation_failed, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  });
}
