import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { destinationQueueName } from '@pushrail/queue';
import { ADMIN_TOKEN, Pipeline, seedEvent } from './pipeline';

/** Debian's Chromium (`.ci/run` installs the `chromium` package). */
const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium that talks to nothing but the page under test. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Every `WWW-Authenticate` header line of an answer, as sent (Node's `headers` would join them into one). */
function challengeLines(url: string, headers: Record<string, string> = {}): Promise<{ status: number; challenges: string[] }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        const challenges: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') challenges.push(res.rawHeaders[i + 1]!);
        }
        resolve({ status: res.statusCode ?? 0, challenges });
      })
      .on('error', reject);
  });
}

describe('Bull Board', () => {
  let pipeline: Pipeline;
  let browser: Browser;

  beforeAll(async () => {
    pipeline = await Pipeline.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline.close();
  });

  /**
   * A browser of its own (fresh user-data-dir) that answers an HTTP auth
   * challenge with these credentials: playwright's `httpCredentials` answers
   * only a challenge Chromium understood, and never sends them unasked.
   */
  async function browserWithCredentials(password: string, use: (context: BrowserContext) => Promise<void>): Promise<void> {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      httpCredentials: { username: 'operator', password },
    });
    try {
      await use(context);
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  }

  it('sends each challenge of every admin 401 as its own WWW-Authenticate header, Basic among them', async () => {
    for (const route of ['/admin/queues', '/admin/v1/tenants/x', '/admin/v1/dead-letters', '/admin/nowhere']) {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-xxxxxxxx' }, { authorization: `Basic ${Buffer.from('a:wrong').toString('base64')}` }]) {
        const answer = await challengeLines(pipeline.baseUrl + route, headers);
        expect({ route, ...answer }).toEqual({
          route,
          status: 401,
          challenges: ['Bearer realm="pushrail-admin"', 'Basic realm="pushrail-admin", charset="UTF-8"'],
        });
      }
    }
  });

  it('refuses the page without the admin token with a 401 and no redirect, and a browser asks for credentials', async () => {
    const bare = await pipeline.request('GET', '/admin/queues');
    expect(bare.status).toBe(401);
    expect(bare.headers.get('location')).toBeNull();
    // Chromium understood the Basic challenge and asked for credentials; a headless browser without any cancels the prompt.
    const page = await browser.newPage();
    await expect(page.goto(`${pipeline.baseUrl}/admin/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    await page.close();
  });

  it('refuses a browser that answers the login prompt with a wrong password', async () => {
    await browserWithCredentials('not-the-admin-token', async (context) => {
      const page = await context.newPage();
      const response = await page.goto(`${pipeline.baseUrl}/admin/queues`);
      expect(response?.status()).toBe(401);
      expect(await page.content()).not.toContain('Customer Postgres');
    });
  });

  it('opens in a browser that answers the login prompt with the admin token, and lists the destination’s queue and its jobs', async () => {
    // Paused, so the job stays in the queue for the board to show.
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/pause`)).status).toBe(200);
    expect((await pipeline.postBatch([seedEvent({ idempotencyKey: 'on-the-board' })])).status).toBe(202);

    await browserWithCredentials(ADMIN_TOKEN, async (context) => {
      const page = await context.newPage();
      const sentAuthorization: Array<Promise<string | undefined>> = [];
      page.on('requestfinished', (request) => sentAuthorization.push(request.allHeaders().then((h) => h.authorization?.split(' ')[0])));
      const response = await page.goto(`${pipeline.baseUrl}/admin/queues`);
      expect(response?.status()).toBe(200);
      // The queue list names the destination and its id.
      await page.getByText(`Customer Postgres · ${pipeline.destinationId}`).first().waitFor({ timeout: 15_000 });

      const queueName = destinationQueueName(pipeline.destinationId);
      await page.goto(`${pipeline.baseUrl}/admin/queues/queue/${encodeURIComponent(queueName)}?status=paused`);
      await page.getByText('deliver').first().waitFor({ timeout: 15_000 });
      const html = await page.content();
      expect(html).toContain('deliver');
      // Job data carries the destination's events, never its credentials.
      expect(html).not.toContain(pipeline.customer.writerPassword);
      // Whatever credentials went out were the browser's own answer to the Basic challenge.
      expect(new Set((await Promise.all(sentAuthorization)).filter((scheme) => scheme !== undefined))).toEqual(new Set(['Basic']));
    });
  });
});
