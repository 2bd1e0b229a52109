import { parseBearerToken, verifyBearerToken } from './bearer-token';

describe('verifyBearerToken', () => {
  const token = 'admin-secret-token';

  it.each([
    `Bearer ${token}`,
    `bearer ${token}`,
    `BEARER ${token}`,
    `BeArEr   ${token}`,
    `Bearer\t${token}`,
    `  Bearer ${token}  `,
  ])('accepts %p', (header) => {
    expect(verifyBearerToken(header, token)).toBe(true);
  });

  it.each([
    undefined,
    '',
    token,
    `Basic ${token}`,
    `Bearer`,
    `Bearer `,
    `Bearer ${token}x`,
    `Bearer ${token.slice(1)}`,
    `Bearer ${token} extra`,
    `Bearer${token}`,
    `Token ${token}`,
  ])('rejects %p', (header) => {
    expect(verifyBearerToken(header, token)).toBe(false);
  });

  it('never matches an empty expected token', () => {
    expect(verifyBearerToken('Bearer ', '')).toBe(false);
    expect(verifyBearerToken('Bearer x', '')).toBe(false);
  });

  it('parses the token out of the header', () => {
    expect(parseBearerToken('bearer abc.def-ghi')).toBe('abc.def-ghi');
    expect(parseBearerToken('Basic abc')).toBeUndefined();
    expect(parseBearerToken(undefined)).toBeUndefined();
  });
});
