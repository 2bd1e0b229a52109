/**
 * A run that includes a failed connection (the destination's password
 * changed to a wrong one), with every log line of ingest and the workers
 * captured at debug level, every API answer kept, the metrics of both, and
 * everything Pushrail stored in Redis (what Bull Board shows): none of it may
 * hold the destination's password, the write key, the admin token or the
 * encryption key.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { waitFor } from '@pushrail/testing';
import { ADMIN_TOKEN, Pipeline, seedEvent, type HttpAnswer } from './pipeline';

/** Everything under one key prefix in Redis, as text: strings, hashes, lists, sets, sorted sets and streams. */
async function redisContents(pipeline: Pipeline): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await pipeline.redis.scan(cursor, 'MATCH', `${pipeline.prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await pipeline.redis.type(key);
      let value: unknown;
      if (type === 'string') value = await pipeline.redis.get(key);
      else if (type === 'hash') value = await pipeline.redis.hgetall(key);
      else if (type === 'list') value = await pipeline.redis.lrange(key, 0, -1);
      else if (type === 'set') value = await pipeline.redis.smembers(key);
      else if (type === 'zset') value = await pipeline.redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') value = await pipeline.redis.xrange(key, '-', '+');
      out.push(`${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

describe('no secret in any log line, API answer, metric or queue entry, across a failed connection', () => {
  const wrongPassword = `wrong-password-${randomBytes(12).toString('hex')}`;
  const otherPassword = `second-destination-password-${randomBytes(12).toString('hex')}`;
  const logLines: string[] = [];
  const answers: HttpAnswer[] = [];
  let pipeline: Pipeline;

  const admin = async (method: string, path: string, body?: unknown) => {
    const answer = await pipeline.admin(method, path, body);
    answers.push(answer);
    return answer;
  };
  const post = async (idempotencyKey: string) => {
    const answer = await pipeline.postEvent(seedEvent({ idempotencyKey }));
    answers.push(answer);
    expect(answer.status).toBe(202);
    return answer.body.eventId as string;
  };

  beforeAll(async () => {
    pipeline = await Pipeline.start({
      startWorker: false,
      logLevel: 'debug',
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(...String(chunk).split('\n').filter((line) => line.length > 0));
          done();
        },
      }),
    });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('keeps every secret out while delivering, failing to log in, and dead-lettering', async () => {
    const destination = `/admin/v1/destinations/${pipeline.destinationId}`;

    // 1. A good run: delivered, and every read route of the destination.
    const worker = await pipeline.startWorker();
    const delivered = await post('secrets-good-run');
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === delivered), { description: 'the first row' });
    await admin('GET', destination);
    await admin('GET', `/admin/v1/destinations?tenantId=${pipeline.tenantId}`);
    await admin('GET', `${destination}/ddl`);
    expect((await admin('POST', `${destination}/test`)).body.ok).toBe(true);
    await worker.stop();

    // 2. The password is changed to a wrong one: the answer shows it redacted, /test fails to log in.
    const patched = await admin('PATCH', destination, {
      auth: { mode: 'PASSWORD', username: pipeline.customer.writerUser, password: wrongPassword },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.config.auth.password).toBe('[REDACTED]');
    const failedTest = await admin('POST', `${destination}/test`);
    expect(failedTest.body.ok).toBe(false);
    expect(failedTest.body.checks).toContainEqual({
      name: 'connect',
      ok: false,
      message: `password authentication failed for user "${pipeline.customer.writerUser}"`,
    });

    // 3. A worker that loads the new config fails to connect and dead-letters the event.
    await pipeline.startWorker();
    const refused = await post('secrets-refused');
    const letters = await waitFor(
      async () => {
        const page = await admin('GET', `/admin/v1/dead-letters?destinationId=${pipeline.destinationId}`);
        return page.body?.items?.length > 0 ? page.body.items : undefined;
      },
      { description: 'the refused event to be dead-lettered', timeoutMs: 20_000 },
    );
    expect(letters[0]).toMatchObject({ errorKind: 'permanent', errorCode: '28P01' });
    await admin('GET', `/admin/v1/dead-letters/${letters[0].id}`);

    // 4. A second destination created with its password, and a create refused for a bad field.
    const created = await admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'second', auth: { mode: 'PASSWORD', username: 'w', password: otherPassword } }),
    });
    expect(created.status).toBe(201);
    const invalid = await admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ port: 'not a port', auth: { mode: 'PASSWORD', username: 'w', password: otherPassword, extra: 1 } }),
    });
    expect(invalid.status).toBe(400);

    const ingestMetrics = await pipeline.request('GET', '/metrics');
    const workerMetrics = await pipeline.workerMetric('pushrail_events_dead_lettered_total');
    expect(workerMetrics).toBeGreaterThanOrEqual(1);
    const queued = await redisContents(pipeline);

    // The run really logged the failure and really kept what it carried (so the checks below can fail).
    expect(logLines.some((line) => line.includes('password authentication failed'))).toBe(true);
    expect(queued).toContain(refused);
    expect(answers.length).toBeGreaterThan(10);

    const everything = [...logLines, ...answers.map((a) => a.text), ingestMetrics.text, queued].join('\n');
    const secrets = {
      'the destination password': pipeline.customer.writerPassword,
      'the wrong password': wrongPassword,
      'the second destination password': otherPassword,
      'the write key': pipeline.writeKey,
      'the write key secret part': pipeline.writeKey.slice(12),
      'the admin token': ADMIN_TOKEN,
      'the encryption key': pipeline.encryptionKey,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      const where = everything.split('\n').find((line) => line.includes(secret));
      expect({ secret: name, foundIn: where }).toEqual({ secret: name, foundIn: undefined });
    }
  });
});
