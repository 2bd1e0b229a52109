/**
 * The customer portal in a real headless Chromium (Debian's), against a real
 * stack (ingest, worker, control database, Redis, a customer database with the
 * INSERT-only role), driven like a person: by labels and roles. Saves a
 * screenshot of each page to docs/portal/ when PUSHRAIL_UPDATE_SCREENSHOTS=1
 * (the README shows them), else to a temporary directory.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTableSql, qualifiedTable } from '@pushrail/destination-postgres';
import { waitFor, withPgClient } from '@pushrail/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { envelopeSetupSql, Pipeline, seedEvent } from './pipeline';
import { linkPath, portalLink } from './portal-support';

const SCREENSHOTS = process.env.PUSHRAIL_UPDATE_SCREENSHOTS === '1'
  ? path.join(__dirname, '../../../docs/portal')
  : path.join(tmpdir(), 'pushrail-portal-screenshots');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the customer portal in a browser', () => {
  let pipeline: Pipeline;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A fresh browser profile with the portal opened through a new link of `tenantId`. */
  async function openPortal(tenantId = pipeline.tenantId): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(pipeline.baseUrl + linkPath(await portalLink(pipeline, tenantId)));
    await page.getByRole('heading', { name: 'Destinations', level: 1 }).waitFor();
    return page;
  }

  /** A figure of the destination page's status list, by its term. */
  const statusFigure = (page: Page, term: string) => page.locator('dl.status-list dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').textContent();

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    pipeline = await Pipeline.start({ customerSetupSql: envelopeSetupSql('pushrail', ['events', 'portal_events']) });
    // A fresh profile directory per launch: playwright's launch() makes a temporary one each time.
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await pipeline.close();
  });

  it('goes from the link to a delivered test event: add a destination, a wrong password named by the test, the fix, save, send', async () => {
    const page = await openPortal();
    await expect(page.getByRole('link', { name: 'Customer Postgres' }).isVisible()).resolves.toBe(true);
    await shot(page, 'destinations');

    await page.getByRole('link', { name: 'Add destination' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Second database');
    await page.getByLabel('Host', { exact: true }).fill(pipeline.customer.host);
    await page.getByLabel('Port (optional)').fill(String(pipeline.customer.port));
    await page.getByLabel('Database', { exact: true }).fill(pipeline.customer.database);
    await page.getByLabel('Schema (optional)').fill('pushrail');
    await page.getByLabel('Table (optional)', { exact: true }).fill('portal_events');
    await page.getByLabel('TLS (optional)', { exact: true }).uncheck();
    await page.getByLabel('Username', { exact: true }).fill(pipeline.customer.writerUser);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const failed = page.locator('.checks.failed');
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/connect: failed.*password authentication failed/);
    await shot(page, 'add-destination-test-failed');

    await page.getByLabel('Password', { exact: true }).fill(pipeline.customer.writerPassword);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('All checks passed').waitFor();
    expect(await page.locator('.checks.ok li.fail').count()).toBe(0);
    await page.getByRole('button', { name: 'Save destination' }).click();

    await page.getByRole('heading', { name: 'Second database', level: 1 }).waitFor();
    await page.getByText('GRANT INSERT ON').waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    const delivered = page.getByText(/^Delivered: event [0-9a-f-]{36} is in your table\.$/);
    await delivered.waitFor({ timeout: 20_000 });
    const eventId = /event ([0-9a-f-]{36})/.exec((await delivered.textContent())!)![1];
    const rows = await pipeline.rows('portal_events');
    expect(rows.map((r) => r.event_id)).toEqual([eventId]);
    expect(rows[0]!.event_type).toBe('pushrail.test');
    // The status shows the delivery without a reload.
    await waitFor(async () => (await statusFigure(page, 'Delivered, last 24 h')) === '1', { description: 'the status refreshed after the test event' });
    expect(await statusFigure(page, 'Last delivery')).not.toBe('—');
    await shot(page, 'destination');
  });

  it('gives the set-up guide per event type with a copy button, pauses and resumes, and is usable from the keyboard', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Per type', tableMode: 'per_event_type', eventTypes: ['user.signed_up', 'order.*'] }),
    });
    expect(created.status).toBe(201);
    const page = await openPortal();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pipeline.baseUrl });
    // From the keyboard: Tab to the destination's link and open it with Enter.
    const link = page.getByRole('link', { name: 'Per type' });
    for (let i = 0; i < 30 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Per type', level: 1 }).waitFor();
    await page.getByText('for table events_user_signed_up').waitFor();
    await page.getByLabel('Event type', { exact: true }).fill('order.refunded');
    await page.getByLabel('Event type', { exact: true }).press('Enter');
    await page.getByText('for table events_order_refunded').waitFor();
    await page.getByRole('button', { name: 'Copy SQL' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('events_order_refunded');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused (by hand): paused in the customer portal').waitFor();
    expect((await pipeline.admin('GET', `/admin/v1/destinations/${created.body.id}`)).body.paused).toBe(true);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await pipeline.admin('GET', `/admin/v1/destinations/${created.body.id}`)).body.paused).toBe(false);
  });

  it('redrives a dead letter after its table is created', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/destinations', { tenantId: pipeline.tenantId, ...pipeline.destinationConfig({ name: 'Late table', table: 'late_events' }) });
    const destinationId = created.body.id as string;
    const page = await openPortal();
    await page.getByRole('link', { name: 'Late table' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText(/^Dead-lettered: .*late_events.* does not exist/).waitFor({ timeout: 20_000 });
    await waitFor(async () => (await statusFigure(page, 'Dead-lettered, last 24 h')) === '1', { description: 'the status refreshed after the dead letter' });
    await waitFor(async () => (await pipeline.admin('GET', `/admin/v1/dead-letters?destinationId=${destinationId}`)).body.items.length === 1, {
      description: 'the dead letter mirrored into the control database',
    });

    await withPgClient(pipeline.customer.adminUrl, (client) =>
      client.query(`${createTableSql('pushrail', 'late_events')}; GRANT INSERT ON ${qualifiedTable('pushrail', 'late_events')} TO pushrail_writer;`),
    );
    await page.getByRole('link', { name: 'Dead letters' }).last().click();
    await page.getByRole('heading', { name: 'Dead letters', level: 1 }).waitFor();
    expect(await page.getByLabel('Destination').inputValue()).toBe(destinationId);
    // All of the tenant's destinations at once: the dead letter shows with its destination's name.
    await page.getByLabel('Destination').selectOption({ label: 'All destinations' });
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByRole('cell', { name: 'Late table' }).waitFor();
    await page.getByRole('button', { name: /^Open \d+$/ }).click();
    await page.getByText(/Error: permanent \(42P01\)/).waitFor();
    await shot(page, 'dead-letters');
    await page.getByRole('button', { name: 'Redrive all matching' }).click();
    await page.getByText('Redriven 1 of 1 matching.').waitFor();
    await waitFor(async () => (await pipeline.rowCount('late_events')) === 1, { description: 'the redriven event in late_events', timeoutMs: 20_000 });
  });

  it('edits a destination: an emptied optional field is removed, the password is kept unless retyped', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Filtered', table: 'portal_events', eventTypes: ['order.*'] }),
    });
    const destinationId = created.body.id as string;
    const page = await openPortal();
    await page.getByRole('link', { name: 'Filtered' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit Filtered', level: 1 }).waitFor();
    expect(await page.getByLabel('Event types (optional)').inputValue()).toBe('order.*');
    await page.getByLabel('Event types (optional)').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Filtered', level: 1, exact: true }).waitFor();
    const saved = (await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`)).body;
    expect(saved.config).not.toHaveProperty('eventTypes');
    expect(saved.config.auth.password).toBe('[REDACTED]');
    // The stored password still connects: the saved destination passes the provider's checks.
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/test`)).body.ok).toBe(true);
  });

  it('creates a write key shown once, and a revoked key is refused', async () => {
    const page = await openPortal();
    await page.getByRole('link', { name: 'Write keys' }).click();
    await page.getByRole('button', { name: 'Create write key' }).click();
    const key = await page.getByLabel('Write key').inputValue();
    expect(key).toMatch(/^pr_wk_/);
    await shot(page, 'write-keys');
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: undefined }), key)).status).toBe(202);

    const prefix = key.slice(0, 12);
    await page.getByRole('button', { name: `Revoke ${prefix}…` }).click();
    await page.getByRole('button', { name: `Confirm revoking ${prefix}…` }).click();
    await page.getByText(`Revoked ${prefix}…: it stops working at once.`).waitFor();
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: undefined }), key)).status).toBe(401);
    // Reloaded from the server, the key still shows only by its prefix.
    await page.reload();
    await page.getByRole('heading', { name: 'Write keys' }).waitFor();
    expect(await page.content()).not.toContain(key);
  });

  it('leaves a link unused when it is only previewed (fetched without scripts), and refuses a reused link and an expired one', async () => {
    const url = await portalLink(pipeline, pipeline.tenantId);
    // A link preview: the page is fetched by something that runs no script.
    const preview = await browser.newContext({ javaScriptEnabled: false });
    contexts.push(preview);
    const previewed = await preview.newPage();
    expect((await previewed.goto(pipeline.baseUrl + linkPath(url)))?.status()).toBe(200);
    await previewed.getByRole('button', { name: 'Open the portal' }).waitFor();

    // The person who clicks it afterwards still gets in: the browser runs the page's script, which uses the link.
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    expect((await page.goto(pipeline.baseUrl + linkPath(url)))?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Destinations', level: 1 }).waitFor();

    const stranger = await (await browser.newContext()).newPage();
    contexts.push(stranger.context());
    const reused = await stranger.goto(pipeline.baseUrl + linkPath(url));
    expect(reused?.status()).toBe(410);
    await stranger.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    await shot(stranger, 'link-refused');
    await stranger.goto(`${pipeline.baseUrl}/portal/`);
    await stranger.getByText('No portal session').waitFor();

    const late = await portalLink(pipeline, pipeline.tenantId);
    await pipeline.db.pool.query(`UPDATE portal_links SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    expect((await stranger.goto(pipeline.baseUrl + linkPath(late)))?.status()).toBe(410);
  });

  it("shows a session of one tenant nothing of another's destinations", async () => {
    const other = (await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Globex' })).body.id as string;
    await pipeline.admin('POST', '/admin/v1/destinations', { tenantId: other, ...pipeline.destinationConfig({ name: 'Globex warehouse' }) });
    const page = await openPortal(other);
    await page.getByRole('link', { name: 'Globex warehouse' }).waitFor();
    expect(await page.getByText('Customer Postgres').count()).toBe(0);
    await page.goto(`${pipeline.baseUrl}/portal/#/destinations/${pipeline.destinationId}`);
    await page.getByText('no such destination').waitFor();
    expect(await page.content()).not.toContain('Customer Postgres');
  });
});
