import { describe, expect, it } from 'vitest';
import { AGENT_CHANNELS, CATALOG, isAgentChannel, tagFor, type EventTag } from '../../src/events';

describe('channel and type lookups', () => {
  it('given each agent channel, then isAgentChannel says yes; given another name or an inherited one, then no', () => {
    for (const channel of AGENT_CHANNELS) expect(isAgentChannel(channel)).toBe(true);
    for (const name of ['system', 'trade.result', 'toString', '__proto__', '']) expect(isAgentChannel(name)).toBe(false);
  });

  it('given the channel and wire type of each catalog entry, then tagFor names that entry; given any other pair, then nothing', () => {
    for (const tag of Object.keys(CATALOG) as EventTag[]) expect(tagFor(CATALOG[tag].channel, CATALOG[tag].wireType)).toBe(tag);
    expect(tagFor('trade.results', 'heartbeat')).toBeUndefined();
    expect(tagFor('no.such.channel', 'trade.executed')).toBeUndefined();
    expect(tagFor('trade.results', 'constructor')).toBeUndefined();
  });
});
