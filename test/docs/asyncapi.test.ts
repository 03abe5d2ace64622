/** docs/asyncapi.yaml: a valid AsyncAPI 3 document that says what the code does. */
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import * as t from 'io-ts';
import { CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION, CLOSE_SERVICE_RESTART, ERROR_CODES } from '../../src/client';
import { AGENT_CHANNELS, CATALOG, encodeEvent, type EventTag } from '../../src/events';
import { EnvelopeV1 } from '../../src/events/envelope';
import { Projector } from '../../src/pipeline/projector';
import { agentUpdates, riskState, type AgentUpdatesState, type PortfolioSummaryState, type RiskState } from '../../src/projections';
import { SYSTEM_CHANNEL } from '../../src/server/systemProjection';
import { arbOutgoingEvent } from '../events/arbitraries';
import { arbStream } from '../pipeline/streams';
import { v1 } from '../projections/support';
import { ASYNCAPI_PATH, loadAsyncApi, Schemas, type Schema } from './asyncapi';

const TEXT = readFileSync(ASYNCAPI_PATH, 'utf8');
const schemas = new Schemas(loadAsyncApi(TEXT));

/** Errors and warnings the AsyncAPI parser reports (information and hints aside). */
async function problems(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  return diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

/** The message schema of each (channel, wire type) the document declares on Redis. */
function redisMessages(): Map<string, string> {
  const doc = schemas.doc;
  const found = new Map<string, string>();
  for (const channel of Object.values(doc.channels)) {
    const name = /^\{prefix\}(.+)$/.exec(channel.address)?.[1];
    if (name === undefined || !(AGENT_CHANNELS as readonly string[]).includes(name)) continue;
    for (const { $ref } of Object.values(channel.messages)) {
      const message = doc.components.messages[$ref.replace('#/components/messages/', '')];
      const payload = message === undefined ? undefined : schemas.resolve(message.payload);
      const type = payload?.allOf?.[1]?.properties?.type?.const;
      if (typeof type === 'string' && message?.payload.$ref !== undefined) found.set(`${name} ${type}`, message.payload.$ref.replace('#/components/schemas/', ''));
    }
  }
  return found;
}

/**
 * A value with every member `codec` declares, optional ones included (`t.partial` members of an
 * intersection too), arrays with one such item: what the drift check needs to see every key the
 * codec lets through. Leaves (decimals, strings, maps keyed by data) are a placeholder string.
 */
function everyField(codec: t.Mixed): unknown {
  if (codec instanceof t.IntersectionType) return Object.assign({}, ...(codec.types as t.Mixed[]).map(everyField) as object[]);
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    return Object.fromEntries(Object.entries(codec.props as Record<string, t.Mixed>).map(([key, member]) => [key, everyField(member)]));
  }
  if (codec instanceof t.ArrayType) return [everyField(codec.type as t.Mixed)];
  if (codec instanceof t.RefinementType) return everyField(codec.type as t.Mixed);
  return 'x';
}

