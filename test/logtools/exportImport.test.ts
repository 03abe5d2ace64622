import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMemoryLog, type EventLog } from '../../src/eventlog';
import { exportLog } from '../../src/logtools/exportLog';
import { ImportError, importLog } from '../../src/logtools/importLog';
import { LogReadError } from '../../src/logtools/logReader';
import { allEntries, memoryLogWith, mixedMessages } from './support';

/** A stream that keeps every chunk written to it. */
function collector(): Writable & { chunks: string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { chunks });
}

async function* linesOf(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) yield line;
}

describe('log export', () => {
  it('writes every entry up to the head, one line each, one batch per write', async () => {
    const log = await memoryLogWith(mixedMessages(22));
    const out = collector();
    const summary = await exportLog(log, out, 10);
    expect(summary).toMatchObject({ entries: 24, first: 1, last: 24 });
    expect(out.chunks.map((c) => c.split('\n').length - 1)).toEqual([10, 10, 4]);
    const lines = out.chunks.join('').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { pos: number }).pos)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('stops at the head as of its start, and fails when entries it still had to write are trimmed away', async () => {
    const log = await memoryLogWith(mixedMessages(30));
    let reads = 0;
    const growing: EventLog = {
      ...log,
      read: async (after, count, blockMs) => {
        reads += 1;
        if (reads === 2) await log.append({ channel: 'risk.state', message: 'appended meanwhile' });
        return log.read(after, count, blockMs);
      },
    };
    expect(await exportLog(growing, collector(), 10)).toMatchObject({ entries: 33, last: 33 });
    const trimming: EventLog = {
      ...log,
      read: async (after, count, blockMs) => {
        if (after > 0) await log.trim(5);
        return log.read(after, count, blockMs);
      },
    };
    await expect(exportLog(trimming, collector(), 10)).rejects.toBeInstanceOf(LogReadError);
  });
});

describe('log import', () => {
  it('appends after the head of a non-empty log, in order, keeping channels, bytes and times', async () => {
    const source = await memoryLogWith(mixedMessages(20));
    const out = collector();
    await exportLog(source, out, 7);
    const target = await memoryLogWith(mixedMessages(3), Date.parse('2026-12-01T00:00:00Z'));
    const summary = await importLog(target, linesOf(out.chunks.join('')), { window: 4, onBadLine: () => undefined });
    expect(summary).toMatchObject({ appended: 22, firstPos: 4, lastPos: 25, duplicates: 0, bad: 0 });
    const imported = (await allEntries(target)).slice(3);
    const strip = (entries: Awaited<ReturnType<typeof allEntries>>) => entries.map(({ channel, message, time }) => ({ channel, message, time }));
    expect(strip(imported)).toEqual(strip(await allEntries(source)));
    expect(imported.map((e) => e.pos)).toEqual(Array.from({ length: 22 }, (_, i) => i + 4));
  });

  it('is refused line by line where the log already holds the event: a second import appends no v1 event again', async () => {
    const source = await memoryLogWith(mixedMessages(20));
    const out = collector();
    await exportLog(source, out, 100);
    const text = out.chunks.join('');
    const target = createMemoryLog();
    await importLog(target, linesOf(text), { window: 8, onBadLine: () => undefined });
    const again = await importLog(target, linesOf(text), { window: 8, onBadLine: () => undefined });
    // Legacy messages carry no seq: only one identical to another within its dedup window is refused.
    const appendedAgain = (await allEntries(target)).slice(22).map((e) => e.message.toString());
    expect(appendedAgain.length).toBe(again.appended);
    expect(again.duplicates).toBeGreaterThanOrEqual(20);
    for (const message of appendedAgain) expect(message).not.toContain('"v":1');
  });

  it('reports and skips lines that hold no entry, and imports the rest', async () => {
    const target = createMemoryLog();
    const bad: [number, string][] = [];
    const good = '{"pos":1,"channel":"risk.state","time":5,"message":"x"}';
    const summary = await importLog(target, linesOf(`${good}\n{oops\n\n{"pos":2,"channel":"risk.state","time":6}\n${good.replace('"x"', '"y"')}\n`), {
      window: 2,
      onBadLine: (line, reason) => bad.push([line, reason]),
    });
    expect(bad).toEqual([
      [2, 'not JSON'],
      [4, 'expected exactly one of message and message_b64'],
    ]);
    expect(summary).toMatchObject({ appended: 2, bad: 2, lines: 6 });
    expect((await allEntries(target)).map((e) => [e.message.toString(), e.time])).toEqual([
      ['x', 5],
      ['y', 5],
    ]);
  });

  it('stops at a failed append and says what the log took', async () => {
    const target = createMemoryLog();
    let appends = 0;
    const failing: EventLog = {
      ...target,
      append: (request) => (++appends === 3 ? Promise.reject(new Error('connection lost')) : target.append(request)),
    };
    const lines = Array.from({ length: 5 }, (_, i) => `{"pos":${i + 1},"channel":"risk.state","time":${i * 10_000},"message":"m${i}"}`).join('\n');
    const failure = await importLog(failing, linesOf(lines), { window: 1, onBadLine: () => undefined }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ImportError);
    expect((failure as ImportError).message).toBe('appending line 3 failed: connection lost');
    expect((failure as ImportError).summary).toMatchObject({ appended: 2, lastPos: 2 });
  });
});

describe('log export to a stream that fails', () => {
  it('rejects with the stream\'s error instead of letting it escape', async () => {
    const log = await memoryLogWith(mixedMessages(30));
    const broken = new Writable({
      highWaterMark: 1 << 20,
      write(_chunk: Buffer, _encoding, done) {
        done(new Error('EPIPE: reader went away'));
      },
    });
    await expect(exportLog(log, broken, 10)).rejects.toThrow('EPIPE: reader went away');
  });
});
