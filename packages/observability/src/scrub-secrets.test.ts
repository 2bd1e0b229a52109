import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { scrubSecrets } from './scrub-secrets';

describe('scrubSecrets', () => {
  it.each([
    ['connect postgres://writer:s3cr3t@db.example.com:5432/app failed', 's3cr3t'],
    ['password=hunter2 host=x', 'hunter2'],
    ["password: 'quoted pass'", 'quoted pass'],
    ['Authorization: Bearer abc.def.ghi', 'abc.def.ghi'],
    ['db:5432/?Action=connect&X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA/x', 'deadbeef'],
    ['key pr_wk_AbCdEf0123456789 rejected', 'AbCdEf0123456789'],
  ])('removes the secret from %p', (text, secret) => {
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain('[REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('relation "pushrail.events" does not exist')).toBe('relation "pushrail.events" does not exist');
  });
});

describe('createLogger', () => {
  it('redacts secret fields and secrets inside error messages', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logger = createLogger({ level: 'info', name: 'test', destination: sink });
    logger.info({ config: { auth: { password: 'pw-one' } }, req: { headers: { authorization: 'Bearer tok-two' } } }, 'hello');
    logger.error({ err: new Error('connect postgres://u:pw-three@h/db refused') }, 'failed');
    const text = lines.join('');
    expect(lines).toHaveLength(2);
    for (const secret of ['pw-one', 'tok-two', 'pw-three']) expect(text).not.toContain(secret);
  });
});
