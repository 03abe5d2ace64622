import { describe, expect, it } from 'vitest';
import { SAMPLE_SIZE, SocketBacklog } from '../../src/server/socketBacklog';

/** A socket as the backlog sees it: the bytes uWS holds for it. */
function socket(buffered: number) {
  const s = { buffered, getBufferedAmount: () => s.buffered };
  return s;
}

describe('socket backlog', () => {
  it('given no sockets, then nothing is queued', () => {
    expect(new SocketBacklog().queuedBytes()).toBe(0);
  });

  it('given a few slow sockets among many, then the figure stays at what most sockets hold', () => {
    const backlog = new SocketBacklog();
    for (let i = 0; i < 100; i += 1) backlog.add(socket(i < 5 ? 1_000_000 : 0));
    expect(backlog.queuedBytes()).toBe(0);
  });

  it('given most sockets behind, then the figure is their backlog (90th percentile)', () => {
    const backlog = new SocketBacklog();
    for (let i = 0; i < 100; i += 1) backlog.add(socket(i * 1_000));
    expect(backlog.queuedBytes()).toBe(90_000);
  });

  it('given more sockets than one sample, then successive readings cover every socket in turn', () => {
    const backlog = new SocketBacklog();
    const sockets = Array.from({ length: SAMPLE_SIZE * 3 }, () => socket(0));
    for (const s of sockets) backlog.add(s);
    // Only the last third is behind: one reading in three sees it.
    for (const s of sockets.slice(SAMPLE_SIZE * 2)) s.buffered = 5_000;
    expect([backlog.queuedBytes(), backlog.queuedBytes(), backlog.queuedBytes(), backlog.queuedBytes()]).toEqual([0, 0, 5_000, 0]);
  });

  it('given sockets closed in any order, then the rest are still read and none twice', () => {
    const backlog = new SocketBacklog();
    const sockets = Array.from({ length: 10 }, (_, i) => socket(i));
    for (const s of sockets) backlog.add(s);
    for (const i of [0, 9, 4, 4]) backlog.remove(sockets[i] as (typeof sockets)[number]);
    expect(backlog.size).toBe(7);
    let reads = 0;
    for (const s of sockets) {
      const read = s.getBufferedAmount.bind(s);
      s.getBufferedAmount = () => {
        reads += 1;
        return read();
      };
    }
    expect(backlog.queuedBytes()).toBe(8);
    expect(reads).toBe(7);
  });
});
