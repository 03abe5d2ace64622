/**
 * docs/asyncapi.yaml against a live server fed by the simulated agents: every message the agents
 * publish, every frame the server sends and every snapshot it serves fits its schema, and every key
 * in them is declared (the drift check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgents } from '../../src/agents';
import { applyPatch } from '../../src/client';
import { AGENT_CHANNELS } from '../../src/events';
import { SYSTEM_CHANNEL } from '../../src/server/systemProjection';
import { eventually, flushed, getJson, rawClient, startHarness, type Harness, type RawClient } from '../server/harness';
import { redisForTests } from '../support/redis';
import { Schemas } from './asyncapi';

const redis = await redisForTests();
const schemas = new Schemas();
const PROJECTIONS = schemas.projectionSchemas();

/** The schema names a message on `channel` with wire `type` may have (state_update has one per channel). */
function eventSchemaFor(channel: string, type: string): string {
  const doc = schemas.doc;
  const entry = Object.values(doc.channels).find((c) => c.address === `{prefix}${channel}`);
  for (const { $ref } of Object.values(entry?.messages ?? {})) {
    const payload = doc.components.messages[$ref.replace('#/components/messages/', '')]?.payload;
    if (payload?.$ref === undefined) continue;
    const name = payload.$ref.replace('#/components/schemas/', '');
    if (schemas.schema(name).allOf?.[1]?.properties?.type?.const === type) return name;
  }
  throw new Error(`no message for ${type} on ${channel}`);
}

/** Validation errors and undeclared keys of `value` against the schema `name`, as one list. */
function problems(name: string, value: unknown, where: string): string[] {
  return [...schemas.errors(name, value).map((e) => `${where}: ${e}`), ...schemas.undeclared(name, value).map((p) => `${where}: undeclared ${p}`)];
}

