import * as E from 'fp-ts/Either';
import Redis from 'ioredis';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/buildDashboard.mjs';
import { createRedisBus } from '../../src/bus';
import { createRedisLog } from '../../src/eventlog';
import { loadServerConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server/server';
import { browserForTests } from '../support/browser';
import { redisForTests, uniquePrefix } from '../support/redis';
import { assertNoFaults, faultsOf } from '../server/harness';
import { TcpProxy } from '../support/tcpProxy';
import { allocator, executed, guardian, heartbeat, LEGACY_EXECUTOR, Publisher, type Message } from './seed';

const ARTIFACTS = join(__dirname, '..', 'artifacts');
const redis = await redisForTests();
const browser = await browserForTests();
const skip = 'skip' in redis ? redis.skip : 'skip' in browser ? browser.skip : undefined;
const silent = pino({ level: 'silent' });

/** Text of the element `selector`, once it equals `expected` (fails with what it was instead). */
async function waitForText(page: Page, selector: string, expected: string, timeout = 5_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, text]) => document.querySelector(sel as string)?.textContent === text,
      [selector, expected],
      { timeout, polling: 'raf' },
    );
  } catch {
    const actual = await page.evaluate((sel) => document.querySelector(sel)?.textContent ?? '(no element)', selector);
    throw new Error(`${selector}: expected "${expected}", got "${actual}"`);
  }
}

async function waitForStatus(page: Page, status: string, timeout = 8_000): Promise<void> {
  await page.waitForSelector(`#connection[data-status="${status}"]`, { timeout });
}

function figure(key: string): string {
  return `[data-figure="${key}"]`;
}

