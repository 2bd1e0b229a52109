import { chromium, type Browser } from 'playwright-core';
import { destinationQueueName } from '@pushrail/queue';
import { ADMIN_TOKEN, Pipeline, seedEvent } from './pipeline';

/** Debian's Chromium (`.ci/run` installs the `chromium` package). */
const CHROMIUM = '/usr/bin/chromium';

describe('Bull Board', () => {
  let pipeline: Pipeline;
  let browser: Browser;

  beforeAll(async () => {
    pipeline = await Pipeline.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline.close();
  });

  it('refuses the page without the admin token, with a 401 and no redirect', async () => {
    const bare = await pipeline.request('GET', '/admin/queues');
    expect(bare.status).toBe(401);
    expect(bare.headers.get('location')).toBeNull();
    const wrong = await pipeline.request('GET', '/admin/queues', { headers: { authorization: 'Bearer wrong-token-xxxxxxxx' } });
    expect(wrong.status).toBe(401);
    const page = await browser.newPage();
    const response = await page.goto(`${pipeline.baseUrl}/admin/queues`);
    expect(response?.status()).toBe(401);
    expect(await page.content()).not.toContain('Customer Postgres');
    await page.close();
  });

  it('lists a destination’s queue with the destination’s name, and its jobs', async () => {
    // Paused, so the job stays in the queue for the board to show.
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/pause`)).status).toBe(200);
    expect((await pipeline.postBatch([seedEvent({ idempotencyKey: 'on-the-board' })])).status).toBe(202);

    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const page = await context.newPage();
    const response = await page.goto(`${pipeline.baseUrl}/admin/queues`);
    expect(response?.status()).toBe(200);
    await page.getByText('Customer Postgres').first().waitFor({ timeout: 15_000 });

    const queueName = destinationQueueName(pipeline.destinationId);
    await page.goto(`${pipeline.baseUrl}/admin/queues/queue/${encodeURIComponent(queueName)}?status=paused`);
    await page.getByText('deliver').first().waitFor({ timeout: 15_000 });
    const html = await page.content();
    expect(html).toContain('deliver');
    // Job data carries the destination's events, never its credentials.
    expect(html).not.toContain(pipeline.customer.writerPassword);
    await context.close();
  });
});
