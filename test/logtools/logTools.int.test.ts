import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgents } from '../../src/agents';
import Redis from 'ioredis';
import { createRedisLog, logKeys, Publisher, type EventLog } from '../../src/eventlog';
import { AGENT_CHANNELS } from '../../src/events';
import { readLogBatches } from '../../src/logtools/logReader';
import { replay } from '../../src/logtools/replay';
import { encodeCheckpoint, REDUCER_SCHEMA } from '../../src/pipeline/checkpoint';
import { reduceEntries, type ChannelVersions } from '../../src/pipeline/logReduction';
import { ProjectionStates } from '../../src/pipeline/projectionStates';
import { getJson, metricValue, startHarness, type Harness } from '../server/harness';
import { runCli } from '../support/cli';
import { redisForTests, uniquePrefix } from '../support/redis';
import { mixedMessages } from './support';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;
const url = 'url' in redis ? redis.url : '';

/** What the server shows at its current position: each agent channel's `GET /snapshot` version and state. */
interface Shown {
  readonly pos: number;
  readonly versions: Record<string, number>;
  readonly states: Record<string, unknown>;
}

/** Waits until the server has applied the log up to its head (bridged appends included) and flushed, then reads every agent channel. */
async function shownAtHead(h: Harness, log: EventLog): Promise<Shown> {
  const deadline = Date.now() + 10_000;
  let head = -1;
  for (;;) {
    const now = (await log.bounds()).head;
    if (now === head && (await metricValue(h.admin, 'pmarb_log_position')) === head && !h.server.hasPending) break;
    if (Date.now() > deadline) throw new Error(`server did not reach the log's head ${now} in time`);
    head = now;
    await new Promise((r) => setTimeout(r, 50));
  }
  const versions: Record<string, number> = {};
  const states: Record<string, unknown> = {};
  for (const channel of AGENT_CHANNELS) {
    const { body } = (await getJson(`${h.http}/snapshot/${channel}`)) as { body: { version: number; state: unknown } };
    versions[channel] = body.version;
    states[channel] = body.state;
  }
  return { pos: head, versions, states };
}

/** The CLI's output as JSON, after it exited with code 0. */
async function cliJson(args: string[]): Promise<Record<string, unknown>> {
  const cli = runCli(args);
  const { code } = await cli.exited;
  if (code !== 0) throw new Error(`pm-arb ${args.join(' ')} exited with ${String(code)}: ${cli.stderr}`);
  return JSON.parse(cli.stdout) as Record<string, unknown>;
}

