import { joinSecrets, mergeConfigPatch, REDACTED, redactSecrets, splitSecrets } from './secrets';

const PATHS = [['auth', 'password']] as const;
const config = { type: 'X', host: 'h', auth: { mode: 'PASSWORD', username: 'w', password: 'hunter2' } };

describe('destination secrets by path', () => {
  it('splits the secret out, stores the rest redacted, and joins it back', () => {
    const { publicConfig, secrets } = splitSecrets(config, PATHS);
    expect(publicConfig.auth.password).toBe(REDACTED);
    expect(JSON.stringify(publicConfig)).not.toContain('hunter2');
    expect(secrets).toEqual({ 'auth.password': 'hunter2' });
    expect(joinSecrets(publicConfig, secrets, PATHS)).toEqual(config);
    expect(config.auth.password).toBe('hunter2');
  });

  it('leaves a config without the secret (RDS IAM) as it is', () => {
    const iam = { auth: { mode: 'RDS_IAM', username: 'w', region: 'us-east-1' } };
    expect(splitSecrets(iam, PATHS)).toEqual({ publicConfig: iam, secrets: {} });
    expect(redactSecrets(iam, PATHS)).toEqual(iam);
    expect(joinSecrets(iam, { 'auth.password': 'stale' }, PATHS)).toEqual(iam);
  });

  it('keeps the stored secret when a patch leaves it out or sends REDACTED back', () => {
    expect(mergeConfigPatch(config, { host: 'h2' }, PATHS)).toMatchObject({ host: 'h2', auth: { password: 'hunter2' } });
    expect(mergeConfigPatch(config, { auth: { password: REDACTED } }, PATHS)).toMatchObject({ auth: { password: 'hunter2' } });
    expect(mergeConfigPatch(config, { auth: { password: 'new' } }, PATHS)).toMatchObject({ auth: { username: 'w', password: 'new' } });
  });

  it('replaces an object whose mode the patch changes, leaving nothing of the old mode', () => {
    const merged = mergeConfigPatch(config, { auth: { mode: 'RDS_IAM', username: 'w', region: 'us-east-1' } }, PATHS);
    expect(merged.auth).toEqual({ mode: 'RDS_IAM', username: 'w', region: 'us-east-1' });
  });

  it('removes a field the patch sets to null (JSON Merge Patch), at any depth, and keeps no null in a replaced object', () => {
    const withExtras = { ...config, eventTypes: ['a.b'], tls: { mode: 'verify-full', ca: 'PEM' } };
    const cleared = mergeConfigPatch(withExtras, { eventTypes: null, tls: { ca: null } }, PATHS);
    expect(cleared).toEqual({ ...config, tls: { mode: 'verify-full' } });
    expect(withExtras.eventTypes).toEqual(['a.b']);
    const replaced = mergeConfigPatch(config, { auth: { mode: 'RDS_IAM', username: 'w', region: 'us-east-1', password: null } }, PATHS);
    expect(replaced.auth).toEqual({ mode: 'RDS_IAM', username: 'w', region: 'us-east-1' });
  });

  it('leaves a secret set to null removed, so the config check refuses a mode that needs it', () => {
    expect(mergeConfigPatch(config, { auth: { password: null } }, PATHS).auth).toEqual({ mode: 'PASSWORD', username: 'w' });
  });
});
