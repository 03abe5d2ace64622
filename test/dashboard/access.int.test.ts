import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/buildDashboard.mjs';
import { mintToken } from '../../src/auth/mint';
import { startHarness, type Harness } from '../server/harness';
import { browserForTests } from '../support/browser';
import { redisForTests } from '../support/redis';

const redis = await redisForTests();
const browser = await browserForTests();
const skip = 'skip' in redis ? redis.skip : 'skip' in browser ? browser.skip : undefined;
const SECRET = 'the-dashboard-test-secret-0123456789abc';

describe.skipIf(skip !== undefined)(`dashboard with access control${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const staticRoot = mkdtempSync(join(tmpdir(), 'pm-arb-dashboard-access-'));
  let h: Harness;

  beforeAll(async () => {
    await buildDashboard({ outdir: staticRoot });
    h = await startHarness('url' in redis ? redis.url : '', 'dash-access', { '--auth-secret': SECRET, '--static-root': staticRoot });
  });
  afterAll(async () => {
    await h.stop();
    if (!('skip' in browser)) await (browser as Browser).close();
    rmSync(staticRoot, { recursive: true, force: true });
  });

  it('takes its token from #token=…, goes live, and keeps the token out of the address bar and of every HTTP request (URLs, Referer)', async () => {
    const token = await mintToken({ sub: 'viewer', channels: ['*'], ttlSec: 300, key: { secret: SECRET } });
    const page = await (browser as Browser).newPage();
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requested.push(`${r.url()} ${JSON.stringify(r.headers())}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${h.http}/#token=${token}&page=risk`);
    await page.waitForSelector('#connection[data-status="live"]', { timeout: 8_000 });
    expect(await page.evaluate(() => location.hash)).toBe('#risk');
    expect(await page.evaluate(() => location.href)).not.toContain(token);
    expect(requested.some((r) => r.includes(token))).toBe(false);
    expect(errors).toEqual([]);
    // A reload keeps the token (this tab's session storage), still not in the address bar.
    await page.reload();
    await page.waitForSelector('#connection[data-status="live"]', { timeout: 8_000 });
    await page.close();
  });

  it('shows that access is denied without a token, and connects once a #token=… is pasted in', async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(`${h.http}/`);
    await page.waitForSelector('#connection[data-status="denied"]', { timeout: 8_000 });
    expect(await page.textContent('#connection-text')).toContain('Access denied');
    const token = await mintToken({ sub: 'viewer', channels: ['*'], ttlSec: 300, key: { secret: SECRET } });
    await page.evaluate((t) => {
      location.hash = `token=${t}`;
    }, token);
    await page.waitForSelector('#connection[data-status="live"]', { timeout: 8_000 });
    expect(await page.evaluate(() => location.href)).not.toContain(token);
    await page.close();
  });
});
