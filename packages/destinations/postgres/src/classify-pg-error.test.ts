import { classifyPgError, toDeliveryError } from './classify-pg-error';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyPgError', () => {
  it.each([
    ['57P01', 'transient'], ['57P03', 'transient'], ['53300', 'transient'], ['40P01', 'transient'],
    ['40001', 'transient'], ['55P03', 'transient'], ['57014', 'transient'], ['ECONNREFUSED', 'transient'],
    ['ECONNRESET', 'transient'], ['ETIMEDOUT', 'transient'], ['EPIPE', 'transient'], ['EAI_AGAIN', 'transient'],
    ['ENOTFOUND', 'transient'], ['28P01', 'permanent'], ['28000', 'permanent'], ['42P01', 'permanent'],
    ['3F000', 'permanent'], ['42501', 'permanent'], ['3D000', 'permanent'], ['ERR_TLS_CERT_ALTNAME_INVALID', 'permanent'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'permanent'], ['22P05', 'bad_row'], ['22021', 'bad_row'], ['23502', 'bad_row'],
    ['08006', 'transient'], ['53200', 'transient'],
  ])('classifies %s as %s', (code, kind) => {
    expect(classifyPgError(withCode(code)).kind).toBe(kind);
    expect(classifyPgError(withCode(code)).unknown).toBe(false);
  });

  it('falls back to the SQLSTATE class', () => {
    expect(classifyPgError(withCode('22999')).kind).toBe('bad_row');
    expect(classifyPgError(withCode('42999')).kind).toBe('permanent');
  });

  it('takes unknown errors as transient and says they were unknown', () => {
    expect(classifyPgError(withCode('XX000'))).toEqual({ kind: 'transient', code: 'XX000', unknown: true });
    expect(classifyPgError('weird')).toEqual({ kind: 'transient', code: undefined, unknown: true });
  });

  it('recognises node-postgres failures that carry no code', () => {
    expect(classifyPgError(new Error('The server does not support SSL connections')).kind).toBe('permanent');
    expect(classifyPgError(new Error('Connection terminated unexpectedly')).kind).toBe('transient');
  });

  it('scrubs secrets from the wrapped message', () => {
    const error = toDeliveryError(withCode('28P01', 'password=hunter2 failed'), (t) => t.replace('hunter2', '***'));
    expect(error.message).not.toContain('hunter2');
    expect(error.kind).toBe('permanent');
    expect(error.code).toBe('28P01');
  });
});
