/**
 * The package as users get it: packed by `npm pack`, installed from the tarball into a fresh project,
 * and used by the programs in examples/ against a live server fed by the simulated agents.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgents, type AgentsHandle } from '../../src/agents';
import { getJson, settled, startHarness, type Harness } from '../server/harness';
import { browserForTests } from '../support/browser';
import { redisForTests } from '../support/redis';
import { ENTRIES } from '../../scripts/buildEntries.mjs';
import { compile, consumerProject, packPackage, ROOT } from './consumerProject';

const execFileAsync = promisify(execFile);
const redis = await redisForTests();
const EXAMPLES = join(ROOT, 'examples');
const FOLLOWED = ['risk.state', 'trade.results'];
const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/** Runs a compiled example with node in the consumer project; resolves to its exit code and output. */
function runExample(cwd: string, file: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join('out', file), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The server's state of `channel` once `holds` is true of it (polled over HTTP). */
async function snapshotUntil<S>(h: Harness, channel: string, holds: (state: S) => boolean, timeoutMs = 5_000): Promise<S> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = (await getJson(`${h.http}/snapshot/${channel}`)).body as { state: S };
    if (holds(state)) return state;
    if (Date.now() > deadline) throw new Error(`${channel}: condition not met within ${timeoutMs} ms: ${JSON.stringify(state).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf('skip' in redis)(`the packed package in a fresh project${'skip' in redis ? ` (skipped: ${redis.skip})` : ''}`, () => {
  const work = mkdtempSync(join(tmpdir(), 'pm-arb-consumer-'));
  const project = join(work, 'project');
  let h: Harness;
  let agents: AgentsHandle | undefined;

  beforeAll(async () => {
    const tarball = await packPackage(work);
    await consumerProject(project, tarball, ['ws', 'ioredis', '@types/ws', '@types/node'], {
      [join(EXAMPLES, 'node', 'follow.ts')]: 'follow.ts',
      [join(EXAMPLES, 'node', 'publish.ts')]: 'publish.ts',
      [join(EXAMPLES, 'browser', 'main.ts')]: 'browser.ts',
    });
    await compile(project);
    h = await startHarness('url' in redis ? redis.url : '', 'consumer');
  }, 180_000);

  afterAll(async () => {
    await agents?.stop();
    await h?.stop();
    if ('stop' in redis) await redis.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('loads every entry point from CommonJS and from an ES module, with the same exports; the client with no imports at all', async () => {
    const names = JSON.stringify(Object.keys(ENTRIES));
    const listing = "Object.fromEntries(names.map((n, i) => [n, Object.keys(modules[i]).filter((k) => k !== 'default' && k !== 'module.exports').sort()]))";
    const cjs = await execFileAsync(process.execPath, ['-e', `const names = ${names}; const modules = names.map((n) => require('pm-arb/' + n)); console.log(JSON.stringify(${listing}))`], { cwd: project });
    const esm = await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', `const names = ${names}; const modules = await Promise.all(names.map((n) => import('pm-arb/' + n))); console.log(JSON.stringify(${listing}))`],
      { cwd: project },
    );
    const fromCjs = JSON.parse(cjs.stdout) as Record<string, string[]>;
    expect(JSON.parse(esm.stdout)).toEqual(fromCjs);
    expect(fromCjs.client).toEqual(expect.arrayContaining(['ProjectionClient', 'applyPatch', 'ERROR_CODES']));
    expect(fromCjs.events).toEqual(expect.arrayContaining(['decodeEvent', 'encodeEvent', 'CATALOG', 'TradeExecuted']));
    expect(fromCjs.publisher).toEqual(expect.arrayContaining(['Publisher', 'createRedisLog', 'runKeyOf']));
    for (const file of ['client.mjs', 'client.cjs']) {
      const code = readFileSync(join(project, 'node_modules', 'pm-arb', 'dist', 'entries', file), 'utf8');
      expect(code, file).not.toMatch(/\brequire\(|^\s*import\b|\bimport\(/m);
    }
  });

  it('follows two channels from Node and converges to the server states while the agents trade', async () => {
    const follower = runExample(project, 'follow.js', ['--url', h.ws, ...FOLLOWED.flatMap((c) => ['--channel', c]), '--converge', '--timeout-ms', '40000']);
    agents = runAgents({ publish: (channel, payload) => h.publish([{ channel, payload }]), seed: 9, speed: 600, heartbeatMs: 500, snapshotMs: 1000 });
    const result = await follower;
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`converged ${FOLLOWED.join(' ')}`);
    expect(result.stdout).toMatch(/delta risk\.state v\d+/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('publishes from its own agent: every event passes decodeEvent and reaches the projections', async () => {
    const before = (await getJson(`${h.http}/snapshot/trade.results`)).body as { state: { trade_count: number } };
    const result = await runExample(project, 'publish.js', ['--redis', 'url' in redis ? redis.url : '', '--channel-prefix', h.config.channelPrefix, '--agent', 'consumer-test']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^published agent\.heartbeat on agent\.updates at log position \d+$/),
      expect.stringMatching(/^published trade\.executed on trade\.results at log position \d+$/),
      expect.stringMatching(/^published trade\.settled on trade\.results at log position \d+$/),
    ]);
    const agentsState = await snapshotUntil<{ agents: Record<string, { role: string }> }>(h, 'agent.updates', (s) => s.agents['consumer-test'] !== undefined);
    await snapshotUntil<{ trade_count: number }>(h, 'trade.results', (s) => s.trade_count > before.state.trade_count);
    expect(agentsState.agents['consumer-test']?.role).toBe('executor');
  }, 30_000);

  describe('in a browser', () => {
    let browser: Browser | { skip: string };
    beforeAll(async () => {
      browser = await browserForTests();
    });
    afterAll(async () => {
      if (!('skip' in browser)) await browser.close();
    });

    it('a page bundled with esbuild from the installed pm-arb/client shows the server states', async (context) => {
      if ('skip' in browser) return context.skip(browser.skip);
      // The server's static root serves the example page and its bundle: same origin as /ws.
      for (const file of ['index.html', 'styles.css']) copyFileSync(join(EXAMPLES, 'browser', file), join(h.config.staticRoot, file));
      await build({
        entryPoints: [join(project, 'src', 'browser.ts')],
        absWorkingDir: project,
        outfile: join(h.config.staticRoot, 'main.js'),
        bundle: true,
        platform: 'browser',
        format: 'iife',
        logLevel: 'silent',
      });
      agents ??= runAgents({ publish: (channel, payload) => h.publish([{ channel, payload }]), seed: 9, speed: 600, heartbeatMs: 500 });
      const page: Page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${h.http}/?channels=${FOLLOWED.join(',')}`);
      for (const channel of FOLLOWED) await page.waitForSelector(`section[data-channel="${channel}"]:not([data-deltas="0"])`, { timeout: 20_000 });
      await agents.stop();
      agents = undefined;
      // The agents publish on pub/sub: their last events reach the projections through the bridge and the log.
      await settled(h);
      for (const channel of FOLLOWED) {
        const server = (await getJson(`${h.http}/snapshot/${channel}`)).body as { version: number; state: unknown };
        await page.waitForSelector(`section[data-channel="${channel}"][data-version="${server.version}"]`, { timeout: 5_000 });
        const shown = await page.$eval(`section[data-channel="${channel}"] pre`, (pre) => pre.textContent ?? '');
        expect(JSON.parse(shown), channel).toEqual(server.state);
      }
      expect(await page.textContent('#status')).toBe('live');
      expect(errors).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'example-browser.png') });
    }, 60_000);
  });
});
