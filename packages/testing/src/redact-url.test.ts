import { redactUrl } from './pg-client';

describe('redactUrl', () => {
  it('hides the password of a URL, including one with several hosts', () => {
    expect(redactUrl('postgres://u:secret@db:5432/x')).toBe('postgres://u:***@db:5432/x');
    expect(redactUrl('redis+sentinel://app:secret@s1:26379,s2:26379/pushrail')).toBe('redis+sentinel://app:***@s1:26379,s2:26379/pushrail');
    expect(redactUrl('redis+sentinel://s1:26379,s2:26379/pushrail')).toBe('redis+sentinel://s1:26379,s2:26379/pushrail');
    expect(redactUrl('not a url')).toBe('<unparseable url>');
  });
});