describe.skipIf('skip' in redis)(`docs/asyncapi.yaml against a live server${'skip' in redis ? ` (skipped: ${redis.skip})` : ''}`, () => {
  let h: Harness;
  let all: RawClient;
  let poke: RawClient;
  const published: { channel: string; payload: string }[] = [];
  /** The ids of the trades the executor published as executed. */
  const executedIds = (): Set<string> =>
    new Set(
      published
        .map((m) => JSON.parse(m.payload) as { type: string; data: { id?: string } })
        .filter((m) => m.type === 'trade.executed')
        .map((m) => m.data.id ?? ''),
    );

  beforeAll(async () => {
    h = await startHarness('url' in redis ? redis.url : '', 'asyncapi', { '--heartbeat-ms': '200' });
    all = await rawClient(`${h.ws}?channels=*`);
    await eventually(() => all.of('snapshot').length === PROJECTIONS.size, 5_000, 'a snapshot of every channel');
    const agents = runAgents({
      publish: async (channel, payload) => {
        published.push({ channel, payload });
        await h.publish([{ channel, payload }]);
      },
      seed: 9,
      speed: 600,
      heartbeatMs: 300,
      snapshotMs: 500,
    });
    // The requests the protocol answers, good and bad, from a second client.
    poke = await rawClient(h.ws);
    poke.send({ type: 'ping' });
    poke.send({ type: 'subscribe', channels: ['risk.state', 'no.such.channel'] });
    poke.send({ type: 'resync', channel: 'trade.results' });
    poke.send({ type: 'resync', channel: 'risk.state' });
    poke.send({ type: 'unsubscribe', channels: ['risk.state'] });
    poke.send('not json');
    poke.send({ type: 'launch' });
    for (let i = 0; i < 60; i++) poke.send({ type: 'ping' });
    await eventually(() => executedIds().size >= 8, 20_000, '8 trades executed');
    await agents.stop();
    await flushed(h);
    await new Promise((r) => setTimeout(r, 400)); // a heartbeat after the last delta
  }, 40_000);

  afterAll(async () => {
    all?.socket.close();
    poke?.socket.close();
    await h?.stop();
    if ('stop' in redis) await redis.stop();
  });

  it('every event the agents published fits its message schema, every key declared', () => {
    expect(published.length).toBeGreaterThan(50);
    const found = published.flatMap(({ channel, payload }, i) => {
      const message = JSON.parse(payload) as { type: string };
      return problems(eventSchemaFor(channel, message.type), message, `message ${i} on ${channel}`);
    });
    expect(found.slice(0, 20)).toEqual([]);
    const types = new Set(published.map(({ channel, payload }) => `${channel} ${(JSON.parse(payload) as { type: string }).type}`));
    expect(types.size).toBeGreaterThanOrEqual(8);
  });

  it('every frame a subscriber to every channel received fits ServerFrame, and every state it rebuilt fits its projection', () => {
    const states = new Map<string, unknown>();
    const found: string[] = [];
    const counts: Record<string, number> = {};
    for (const [i, frame] of all.frames.entries()) {
      const type = String(frame.type);
      counts[type] = (counts[type] ?? 0) + 1;
      found.push(...problems('ServerFrame', frame, `frame ${i} (${type})`));
      const channel = String(frame.channel);
      const schema = PROJECTIONS.get(channel);
      if (type === 'snapshot') states.set(channel, frame.state);
      else if (type === 'delta') states.set(channel, applyPatch(states.get(channel), frame.ops as Parameters<typeof applyPatch>[1]));
      else continue;
      if (schema === undefined) found.push(`frame ${i}: no schema for channel ${channel}`);
      else found.push(...problems(schema, states.get(channel), `state of ${channel} after frame ${i}`));
    }
    expect(found.slice(0, 20)).toEqual([]);
    expect(counts.subscribed).toBe(1);
    expect(counts.snapshot).toBeGreaterThanOrEqual(PROJECTIONS.size);
    expect(counts.delta).toBeGreaterThan(20);
    expect(counts.heartbeat).toBeGreaterThan(2);
  });

  it('the replies to every client request, errors included, fit their schemas', () => {
    const found = poke.frames.flatMap((frame, i) => problems('ServerFrame', frame, `reply ${i} (${String(frame.type)})`));
    expect(found).toEqual([]);
    const seen = new Set(poke.frames.map((f) => (f.type === 'error' ? `error ${String(f.code)}` : String(f.type))));
    for (const expected of ['pong', 'subscribed', 'snapshot', 'unsubscribed', 'error unknown_channel', 'error not_subscribed', 'error bad_request', 'error rate_limited']) {
      expect(seen, expected).toContain(expected);
    }
  });

  it('every snapshot served over HTTP fits its projection schema, every key declared', async () => {
    for (const channel of [...AGENT_CHANNELS, SYSTEM_CHANNEL]) {
      const { status, body } = await getJson(`${h.http}/snapshot/${channel}`);
      expect(status).toBe(200);
      const { state } = body as { state: unknown };
      expect(problems(PROJECTIONS.get(channel) ?? 'missing', state, channel)).toEqual([]);
    }
    // Not vacuous: the states are full of the agents' activity.
    const trades = (await getJson(`${h.http}/snapshot/trade.results`)).body as { state: { trades: { id: string }[] } };
    expect(trades.state.trades.map((trade) => trade.id)).toEqual(expect.arrayContaining([...executedIds()].slice(-50)));
    expect(trades.state.trades.length).toBeGreaterThanOrEqual(8);
  });

  it('the examples of Redis messages in the document are accepted by the server', async () => {
    const before = ((await getJson(`${h.http}/snapshot/system`)).body as { state: { rejected_total: number; events_in_total: number } }).state;
    const examples = Object.values(schemas.doc.channels)
      .filter((c) => c.address.startsWith('{prefix}'))
      .flatMap((c) =>
        Object.values(c.messages).flatMap(({ $ref }) => {
          const message = schemas.doc.components.messages[$ref.replace('#/components/messages/', '')] as { examples?: { payload: unknown }[] };
          return (message.examples ?? []).map((e) => ({ channel: c.address.replace('{prefix}', ''), payload: JSON.stringify(e.payload) }));
        }),
      );
    expect(examples.length).toBeGreaterThanOrEqual(3);
    await h.publish(examples);
    const deadline = Date.now() + 5_000;
    let after = before;
    while (after.events_in_total < before.events_in_total + examples.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = ((await getJson(`${h.http}/snapshot/system`)).body as { state: typeof before }).state;
    }
    expect(after.events_in_total).toBeGreaterThanOrEqual(before.events_in_total + examples.length);
    expect(after.rejected_total).toBe(before.rejected_total);
  });
});