/** Every `additionalProperties: false` in the document, by path. */
function closedObjects(value: unknown, path: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const here = (value as Schema).additionalProperties === false ? [path] : [];
  return [...here, ...Object.entries(value).flatMap(([k, v]) => closedObjects(v, `${path}/${k}`))];
}

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3 document for the parser: no errors, no warnings', async () => {
    expect(schemas.doc.asyncapi).toMatch(/^3\./);
    expect(await problems(TEXT)).toEqual([]);
  });

  it('given an operation naming a message its channel does not carry, then the parser reports it', async () => {
    const broken = parse(TEXT) as { channels: { projections: { messages: Record<string, unknown> } } };
    delete broken.channels.projections.messages.pong;
    expect((await problems(stringify(broken))).length).toBeGreaterThan(0);
  }, 20_000);

  it('declares one Redis message per catalog row, with the channel and wire type the decoder uses', () => {
    const catalog = (Object.keys(CATALOG) as EventTag[]).map((tag) => `${CATALOG[tag].channel} ${CATALOG[tag].wireType}`);
    expect([...redisMessages().keys()].sort()).toEqual(catalog.sort());
  });

  it('names every error code and close code of the protocol, forbidden and the access-control closes included', () => {
    const codes = schemas.schema('ErrorCode').enum as string[];
    expect(codes).toEqual(expect.arrayContaining([...ERROR_CODES, 'forbidden']));
    expect(schemas.schema('CloseCode').enum).toEqual([CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION, CLOSE_SERVICE_RESTART, 4401, 4403, 4429]);
    expect(Object.keys(schemas.schema('SubscribedFrame').properties ?? {})).toEqual(expect.arrayContaining(['epoch', 'resumed']));
    expect(Object.keys(schemas.schema('HeartbeatFrame').properties ?? {})).toContain('epoch');
    expect(Object.keys(schemas.schema('SubscribeMessage').properties ?? {})).toContain('since');
  });

  it('has a state schema for every projection channel, system included', () => {
    expect([...schemas.projectionSchemas().keys()].sort()).toEqual([...AGENT_CHANNELS, SYSTEM_CHANNEL].sort());
  });

  it('gives examples that fit their own message schemas', () => {
    const messages = Object.values(schemas.doc.components.messages) as { name: string; payload: Schema; examples?: { payload: unknown }[] }[];
    const found = messages.flatMap((m) => {
      const schema = (m.payload.$ref ?? 'payload without $ref').replace('#/components/schemas/', '');
      return (m.examples ?? []).flatMap((e) => [...schemas.errors(schema, e.payload), ...schemas.undeclared(schema, e.payload)].map((x) => `${m.name}: ${x}`));
    });
    expect(found).toEqual([]);
    expect(messages.filter((m) => m.examples !== undefined).length).toBeGreaterThanOrEqual(5);
  });

  it('keeps every object open to additions: no additionalProperties false anywhere', () => {
    expect(closedObjects(schemas.doc, '')).toEqual([]);
  });

  it('given any event an agent can encode, then its message schema accepts it and declares every key (v1 and legacy)', () => {
    const messages = redisMessages();
    fc.assert(
      fc.property(arbOutgoingEvent, (event) => {
        const { channel, wireType } = CATALOG[event.type];
        const schema = messages.get(`${channel} ${wireType}`) ?? 'missing';
        const wire = JSON.parse(encodeEvent(event)) as Record<string, unknown>;
        const legacy = { agent: wire.agent, type: wire.type, data: wire.data };
        for (const message of [wire, legacy]) {
          expect(schemas.errors(schema, message)).toEqual([]);
          expect(schemas.undeclared(schema, message)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('given any stream of events, then every projection state fits its schema and declares every key', () => {
    const byChannel = schemas.projectionSchemas();
    fc.assert(
      fc.property(arbStream(1, 40), (events) => {
        const projector = new Projector();
        for (const event of events) projector.apply(event);
        for (const channel of AGENT_CHANNELS) {
          const schema = byChannel.get(channel) ?? 'missing';
          const state = projector.state(channel);
          expect(schemas.errors(schema, state), channel).toEqual([]);
          expect(schemas.undeclared(schema, state), channel).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  describe('the drift check', () => {
    const guardian = v1('guardian.snapshot', { current_value: '510', high_water_mark: '520', daily_pnl: '10', halted: false });
    const allocator = v1('allocator.snapshot', {
      total_capital: '500',
      strategies: { 'oracle-sniper': { total_pnl: '1', trades: 1, wins: 1, losses: 0, allocation_pct: '1' } },
    });

    it('given the reducers as they are, then it finds nothing undeclared', () => {
      expect(schemas.undeclared('RiskState', riskState.evolve(riskState.initial, guardian))).toEqual([]);
      expect(schemas.undeclared('AgentUpdatesState', agentUpdates.evolve(agentUpdates.initial, allocator))).toEqual([]);
    });

    it('given a reducer that gains a field, then it names the field: at the top and inside a map entry', () => {
      const grownRisk = (state: RiskState, event: typeof guardian): RiskState & { margin_used: string } => ({
        ...riskState.evolve(state, event),
        margin_used: '0',
      });
      const grownAgents = (state: AgentUpdatesState, event: typeof allocator): AgentUpdatesState => {
        const next = agentUpdates.evolve(state, event);
        const strategies = Object.fromEntries(Object.entries(next.allocator.strategies).map(([k, s]) => [k, { ...s, sharpe: '1.2' }]));
        return { ...next, allocator: { ...next.allocator, strategies } };
      };
      const risk = grownRisk(riskState.initial, guardian);
      expect(schemas.errors('RiskState', risk)).toEqual([]); // open schemas: validation alone would pass it
      expect(schemas.undeclared('RiskState', risk)).toEqual(['/margin_used']);
      expect(schemas.undeclared('AgentUpdatesState', grownAgents(agentUpdates.initial, allocator))).toEqual(['/allocator/strategies/oracle-sniper/sharpe']);
    });

    it('given a guardian snapshot with marked equity and an envelope with a simulated time, then risk.state and portfolio.summary carry the fields and their schemas declare them', () => {
      const marked = v1('guardian.snapshot', { current_value: '510', high_water_mark: '520', daily_pnl: '10', halted: false, marked_value: '512.5', unrealised_pnl: '2.5', marked_high_water_mark: '530' });
      const event = { ...marked, meta: { ...marked.meta, asOf: '2026-01-01T22:00:00Z' } };
      const projector = new Projector();
      projector.apply(event);
      const risk = projector.state('risk.state') as RiskState;
      expect(risk).toMatchObject({ marked_value: '512.5', unrealised_pnl: '2.5', marked_high_water_mark: '530', marked_drawdown: '17.5', marked_drawdown_pct: '0.033019', as_of: '2026-01-01T22:00:00Z' });
      const portfolio = projector.state('portfolio.summary') as PortfolioSummaryState;
      expect(portfolio).toMatchObject({ marked_value: '512.5', unrealised_pnl: '2.5', as_of: '2026-01-01T22:00:00Z' });
      expect(portfolio.equity_curve.at(-1)?.as_of).toBe('2026-01-01T22:00:00Z');
      for (const [schema, state] of [['RiskState', risk], ['PortfolioSummaryState', portfolio]] as const) {
        expect(schemas.errors(schema, state), schema).toEqual([]);
        expect(schemas.undeclared(schema, state), schema).toEqual([]);
      }
    });

    it('given every field the event codecs accept, optional ones included, then each message schema declares it (v1 envelope with as_of)', () => {
      const messages = redisMessages();
      const envelope = everyField(EnvelopeV1) as Record<string, unknown>;
      expect(Object.keys(envelope)).toContain('as_of');
      const found = (Object.keys(CATALOG) as EventTag[]).flatMap((tag) => {
        const { channel, wireType, codec } = CATALOG[tag];
        const data = everyField(codec as t.Mixed);
        return schemas.undeclared(messages.get(`${channel} ${wireType}`) ?? 'missing', { ...envelope, type: wireType, data }).map((p) => `${tag}: ${p}`);
      });
      expect(found).toEqual([]);
      // Not vacuous: the skeletons reach the optional fields, nested ones included.
      expect(everyField(CATALOG['executor.snapshot'].codec)).toMatchObject({ recent_trades: [{ shares: 'x', closes_trade_id: 'x' }] });
      expect(everyField(CATALOG['trade.settled'].codec)).toHaveProperty('released_exposure');
    });

    it('given a codec field the document does not declare, then the codec check names it', () => {
      const grown = t.intersection([CATALOG['trade.settled'].codec, t.partial({ fee_rebate: t.string })]);
      const message = { ...(everyField(EnvelopeV1) as object), type: 'trade.settled', data: everyField(grown) };
      expect(schemas.undeclared('TradeSettledEvent', message)).toEqual(['/data/fee_rebate']);
    });
  });
});
