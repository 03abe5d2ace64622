import { describe, expect, it } from 'vitest';
import { Bridge, createMemoryLog, MAX_WAITING, SETTLE_CHUNK, type AppendOutcome, type RunKey } from '../../src/eventlog';

const v1 = (seq: number) => Buffer.from(JSON.stringify({ v: 1, id: `a:r:${seq}`, agent: 'a', seq, ts: '2026-01-01T00:00:00Z', type: 't', data: {} }));
const legacy = Buffer.from('{"agent":"risk-guardian","type":"state_update","data":{}}');

/** A bridge over a follower the test drives by hand: reads issued, seqs seen, and what it appended. */
function setup() {
  let reads = 0;
  let behind = false;
  const logged = new Map<string, number>();
  const appended: string[] = [];
  const counts: string[] = [];
  const log = createMemoryLog();
  const bridge = new Bridge({
    append: (channel: string, message: Buffer, key: RunKey | undefined): Promise<AppendOutcome> => {
      appended.push(message.toString());
      return log.append(key === undefined ? { channel, message, publish: false } : { channel, message, publish: false, run: `${key.agent}:${key.run}`, seq: key.seq });
    },
    readsIssued: () => reads,
    loggedSeq: (agent, run) => logged.get(`${agent}:${run}`),
    count: (outcome) => counts.push(outcome),
    behind: () => behind,
  });
  return {
    bridge,
    setBehind: (value: boolean) => {
      behind = value;
    },
    appended,
    counts,
    issueRead: () => ++reads,
    log: (seq: number) => logged.set('a:r', seq),
  };
}

const settled = () => new Promise((r) => setTimeout(r, 10));

describe('the bridge from pub/sub into the log', () => {
  it('given a v1 message the follower already read from the log, then it is skipped at once: no append', () => {
    const s = setup();
    s.log(3);
    s.bridge.offer('risk.state', v1(3));
    expect(s.counts).toEqual(['skipped']);
    expect(s.bridge.pending).toBe(0);
  });

  it('given a v1 message heard before the log entry was read, then it waits for a read issued after it, and is skipped once that read saw the entry', async () => {
    const s = setup();
    s.bridge.offer('risk.state', v1(4));
    expect(s.bridge.pending).toBe(1);
    // A read issued before the message arrived proves nothing.
    s.bridge.settle(0, true);
    expect(s.bridge.pending).toBe(1);
    const read = s.issueRead();
    s.log(4);
    s.bridge.settle(read, true);
    await settled();
    expect(s.appended).toEqual([]);
    expect(s.counts).toEqual(['skipped']);
  });

  it('given a v1 message that no read after it found in the log (a PUBLISH-only producer), then it is appended', async () => {
    const s = setup();
    s.bridge.offer('risk.state', v1(1));
    const read = s.issueRead();
    s.bridge.settle(read, false);
    expect(s.bridge.pending).toBe(1); // not at the head yet: the entry may still be ahead
    s.bridge.settle(read, true);
    await settled();
    expect(s.appended).toEqual([v1(1).toString()]);
    expect(s.counts).toEqual(['appended']);
  });

  it('given a legacy message the log held within the dedup window, then it is skipped; a new one is appended once', async () => {
    const s = setup();
    s.bridge.sawLegacy('risk.state', legacy);
    s.bridge.offer('risk.state', legacy);
    expect(s.counts).toEqual(['skipped']);
    s.bridge.offer('trade.results', legacy);
    s.bridge.offer('trade.results', legacy);
    s.bridge.settle(s.issueRead(), true);
    await settled();
    expect(s.appended).toHaveLength(2);
    expect(s.counts).toEqual(['skipped', 'appended', 'duplicate']);
  });

  it('given a reset (the log was replaced), then nothing heard before it is appended', async () => {
    const s = setup();
    s.bridge.offer('risk.state', v1(1));
    s.bridge.offer('risk.state', legacy);
    s.bridge.reset();
    s.bridge.settle(s.issueRead(), true);
    await settled();
    expect(s.appended).toEqual([]);
    expect(s.bridge.pending).toBe(0);
  });

  it('given more messages waiting than it keeps (a follower far behind), then the oldest is skipped when logged and dropped when not, never appended', async () => {
    const s = setup();
    s.bridge.offer('risk.state', v1(1));
    s.bridge.offer('risk.state', Buffer.from('legacy-0'));
    s.log(1);
    for (let i = 1; i < MAX_WAITING; i += 1) s.bridge.offer('risk.state', v1(i + 1));
    expect(s.bridge.pending).toBe(MAX_WAITING);
    s.bridge.offer('risk.state', v1(MAX_WAITING + 1));
    expect(s.counts).toEqual(['skipped', 'dropped']);
    expect(s.bridge.pending).toBe(MAX_WAITING - 1 + 1);
    await settled();
    expect(s.appended).toEqual([]);
  });

  it('given messages heard while the follower is behind, then none is skipped on arrival; each is decided once a later read reaches the head, as if heard at the head', async () => {
    const s = setup();
    s.log(3);
    s.setBehind(true);
    // Logged already (seq 3), logged by the time the follower is at the head (seq 4), only published (seq 9), legacy, garbage.
    for (const message of [v1(3), v1(4), v1(9), legacy, Buffer.from('not json')]) s.bridge.offer('risk.state', message);
    expect(s.counts).toEqual([]);
    expect(s.bridge.pending).toBe(5);
    s.bridge.sawLegacy('risk.state', legacy);
    const read = s.issueRead();
    s.log(4);
    s.setBehind(false);
    s.bridge.settle(read, true);
    await settled();
    expect(s.counts.slice(0, 3)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(s.appended).toEqual([v1(9).toString(), 'not json']);
    expect(s.bridge.pending).toBe(0);
  });

  it('decides at most SETTLE_CHUNK messages per read, oldest first; the next reads decide the rest', async () => {
    const s = setup();
    s.setBehind(true);
    for (let seq = 1; seq <= SETTLE_CHUNK + 10; seq += 1) s.bridge.offer('risk.state', v1(seq));
    s.log(SETTLE_CHUNK + 5);
    s.setBehind(false);
    s.bridge.settle(s.issueRead(), true);
    expect(s.counts).toHaveLength(SETTLE_CHUNK);
    expect(s.bridge.pending).toBe(10);
    s.bridge.settle(s.issueRead(), true);
    await settled();
    expect(s.bridge.pending).toBe(0);
    expect(s.appended).toEqual([6, 7, 8, 9, 10].map((i) => v1(SETTLE_CHUNK + i).toString()));
  });

  it('bridges garbage too, so every instance logs and rejects it the same way', async () => {
    const s = setup();
    s.bridge.offer('risk.state', Buffer.from('not json'));
    s.bridge.settle(s.issueRead(), true);
    await settled();
    expect(s.appended).toEqual(['not json']);
  });
});
