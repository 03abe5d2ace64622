/** Debian's Prometheus for tests: a private server on a free port, scraping what the test says. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/redisProbe';

const REQUIRED = process.env.REQUIRE_PROMETHEUS === '1';

/** The Prometheus binaries to use: `PROMETHEUS_PATH` (and promtool beside it) when set, else Debian's. */
export interface PrometheusTools {
  readonly prometheus: string;
  readonly promtool: string;
}

/** The installed Prometheus, or a reason to skip — a failure instead under `REQUIRE_PROMETHEUS=1`. */
export function prometheusForTests(): PrometheusTools | { skip: string } {
  const given = process.env.PROMETHEUS_PATH;
  const prometheus = given !== undefined && given !== '' ? given : '/usr/bin/prometheus';
  const promtool = join(prometheus, '..', 'promtool');
  if (existsSync(prometheus) && existsSync(promtool)) return { prometheus, promtool };
  const reason = `no prometheus and promtool at ${prometheus} (apt-get install prometheus, or set PROMETHEUS_PATH)`;
  if (REQUIRED) throw new Error(`REQUIRE_PROMETHEUS=1 but ${reason}`);
  return { skip: reason };
}

/** `promtool check config` of a file: its exit code and what it printed. */
export function checkConfig(tools: PrometheusTools, file: string): { status: number | null; output: string } {
  const result = spawnSync(tools.promtool, ['check', 'config', file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A running Prometheus and its HTTP API. */
export interface RunningPrometheus {
  readonly url: string;
  /** An instant query; resolves to the result vector (rejects on an API error). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/** Starts Prometheus with `config` (YAML text) and storage in a temporary folder; resolves once it is ready. */
export async function startPrometheus(tools: PrometheusTools, config: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-arb-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const checked = checkConfig(tools, configFile);
  if (checked.status !== 0) throw new Error(`promtool refused the test config:\n${checked.output}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(tools.prometheus, [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: [] } };
      if (body.status !== 'success' || body.data === undefined) throw new Error(`query ${expr} failed: ${body.error ?? response.status}`);
      return body.data.result;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
