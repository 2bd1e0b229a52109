import { DecryptionFailedError, generateEncryptionKey, Keyring, UnknownEncryptionKeyError } from '@pushrail/crypto';
import { createTestDatabase, type TestDatabase } from '@pushrail/testing';
import { ControlDb } from './control-db';
import { DestinationStore } from './destination-store';
import { migrate } from './migrate';
import { reencryptDestinations } from './reencrypt-destinations';

const keyA = generateEncryptionKey();
const keyB = generateEncryptionKey();
const stranger = generateEncryptionKey();

function config(password: string) {
  return {
    type: 'POSTGRES',
    name: `dest ${password}`,
    host: 'db.example.com',
    database: 'app',
    auth: { mode: 'PASSWORD', username: 'pushrail_writer', password },
  };
}

/** Flips one bit of the authentication tag: the string stays well-formed, authentication fails. */
function tamper(ciphertext: string): string {
  const parts = ciphertext.split('.');
  const tag = Buffer.from(parts[4]!, 'base64url');
  tag[0] = tag[0]! ^ 1;
  parts[4] = tag.toString('base64url');
  return parts.join('.');
}

describe('reencryptDestinations, on a real control database', () => {
  let database: TestDatabase;
  let db: ControlDb;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('ctl');
    await migrate(database.url);
    db = new ControlDb(database.url);
    tenantId = (await db.createTenant('Acme')).id;
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('moves every destination to the current key, then has nothing left to do', async () => {
    const underA = new DestinationStore(db, new Keyring({ currentKey: keyA }));
    const ids = [];
    for (const password of ['pw-one', 'pw-two']) ids.push((await underA.create(tenantId, underA.parse(config(password)))).id);
    const rotating = new Keyring({ currentKey: keyB, oldKeys: [keyA] });

    const first = await reencryptDestinations(db, rotating);
    expect(first).toEqual({ reencrypted: 2, alreadyCurrent: 0, changedMeanwhile: 0, failed: [] });
    const second = await reencryptDestinations(db, rotating);
    expect(second).toEqual({ reencrypted: 0, alreadyCurrent: 2, changedMeanwhile: 0, failed: [] });

    // Only B now: everything still decrypts, and A alone no longer does.
    const onlyB = new DestinationStore(db, new Keyring({ currentKey: keyB }));
    const onlyA = new DestinationStore(db, new Keyring({ currentKey: keyA }));
    for (const [i, id] of ids.entries()) {
      expect((await onlyB.load(id))?.config.auth).toMatchObject({ password: ['pw-one', 'pw-two'][i] });
      await expect(onlyA.load(id)).rejects.toBeInstanceOf(UnknownEncryptionKeyError);
    }
    for (const id of ids) await db.deleteDestination(id);
  });

  it('reports a tampered row and a row under an unknown key, and re-encrypts the rest', async () => {
    const underA = new DestinationStore(db, new Keyring({ currentKey: keyA }));
    const good = await underA.create(tenantId, underA.parse(config('pw-good')));
    const tampered = await underA.create(tenantId, underA.parse(config('pw-tampered')));
    await db.replaceDestinationSecrets(tampered.id, tampered.secretsCiphertext, tamper(tampered.secretsCiphertext));
    const foreign = new DestinationStore(db, new Keyring({ currentKey: stranger }));
    const unknown = await foreign.create(tenantId, foreign.parse(config('pw-foreign')));

    const report = await reencryptDestinations(db, new Keyring({ currentKey: keyB, oldKeys: [keyA] }));
    expect(report.reencrypted).toBe(1);
    expect(report.failed.map((f) => f.id).sort()).toEqual([tampered.id, unknown.id].sort());
    expect(report.failed.find((f) => f.id === tampered.id)?.error).toBeInstanceOf(DecryptionFailedError);
    expect(report.failed.find((f) => f.id === unknown.id)?.error).toBeInstanceOf(UnknownEncryptionKeyError);
    // The failed rows are left exactly as they were.
    expect((await db.getDestination(unknown.id))?.secretsCiphertext).toBe(unknown.secretsCiphertext);
    const onlyB = new DestinationStore(db, new Keyring({ currentKey: keyB }));
    expect((await onlyB.load(good.id))?.config.auth).toMatchObject({ password: 'pw-good' });
  });

  it('notices tampering with a row that is already under the current key', async () => {
    const underB = new DestinationStore(db, new Keyring({ currentKey: keyB }));
    const row = await underB.create(tenantId, underB.parse(config('pw-current')));
    await db.replaceDestinationSecrets(row.id, row.secretsCiphertext, tamper(row.secretsCiphertext));
    const report = await reencryptDestinations(db, new Keyring({ currentKey: keyB }));
    expect(report.failed).toContainEqual({ id: row.id, error: expect.any(DecryptionFailedError) });
  });
});
