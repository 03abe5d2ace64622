/** The Grafana dashboard and monitoring files under ops/, read as tests need them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const OPS = join(ROOT, 'ops');
export const PROMETHEUS_CONFIG = join(OPS, 'prometheus', 'prometheus.yml');

export interface Panel {
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly { readonly expr: string; readonly datasource?: { readonly uid: string } }[];
}

export interface Dashboard {
  readonly uid: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly allValue?: string }[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(join(OPS, 'grafana', 'dashboards', 'pm-arb.json'), 'utf8')) as Dashboard;
}

export function loadYaml<T>(...path: string[]): T {
  return parse(readFileSync(join(...path), 'utf8')) as T;
}

/** Every query of every panel that draws data (rows and text panels have none). */
export function panelQueries(dashboard: Dashboard): { panel: string; expr: string }[] {
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

/** The metric names an expression reads (series names, `_bucket` included). */
export function metricNamesOf(expr: string): string[] {
  return [...new Set(expr.match(/\bpmarb_[a-z0-9_]+/g) ?? [])];
}

/**
 * The expression as Grafana sends it: the dashboard's variables replaced by their "All" values
 * and `$__rate_interval` by `rateInterval`.
 */
export function asSent(dashboard: Dashboard, expr: string, rateInterval: string): string {
  let sent = expr.replaceAll('$__rate_interval', rateInterval);
  for (const variable of dashboard.templating.list) sent = sent.replaceAll(`$${variable.name}`, variable.allValue ?? '.*');
  if (/\$\w/.test(sent)) throw new Error(`a variable is left in ${sent}`);
  return sent;
}

/** The series names a Prometheus text exposition declares (`# TYPE` lines; histograms with their three series). */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
