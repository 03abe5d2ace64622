/** The monitoring files hang together: dashboard ↔ datasource ↔ compose services ↔ Prometheus config. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, prometheusForTests } from '../support/prometheus';
import { loadDashboard, loadYaml, metricNamesOf, OPS, panelQueries, PROMETHEUS_CONFIG, ROOT } from './dashboard';

interface ComposeService {
  readonly profiles?: string[];
  readonly volumes?: string[];
  readonly ports?: string[];
  readonly command?: string[];
}

const dashboard = loadDashboard();
const compose = loadYaml<{ services: Record<string, ComposeService> }>(ROOT, 'docker-compose.yml');
const datasources = loadYaml<{ datasources: { uid: string; url: string; type: string }[] }>(OPS, 'grafana', 'provisioning', 'datasources', 'prometheus.yml');
const providers = loadYaml<{ providers: { options: { path: string } }[] }>(OPS, 'grafana', 'provisioning', 'dashboards', 'pm-arb.yml');
const prometheusConfig = loadYaml<{ scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[] }>(PROMETHEUS_CONFIG);
const tools = prometheusForTests();

/** Where a compose service mounts a path of this repository (`./ops/x:/target:ro` → `/target`). */
function mountOf(service: string, source: string): string | undefined {
  const volume = compose.services[service]?.volumes?.find((v) => v.startsWith(`${source}:`));
  return volume?.split(':')[1];
}

describe('the Grafana dashboard', () => {
  it('draws every data panel from the provisioned Prometheus datasource', () => {
    const uid = datasources.datasources[0]?.uid;
    const dataPanels = dashboard.panels.filter((p) => p.type !== 'row' && p.type !== 'text');
    expect(dataPanels.length).toBeGreaterThanOrEqual(8);
    for (const panel of dataPanels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect([panel.datasource?.uid, ...(panel.targets ?? []).map((t) => t.datasource?.uid)], panel.title).toEqual(
        Array<string | undefined>(1 + (panel.targets?.length ?? 0)).fill(uid),
      );
    }
  });

  it('has the panels operators need: events in and rejected by reason, deltas and bytes out, connections, latency quantiles, lost and duplicate events', () => {
    const queries = panelQueries(dashboard).map((q) => q.expr);
    const reads = (metric: string, extra: RegExp = /./): boolean => queries.some((q) => metricNamesOf(q).includes(metric) && extra.test(q));
    expect(reads('pmarb_events_in_total')).toBe(true);
    expect(reads('pmarb_events_rejected_total', /by \(reason\)/)).toBe(true);
    expect(reads('pmarb_deltas_published_total')).toBe(true);
    expect(reads('pmarb_ws_bytes_out_total')).toBe(true);
    expect(reads('pmarb_ws_connections')).toBe(true);
    for (const q of ['0.5', '0.9', '0.99']) expect(reads('pmarb_event_publish_latency_seconds_bucket', new RegExp(`histogram_quantile\\(${q},`)), q).toBe(true);
    expect(reads('pmarb_events_lost_total')).toBe(true);
    expect(reads('pmarb_events_duplicate_total')).toBe(true);
  });

  it('has a durable log row: lag in entries and seconds, entries applied per second, bridged messages, resumes and checkpoints by outcome, gaps and epoch changes', () => {
    expect(dashboard.panels.some((p) => p.type === 'row' && p.title === 'Durable log')).toBe(true);
    const queries = panelQueries(dashboard).map((q) => q.expr);
    const reads = (metric: string, extra: RegExp = /./): boolean => queries.some((q) => metricNamesOf(q).includes(metric) && extra.test(q));
    expect(reads('pmarb_log_lag_entries')).toBe(true);
    expect(reads('pmarb_log_lag_seconds')).toBe(true);
    expect(reads('pmarb_log_position', /\brate\(/)).toBe(true);
    for (const counter of ['pmarb_log_bridged_total', 'pmarb_resumes_total', 'pmarb_log_checkpoints_total']) expect(reads(counter, /by \(outcome\)/), counter).toBe(true);
    expect(reads('pmarb_log_gaps_total')).toBe(true);
    expect(reads('pmarb_log_epoch_changes_total')).toBe(true);
    expect(dashboard.panels.filter((p) => p.type === 'text')).toEqual([]);
  });
});

describe('the monitoring profile', () => {
  it('runs Prometheus and Grafana only in the monitoring profile, with the files under ops/ mounted where they are read', () => {
    for (const service of ['prometheus', 'grafana']) expect(compose.services[service]?.profiles, service).toEqual(['monitoring']);
    expect(mountOf('prometheus', './ops/prometheus/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    expect(mountOf('grafana', './ops/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    expect(mountOf('grafana', './ops/grafana/dashboards')).toBe(providers.providers[0]?.options.path);
  });

  it('points Grafana at the prometheus service, and Prometheus at the server service', () => {
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    expect(compose.services.prometheus?.ports).toContain('9090:9090');
    const job = prometheusConfig.scrape_configs.find((c) => c.job_name === 'pm-arb');
    expect(job?.metrics_path).toBe('/metrics');
    // /metrics is on the server's admin listener: open inside the compose network, never published.
    expect(job?.static_configs[0]?.targets).toEqual(['server:9464']);
    expect(compose.services.server?.command).toEqual(expect.arrayContaining(['--admin-host', '0.0.0.0', '--admin-port', '9464']));
    expect(compose.services.server?.ports).toEqual(['8000:8000']);
  });

  it.skipIf('skip' in tools)(`passes promtool check config${'skip' in tools ? ` (skipped: ${tools.skip})` : ''}`, () => {
    if ('skip' in tools) return;
    const result = checkConfig(tools, PROMETHEUS_CONFIG);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.skipIf('skip' in tools)('given a broken config, then promtool refuses it (the check can fail)', () => {
    if ('skip' in tools) return;
    expect(checkConfig(tools, join(OPS, 'grafana', 'provisioning', 'dashboards', 'pm-arb.yml')).status).not.toBe(0);
  });
});