describe.skipIf(skip !== undefined)(`log tools against a real Redis${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  let h: Harness;
  let log: EventLog;
  let publisher: Publisher;

  beforeAll(async () => {
    h = await startHarness(url, 'logtools', { '--flush-ms': '25' });
    log = createRedisLog({ url, prefix: h.config.channelPrefix, reads: true });
    publisher = new Publisher(log);
  });
  afterAll(async () => {
    publisher.close();
    await log.close();
    await h.stop();
  });

  it('replays the log to exactly what a running server shows at the same position, states and versions', async () => {
    // Our agents through the log, legacy messages appended (dated by the log) and published only (bridged).
    const agents = runAgents({ publish: async (channel, payload) => void (await publisher.publish(channel, payload)), seed: 9, speed: 3000, stepMs: 20 });
    for (const m of mixedMessages(60)) await publisher.publish(m.channel, m.payload);
    await new Promise((r) => setTimeout(r, 800));
    await agents.stop();
    const legacyRisk = '{"agent":"risk-guardian","type":"state_update","data":{"current_value":"900","high_water_mark":"1100","daily_pnl":"-100","halted":false}}';
    await h.publish([{ channel: 'risk.state', payload: legacyRisk }]);
    const middle = await shownAtHead(h, log);
    for (const m of mixedMessages(40)) await publisher.publish(m.channel, m.payload);
    const end = await shownAtHead(h, log);
    expect(end.pos).toBeGreaterThan(middle.pos);
    expect(middle.pos).toBeGreaterThan(100);

    const atMiddle = await replay(readLogBatches(log, 0, 97), { maxEventBytes: h.config.maxEventBytes, bounds: { untilPos: middle.pos } });
    expect({ pos: atMiddle.pos, versions: atMiddle.versions, states: atMiddle.states }).toEqual(middle);
    const byCli = await cliJson(['replay', '--redis', url, '--channel-prefix', h.config.channelPrefix]);
    const channels = byCli.channels as Record<string, { version: number; state: unknown }>;
    expect({
      pos: byCli.pos,
      versions: Object.fromEntries(Object.entries(channels).map(([c, v]) => [c, v.version])),
      states: Object.fromEntries(Object.entries(channels).map(([c, v]) => [c, v.state])),
    }).toEqual(end);
    const one = await cliJson(['replay', '--redis', url, '--channel-prefix', h.config.channelPrefix, '--channel', 'risk.state', '--until-pos', String(middle.pos)]);
    expect(one).toMatchObject({ channel: 'risk.state', version: middle.versions['risk.state'], pos: middle.pos, state: middle.states['risk.state'] });
  });

  it('exports, imports into another prefix and replays both to equal states, every byte kept', async () => {
    // Legacy messages among them: dated by the log's time, which the import must keep.
    for (const m of mixedMessages(30)) await publisher.publish(m.channel, m.payload);
    // A message that is not UTF-8 travels as message_b64 (and is rejected by both replays alike).
    await log.append({ channel: 'trade.results', message: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    const dir = mkdtempSync(join(tmpdir(), 'pm-arb-logtools-'));
    const file = join(dir, 'log.ndjson');
    const copy = uniquePrefix('logtools-copy');
    const exported = runCli(['log', 'export', '--redis', url, '--channel-prefix', h.config.channelPrefix, '--out', file, '--batch', '50']);
    expect((await exported.exited).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const { head } = await log.bounds();
    expect(lines).toHaveLength(head);
    expect(lines.filter((l) => l.includes('"message_b64"'))).toEqual([`{"pos":${head},"channel":"trade.results","time":${(JSON.parse(lines[head - 1] as string) as { time: number }).time},"message_b64":"e//+fQ=="}`]);

    const imported = runCli(['log', 'import', '--redis', url, '--channel-prefix', copy, '--in', file]);
    expect((await imported.exited).code).toBe(0);
    expect(imported.stderr).toContain(`${head} appended (positions 1..${head}), 0 refused as duplicates`);

    const original = await cliJson(['replay', '--redis', url, '--channel-prefix', h.config.channelPrefix]);
    const moved = await cliJson(['replay', '--redis', url, '--channel-prefix', copy]);
    const fromFile = await cliJson(['replay', '--from-file', file]);
    expect(moved.channels).toEqual(original.channels);
    expect(fromFile.channels).toEqual(original.channels);
    expect([moved.pos, fromFile.pos, moved.rejected]).toEqual([original.pos, original.pos, original.rejected]);
    expect(original.rejected).toBeGreaterThan(0);

    // Imported again: every v1 event is refused by its run's seq; only legacy messages may be appended again.
    const again = runCli(['log', 'import', '--redis', url, '--channel-prefix', copy, '--in', file]);
    expect((await again.exited).code).toBe(0);
    const counts = /(\d+) appended.*?, (\d+) refused/.exec(again.stderr);
    const v1Lines = lines.filter((l) => l.includes('\\"v\\":1,')).length;
    expect(v1Lines).toBeGreaterThan(head / 2);
    expect(Number(counts?.[1])).toBeLessThanOrEqual(head - v1Lines);
    expect(Number(counts?.[1]) + Number(counts?.[2])).toBe(head);
  });

  it('replays a trimmed log from the checkpoint that holds its trimming back, to the states of the whole log', async () => {
    const prefix = uniquePrefix('logtools-trim');
    const trimmed = createRedisLog({ url, prefix, reads: true });
    try {
      const appender = new Publisher(trimmed);
      for (const m of mixedMessages(480)) await appender.publish(m.channel, m.payload);
      const whole = await replay(readLogBatches(trimmed, 0, 100), { maxEventBytes: 65536, bounds: {} });
      // A checkpoint at 400 as a server writes one: states with their seq trackers, and versions.
      const states = new ProjectionStates({ inPlace: true });
      const versions: ChannelVersions = {};
      reduceEntries({ states, versions }, (await trimmed.read(0, 400, 0)).entries, { maxEventBytes: 65536 });
      const { epoch } = await trimmed.bounds();
      const checkpoint = { schema: REDUCER_SCHEMA, epoch, pos: 400, versions, saved: states.saved() };
      await trimmed.saveCheckpoint(REDUCER_SCHEMA, { epoch, pos: 400, data: Buffer.from(encodeCheckpoint(checkpoint)) });
      await trimmed.trim(10);
      const { first } = await trimmed.bounds();
      expect(first).toBeGreaterThan(1);
      expect(first).toBeLessThanOrEqual(401);

      const fromCheckpoint = await cliJson(['replay', '--redis', url, '--channel-prefix', prefix]);
      expect(fromCheckpoint).toMatchObject({ from: 400, pos: whole.pos, source: { checkpoint: 400, first_held: first } });
      const channels = fromCheckpoint.channels as Record<string, { version: number; state: unknown }>;
      for (const [channel, { version, state }] of Object.entries(channels)) {
        expect(version).toBe(whole.versions[channel as keyof typeof whole.versions]);
        expect(state).toEqual(whole.states[channel as keyof typeof whole.states]);
      }
      // Without the checkpoint the entries before `first` are gone: the replay says it starts from the oldest held.
      const direct = new Redis(url);
      await direct.del(logKeys(prefix).checkpoint(REDUCER_SCHEMA));
      direct.disconnect();
      const rebuilt = runCli(['replay', '--redis', url, '--channel-prefix', prefix]);
      expect((await rebuilt.exited).code).toBe(0);
      expect(rebuilt.stderr).toContain(`replaying from entry ${first}`);
      expect(JSON.parse(rebuilt.stdout)).toMatchObject({ from: 0, pos: whole.pos, entries: whole.pos - first + 1 });
      appender.close();
    } finally {
      await trimmed.close();
    }
  });

  it('names a bad option and exits 2; says when there is no log; skips and reports bad lines with exit 1', async () => {
    const badPos = runCli(['replay', '--until-pos', 'soon']);
    expect((await badPos.exited).code).toBe(2);
    expect(badPos.stderr).toContain('Invalid --until-pos: expected a log position');
    const badTime = runCli(['replay', '--until-time', 'yesterday']);
    expect((await badTime.exited).code).toBe(2);
    expect(badTime.stderr).toContain('Invalid --until-time: expected an ISO-8601 date-time');
    const badAction = runCli(['log', 'backup']);
    expect((await badAction.exited).code).toBe(2);
    const none = runCli(['replay', '--redis', url, '--channel-prefix', uniquePrefix('nothing')]);
    expect((await none.exited).code).toBe(1);
    expect(none.stderr).toContain('there is no log under prefix');
    const dir = mkdtempSync(join(tmpdir(), 'pm-arb-logtools-'));
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, '{"pos":1,"channel":"risk.state","time":1,"message":"{}"}\nnot json\n');
    const partly = runCli(['replay', '--from-file', file, '--channel', 'risk.state']);
    expect((await partly.exited).code).toBe(1);
    expect(partly.stderr).toContain('line 2 skipped: not JSON');
    expect(JSON.parse(partly.stdout)).toMatchObject({ channel: 'risk.state', version: 0 });
  });
});
