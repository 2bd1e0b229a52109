import { classifyMysqlError, toDeliveryError } from './classify-mysql-error';

/** A server error as mysql2 raises it: errno, its ER_ name as code, and the server's message. */
const serverError = (errno: number, message = 'x') => Object.assign(new Error(message), { errno, code: 'ER_SOMETHING', sqlState: 'HY000' });
const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyMysqlError', () => {
  it.each([
    [1045, 'permanent'], [1044, 'permanent'], [1142, 'permanent'], [1146, 'permanent'], [1049, 'permanent'], [1054, 'permanent'],
    [1130, 'permanent'], [3159, 'permanent'],
    [1040, 'transient'], [1205, 'transient'], [1213, 'transient'], [2006, 'transient'], [2013, 'transient'], [1053, 'transient'],
    [1290, 'transient'], [1927, 'transient'],
    [1048, 'bad_row'], [1292, 'bad_row'], [1366, 'bad_row'], [1406, 'bad_row'], [3140, 'bad_row'], [4025, 'bad_row'],
    [1264, 'bad_row'], [1265, 'bad_row'], [1153, 'bad_row'],
  ])('classifies errno %s as %s', (errno, kind) => {
    expect(classifyMysqlError(serverError(errno))).toEqual({ kind, code: `errno:${errno}`, unknown: false });
  });

  it.each([
    ['ECONNREFUSED', 'transient'], ['ECONNRESET', 'transient'], ['ETIMEDOUT', 'transient'], ['EPIPE', 'transient'],
    ['ENOTFOUND', 'transient'], ['PROTOCOL_CONNECTION_LOST', 'transient'], ['PROTOCOL_SEQUENCE_TIMEOUT', 'transient'],
    ['POOL_CLOSED', 'transient'], ['MYSQL_CLEAR_PASSWORD_NOT_ENABLED', 'permanent'], ['ERR_TLS_CERT_ALTNAME_INVALID', 'permanent'],
  ])('classifies the client code %s as %s', (code, kind) => {
    expect(classifyMysqlError(withCode(code)).kind).toBe(kind);
  });

  it('reads back the TLS failure that mysql2 files under HANDSHAKE_SSL_ERROR', () => {
    expect(classifyMysqlError(withCode('HANDSHAKE_SSL_ERROR', 'self-signed certificate in certificate chain'))).toEqual({
      kind: 'permanent', code: 'SELF_SIGNED_CERT_IN_CHAIN', unknown: false,
    });
    expect(classifyMysqlError(withCode('HANDSHAKE_SSL_ERROR', "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1")).code).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    expect(classifyMysqlError(withCode('HANDSHAKE_NO_SSL_SUPPORT')).code).toBe('TLS_NOT_SUPPORTED');
  });

  it('ignores the negative errno of a Node socket error and reads its code', () => {
    expect(classifyMysqlError(Object.assign(new Error('connect ECONNREFUSED'), { errno: -111, code: 'ECONNREFUSED' })).kind).toBe('transient');
  });

  it('takes unknown errors as transient and says they were unknown', () => {
    expect(classifyMysqlError(serverError(9999))).toEqual({ kind: 'transient', code: 'errno:9999', unknown: true });
    expect(classifyMysqlError('weird')).toEqual({ kind: 'transient', code: undefined, unknown: true });
  });

  it('explains TLS failures and scrubs secrets from the wrapped message', () => {
    const tls = toDeliveryError(withCode('HANDSHAKE_SSL_ERROR', 'self-signed certificate in certificate chain'), (t) => t);
    expect(tls.message).toMatch(/^TLS: the server certificate is not signed by a trusted CA/);
    const error = toDeliveryError(serverError(1045, 'password=hunter2 denied'), (t) => t.replace('hunter2', '***'));
    expect(error).toMatchObject({ kind: 'permanent', code: 'errno:1045' });
    expect(error.message).not.toContain('hunter2');
  });
});
