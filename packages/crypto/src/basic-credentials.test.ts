import { parseBasicCredentials } from './basic-credentials';

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('parseBasicCredentials', () => {
  test('splits user name and password at the first colon', () => {
    expect(parseBasicCredentials(basic('pr_live_abc:'))).toEqual({ user: 'pr_live_abc', password: '' });
    expect(parseBasicCredentials(basic('me:pa:ss'))).toEqual({ user: 'me', password: 'pa:ss' });
    expect(parseBasicCredentials(`basic  ${Buffer.from('k:').toString('base64')} `)).toEqual({ user: 'k', password: '' });
  });

  test('is undefined for no header, another scheme, bad base64 or no colon', () => {
    expect(parseBasicCredentials(undefined)).toBeUndefined();
    expect(parseBasicCredentials('Bearer abc')).toBeUndefined();
    expect(parseBasicCredentials('Basic not base64!')).toBeUndefined();
    expect(parseBasicCredentials(basic('no-colon'))).toBeUndefined();
  });
});
