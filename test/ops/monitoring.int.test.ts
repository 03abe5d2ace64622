/**
 * The dashboard against a live server fed by the simulated agents: every panel reads only metrics the
 * server exposes, and every panel query returns data from Debian's Prometheus scraping it, with the
 * scrape job taken from ops/prometheus/prometheus.yml.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { runAgents, type AgentsHandle } from '../../src/agents';
import { encodeEvent, type Event } from '../../src/events';
import { rawClient, startHarness, type Harness } from '../server/harness';
import { prometheusForTests, startPrometheus, type RunningPrometheus } from '../support/prometheus';
import { redisForTests } from '../support/redis';
import { asSent, exposedNames, loadDashboard, metricNamesOf, panelQueries, PROMETHEUS_CONFIG } from './dashboard';

const redis = await redisForTests();
const tools = prometheusForTests();
const dashboard = loadDashboard();
const QUERIES = panelQueries(dashboard);
const SCRAPE_SECONDS = 1;

/** The shipped Prometheus config with its one scrape target moved to `metricsUrl`, scraping every second. */
function configFor(metricsUrl: string): string {
  const url = new URL(metricsUrl);
  const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as {
    global: Record<string, string>;
    scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
  };
  config.global.scrape_interval = `${SCRAPE_SECONDS}s`;
  const job = config.scrape_configs[0];
  if (job === undefined || job.static_configs[0] === undefined) throw new Error('no scrape job in the shipped config');
  job.metrics_path = url.pathname;
  job.static_configs[0].targets = [url.host];
  return stringify(config);
}

describe.skipIf('skip' in redis)(`the dashboard against a live server${'skip' in redis ? ` (skipped: ${redis.skip})` : ''}`, () => {
  let h: Harness;
  let agents: AgentsHandle;

  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'monitoring');
    const client = await rawClient(`${h.ws}?channels=*`);
    client.send('not json'); // a client error frame
    agents = runAgents({ publish: (channel, payload) => h.publish([{ channel, payload }]), seed: 9, speed: 600, heartbeatMs: 500 });
    // A rejection, a duplicate and a seq gap, so that those series exist too.
    const event = (seq: number): string =>
      encodeEvent({ type: 'agent.heartbeat', agent: 'ops-probe', run: 'r1', seq, ts: new Date().toISOString(), data: { role: 'probe', status: 'running', processed: seq, interval_ms: 1000 } as Event['data'] });
    await h.publish([
      { channel: 'agent.updates', payload: 'not json' },
      { channel: 'agent.updates', payload: event(1) },
      { channel: 'agent.updates', payload: event(1) },
      { channel: 'agent.updates', payload: event(4) },
    ]);
  }, 30_000);

  afterAll(async () => {
    await agents?.stop();
    await h?.stop();
    if ('stop' in redis) await redis.stop();
  });

  it('every panel reads only metrics the server exposes', async () => {
    const exposed = exposedNames(await (await fetch(h.metrics)).text());
    const missing = QUERIES.flatMap(({ panel, expr }) => metricNamesOf(expr).filter((m) => !exposed.has(m)).map((m) => `${panel}: ${m}`));
    expect(missing).toEqual([]);
    expect(QUERIES.flatMap((q) => metricNamesOf(q.expr)).length).toBeGreaterThanOrEqual(10);
  });

  describe.skipIf('skip' in tools)(`scraped by Prometheus${'skip' in tools ? ` (skipped: ${tools.skip})` : ''}`, () => {
    let prometheus: RunningPrometheus;
    beforeAll(async () => {
      if ('skip' in tools) return;
      prometheus = await startPrometheus(tools, configFor(h.metrics));
    }, 30_000);
    afterAll(async () => {
      await prometheus?.stop();
    });

    it('every panel query returns data', async () => {
      // Rates need two samples within their window: wait for a few scrapes of the live server.
      const deadline = Date.now() + 20_000;
      let scrapes = 0;
      while (scrapes < 4) {
        if (Date.now() > deadline) throw new Error(`Prometheus scraped the server ${scrapes} times in 20 s`);
        await new Promise((r) => setTimeout(r, 500));
        const up = await prometheus.query('sum(count_over_time(up{job="pm-arb"}[1m]))');
        scrapes = Number(up[0]?.value[1] ?? 0);
      }
      const [target] = await prometheus.query('up{job="pm-arb"}');
      expect(target?.value[1]).toBe('1');
      const empty: string[] = [];
      for (const { panel, expr } of QUERIES) {
        const result = await prometheus.query(asSent(dashboard, expr, `${SCRAPE_SECONDS * 10}s`));
        if (result.length === 0) empty.push(`${panel}: ${expr}`);
      }
      expect(empty).toEqual([]);
    }, 40_000);

    it('given a query for a metric the server does not have, then it returns nothing (the check can fail)', async () => {
      expect(await prometheus.query('rate(pmarb_no_such_metric_total[10s])')).toEqual([]);
    });
  });
});
