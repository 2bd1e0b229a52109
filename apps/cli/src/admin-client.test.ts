import { AdminClient, httpErrorMessage, oneLine } from './admin-client';
import { getFreePort } from '@pushrail/testing';

describe('httpErrorMessage', () => {
  it("gives the API's message and the path of each issue", () => {
    const body = JSON.stringify({
      error: {
        code: 'invalid_request',
        message: 'the destination config is invalid',
        issues: [
          { path: 'port', message: 'Invalid input: expected number, received string' },
          { path: 'auth.password', message: 'Required' },
        ],
      },
    });
    expect(httpErrorMessage(400, 'Bad Request', body)).toBe(
      'the destination config is invalid: port: Invalid input: expected number, received string; auth.password: Required (HTTP 400)',
    );
  });

  it('gives the message alone when there are no issues', () => {
    expect(httpErrorMessage(404, 'Not Found', '{"error":{"code":"not_found","message":"no such destination"}}')).toBe(
      'no such destination (HTTP 404)',
    );
  });

  it('falls back to the status and the start of a body that is not the error JSON', () => {
    expect(httpErrorMessage(502, 'Bad Gateway', '<html>\n<body>upstream down</body>\n</html>')).toBe(
      'the API answered HTTP 502 Bad Gateway: <html> <body>upstream down</body> </html>',
    );
    expect(httpErrorMessage(500, '', '')).toBe('the API answered HTTP 500');
    expect(httpErrorMessage(500, '', 'x'.repeat(1000)).length).toBeLessThan(260);
  });

  it('keeps every message on one line', () => {
    expect(oneLine('first\r\n  second\nthird ')).toBe('first second third');
  });
});

describe('AdminClient, when nothing listens', () => {
  it('says which API it could not reach and why, without the token', async () => {
    const port = await getFreePort();
    const client = new AdminClient({ url: new URL(`http://127.0.0.1:${port}/`), token: 'tok-never-shown' });
    const failure = client.json('GET', '/admin/v1/destinations').catch((e: Error) => e);
    const error = (await failure) as Error;
    expect(error.message).toBe(`cannot reach the admin API at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(error.message).not.toContain('tok-never-shown');
  });
});