describe.skipIf(skip !== undefined)(`dashboard in headless Chromium${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const url = 'url' in redis ? redis.url : '';
  const prefix = uniquePrefix('dash');
  const staticRoot = mkdtempSync(join(tmpdir(), 'pm-arb-dashboard-'));
  const publisher = new Redis(url);
  const consoleErrors: string[] = [];
  let server: RunningServer | undefined;
  let port = 0;
  // The page's address. uWS (this build) does not set SO_REUSEADDR, so after a restart with clients
  // connected the old port stays in TIME_WAIT for a minute: the page keeps one address through this
  // forwarder while the server comes back on a fresh port.
  let forwarder: TcpProxy | undefined;
  let page: Page;

  async function start(): Promise<void> {
    const config = loadServerConfig(
      ['--port', '0', '--admin-port', '0', '--redis', url, '--channel-prefix', prefix, '--static-root', staticRoot, '--heartbeat-ms', '500'],
      {},
    );
    if (E.isLeft(config)) throw new Error(config.left.message);
    server = await startServer({
      config: config.right,
      bus: createRedisBus({ url, prefix, logger: silent }),
      log: createRedisLog({ url, prefix, logger: silent, reads: true }),
      logger: silent,
    });
    port = server.port;
    forwarder?.retarget(port);
  }

  async function publish(messages: readonly Message[]): Promise<void> {
    for (const m of messages) await publisher.publish(`${prefix}${m.channel}`, m.payload);
  }

  async function snapshot(channel: string): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${port}/snapshot/${channel}`);
    return ((await res.json()) as { state: Record<string, unknown> }).state;
  }

  /** Publishes until the server's projection shows the message (its Redis subscription may still be settling). */
  async function seedUntil(messages: readonly Message[], ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 5_000;
    await publish(messages);
    while (!(await ready())) {
      if (Date.now() > deadline) throw new Error('the server never applied the seeded events');
      await new Promise((r) => setTimeout(r, 100));
      await publish(messages);
    }
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildDashboard({ outdir: staticRoot });
    await start();
    forwarder = new TcpProxy(port);
    await forwarder.start();
    if ('skip' in browser) return;
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  });

  afterAll(async () => {
    const faults = server === undefined ? 0 : await faultsOf(server);
    await server?.stop();
    await forwarder?.stop();
    publisher.disconnect();
    if (!('skip' in browser)) await (browser as Browser).close();
    if ('stop' in redis) await redis.stop();
    rmSync(staticRoot, { recursive: true, force: true });
    assertNoFaults(faults);
  });

  const guardianAgent = new Publisher('risk-guardian', 'r1');
  const allocatorAgent = new Publisher('capital-allocator', 'a1');
  const executorAgent = new Publisher('paper-executor', 'e1');
  const scanner = new Publisher('opportunity-scanner', 's1');

  it('loads with no console errors and shows the seeded snapshot', async () => {
    await seedUntil(
      [
        guardian(guardianAgent, '1234.5', '1300', '-12.25'),
        allocator(allocatorAgent, '100'),
        LEGACY_EXECUTOR,
        heartbeat(guardianAgent, 'risk-guardian', 0, 30_000),
        heartbeat(scanner, 'scanner', 60_000, 1_000), // more than three intervals ago: stale
      ],
      async () => (await snapshot('risk.state')).current_value === '1234.5' && (await snapshot('trade.results')).trade_count === 1,
    );
    await page.goto(`http://127.0.0.1:${forwarder?.port ?? 0}/`);
    await waitForStatus(page, 'live');
    await waitForText(page, figure('overview.current_value'), '$1,234.50');
    await waitForText(page, figure('overview.total_capital'), '$1,000.00');
    expect(await page.isHidden('#halted-banner')).toBe(true);
    expect(await page.getAttribute('#tab-overview', 'aria-selected')).toBe('true');
    expect(await page.locator('[data-chart="equity"] canvas').count()).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });

  it('changes in place when events are published, and shows every page', async () => {
    // No polling: once loaded, the page makes no HTTP request; changes come over its WebSocket.
    const requests: string[] = [];
    const onRequest = (r: { url(): string }): void => {
      requests.push(r.url());
    };
    page.on('request', onRequest);
    // Tag the figure's node: if the page re-rendered wholesale (or reloaded), the tag would be gone.
    await page.evaluate(() => {
      (document.querySelector('[data-figure="overview.current_value"]') as unknown as { tagged: boolean }).tagged = true;
    });
    await publish([
      guardian(guardianAgent, '999.99', '1300', '-250.01'),
      guardianAgent.event('risk.halted', 'risk.state', { rule: 'drawdown_halt', reason: 'value below 80% of the high-water mark' }),
      guardianAgent.event('risk.decided', 'risk.state', { request_id: 'req-x', strategy: 'oracle-sniper', approved: false, reason: 'too big', rule_triggered: 'position_limit' }),
      executed(executorAgent, 'paper-0000beef', '12.5'),
      allocator(allocatorAgent, '140.25'),
    ]);
    await waitForText(page, figure('overview.current_value'), '$999.99');
    await page.waitForSelector('#halted-banner:not([hidden])', { timeout: 5_000 });
    expect(await page.textContent('#halted-reason')).toContain('drawdown_halt');
    // The same node was updated, not replaced: no page refresh, no re-render of the whole page.
    expect(
      await page.evaluate(() => (document.querySelector('[data-figure="overview.current_value"]') as unknown as { tagged?: boolean }).tagged),
    ).toBe(true);
    page.off('request', onRequest);
    expect(requests).toEqual([]);
    await shoot('overview');

    // Keyboard: focus the selected tab, then arrow right through the pages.
    await page.focus('#tab-overview');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#page-strategies:not([hidden])');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-strategies');
    await waitForText(page, '[data-table="strategies"] tr[data-key="oracle-sniper"] td:nth-child(2)', '+$140.25');
    await waitForText(page, '[data-table="strategies"] tr[data-key="momentum"] td:nth-child(2)', '−$15.50');
    await shoot('strategies');

    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#page-trades:not([hidden])');
    await page.waitForSelector('[data-table="trades"] tr[data-key="paper-0000beef"]');
    await page.waitForSelector('[data-table="trades"] tr[data-key="paper-1a2b3c4d"]');
    const keys = await page.$$eval('[data-table="trades"] tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.key));
    expect(keys.indexOf('paper-0000beef')).toBeLessThan(keys.indexOf('paper-1a2b3c4d')); // newest first
    await shoot('trades');

    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#page-risk:not([hidden])');
    await waitForText(page, figure('risk.drawdown'), '$300.01');
    await waitForText(page, figure('risk.daily_pnl'), '−$250.01');
    await waitForText(page, '[data-table="rejections-by-rule"] tr[data-key="position_limit"] td:nth-child(2)', '1');
    // Two changes inside the page's least render interval: the second is drawn late, not lost.
    await publish([guardian(guardianAgent, '1000.5', '1300', '-249.5', true)]);
    await waitForText(page, figure('risk.current_value'), '$1,000.50');
    await new Promise((r) => setTimeout(r, 40));
    await publish([guardian(guardianAgent, '999.99', '1300', '-250.01', true)]);
    await waitForText(page, figure('risk.current_value'), '$999.99');
    await shoot('risk');

    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#page-system:not([hidden])');
    expect(page.url()).toMatch(/#system$/);
    await page.waitForSelector('[data-table="agents"] tr.stale[data-key="opportunity-scanner"]');
    await page.waitForSelector('[data-table="agents"] tr:not(.stale)[data-key="risk-guardian"]');
    await waitForText(page, figure('system.connection'), 'live');
    await page.waitForFunction(() => Number(document.querySelector('[data-figure="system.connections"]')?.textContent) >= 1);
    await shoot('system');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#tab-overview');
    await page.waitForSelector('#page-overview:not([hidden])');
    await page.waitForTimeout(100); // charts follow their box's new width
    await shoot('overview-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(consoleErrors).toEqual([]);
  });

  it('reconnects by itself after the server restarts and shows the new state', async () => {
    await server?.stop();
    server = undefined;
    await waitForStatus(page, 'reconnecting');
    await start(); // behind the same address
    // Pub/sub keeps nothing: the restarted server fills its projections from the agents' next snapshots.
    await seedUntil(
      [guardian(guardianAgent, '1500', '1500', '20'), allocator(allocatorAgent, '200')],
      async () => (await snapshot('risk.state')).current_value === '1500',
    );
    await waitForStatus(page, 'live');
    await waitForText(page, figure('overview.current_value'), '$1,500.00');
    await page.click('#tab-risk');
    await waitForText(page, figure('risk.drawdown'), '$0.00');
    expect(await page.isHidden('#halted-banner')).toBe(true);
    await page.click('#tab-system');
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-figure="system.connection"] + .card-sub')?.textContent ?? ''));
    // The only errors allowed: the browser's own report of the refused connections while the server was down.
    expect(consoleErrors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
  });
});
