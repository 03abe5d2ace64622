import { isDeepStrictEqual } from 'node:util';
import { applyPatch, type Operation } from 'fast-json-patch';
import { createLatencyHistogram, encodeHistogram } from './lib/histogram';
import type { ConnectedReport, ConvergeReport, CountsReport, WorkerCommand } from './lib/ipc';
import { getJson, localAddressFor, sleep } from './lib/net';
import { RawWs } from './lib/rawWs';

/**
 * A client worker process: holds many WebSocket connections to one target server and
 * records what they receive. Counting clients only find the latency stamp in each frame
 * (no JSON.parse); full clients (ours only) parse and apply every delta for the convergence check.
 * argv: protocol port channels(comma list) workerIndex sampleEvery
 */
type Protocol = 'ours' | 'socketio' | 'uws';
const [protocolArg = 'ours', portArg = '0', channelsArg = '', indexArg = '0', sampleArg = '1'] = process.argv.slice(2);
const protocol = protocolArg as Protocol;
const port = Number(portArg);
const channels = channelsArg.split(',').filter((c) => c.length > 0);
const workerIndex = Number(indexArg);
const sampleEvery = Math.max(1, Number(sampleArg));
const base = `127.0.0.1:${port}`;

// Where each protocol carries the time to measure from: ours `ts_first` on deltas, the peers the event's own `ts`.
const STAMPS =
  protocol === 'ours' ? [Buffer.from('"ts_first":"')] : [Buffer.from('"ts":"'), Buffer.from('\\"ts\\":\\"')];
const ISO_LEN = 24;

let latency = createLatencyHistogram();
let frames = 0;
let bytes = 0;
let deltas = 0;
let gaps = 0;
let closedDuringRun = 0;
let measureStart = performance.now();
/**
 * Wall-clock ms from which latency is taken: frames whose stamp is older carry events published during
 * the warm-up, which are not measured (nor is their wait behind a cold server's backlog).
 */
let measureFromMs = 0;
let marked: { frames: number; bytes: number; elapsedMs: number } | undefined;

/** The last stamp parsed, and its time: frames of one tick share their stamps, so most need no parse. */
const lastStamp = Buffer.alloc(ISO_LEN);
let lastStampMs = Number.NaN;

/** Wall-clock ms of the ISO stamp at `start` of `data` (NaN when it is not one). */
function stampMs(data: Buffer, start: number): number {
  const end = start + ISO_LEN;
  if (end > data.length) return Number.NaN;
  if (data.compare(lastStamp, 0, ISO_LEN, start, end) !== 0) {
    data.copy(lastStamp, 0, start, end);
    lastStampMs = Date.parse(lastStamp.toString('latin1'));
  }
  return lastStampMs;
}

/** Latency in µs from an ISO stamp found in the frame, or -1 when there is none or it is older than the measured window. */
function stampLatencyUs(data: Buffer): number {
  for (const stamp of STAMPS) {
    const at = data.indexOf(stamp);
    if (at < 0) continue;
    const ts = stampMs(data, at + stamp.length);
    if (Number.isNaN(ts) || ts < measureFromMs) return -1;
    return Math.max(0, Math.round((performance.timeOrigin + performance.now() - ts) * 1000));
  }
  return -1;
}

interface FullState {
  readonly states: Map<string, unknown>;
  readonly versions: Map<string, number>;
  readonly awaiting: Set<string>;
}

interface Conn {
  readonly ws: RawWs;
  readonly full: FullState | undefined;
  ready: boolean;
}

const conns: Conn[] = [];

/** Applies one frame of our protocol to a full client's replica; counts gaps and resyncs. */
function applyFull(conn: Conn, full: FullState, message: Record<string, unknown>): void {
  const channel = String(message.channel ?? '');
  switch (message.type) {
    case 'snapshot':
      full.states.set(channel, message.state);
      full.versions.set(channel, Number(message.version));
      full.awaiting.delete(channel);
      return;
    case 'delta': {
      if (full.awaiting.has(channel)) return;
      const version = full.versions.get(channel) ?? -1;
      const from = Number(message.from);
      const to = Number(message.to);
      if (to <= version) return;
      if (from !== version) {
        gaps += 1;
        full.awaiting.add(channel);
        conn.ws.send(JSON.stringify({ type: 'resync', channel }));
        return;
      }
      const doc = { root: full.states.get(channel) };
      const ops = (message.ops as Operation[]).map((op) => ({ ...op, path: `/root${op.path}` }) as Operation);
      applyPatch(doc, ops, false, true);
      full.states.set(channel, doc.root);
      full.versions.set(channel, to);
      return;
    }
    case 'heartbeat': {
      const versions = (message.versions ?? {}) as Record<string, number>;
      for (const ch of channels) {
        const v = full.versions.get(ch);
        if (v !== undefined && !full.awaiting.has(ch) && (versions[ch] ?? -1) > v) {
          gaps += 1;
          full.awaiting.add(ch);
          conn.ws.send(JSON.stringify({ type: 'resync', channel: ch }));
        }
      }
      return;
    }
    default:
      return;
  }
}

/** Opens one connection; resolves with the time it held every snapshot, or -1 when it failed. */
function open(i: number, isFull: boolean, startAt: number): Promise<number> {
  return new Promise((resolve) => {
    const path =
      protocol === 'socketio' ? '/socket.io/?EIO=4&transport=websocket' : `/ws?channels=${channels.join(',')}`;
    const full: FullState | undefined = isFull ? { states: new Map(), versions: new Map(), awaiting: new Set(channels) } : undefined;
    let snapshots = 0;
    let seen = 0;
    const markReady = (): void => {
      if (conn.ready) return;
      conn.ready = true;
      resolve(Date.now() - startAt);
    };
    const onMessage = (data: Buffer): void => {
      frames += 1;
      bytes += data.length;
      if (protocol === 'socketio') {
        const kind = data[0];
        if (kind === 0x30 /* 0 open */) ws.send('40');
        else if (kind === 0x32 /* 2 ping */) ws.send('3');
        else if (data[0] === 0x34 && data[1] === 0x30 /* 40 connected */) markReady();
      }
      if (full !== undefined) {
        const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        if (message.type === 'delta') {
          deltas += 1;
          const us = stampLatencyUs(data);
          if (us >= 0) latency.recordValue(us);
        }
        applyFull(conn, full, message);
        if (!conn.ready && full.awaiting.size === 0) markReady();
        return;
      }
      if (protocol === 'ours' && !conn.ready) {
        if (data.includes('"type":"snapshot"')) snapshots += 1;
        if (snapshots >= channels.length) markReady();
        return;
      }
      seen += 1;
      if (seen % sampleEvery !== 0) return;
      const us = stampLatencyUs(data);
      if (us >= 0) {
        deltas += 1;
        latency.recordValue(us);
      }
    };
    const ws = new RawWs('127.0.0.1', port, path, localAddressFor(workerIndex * 100_003 + i), {
      open: () => {
        if (protocol === 'uws') markReady();
      },
      message: onMessage,
      close: () => {
        if (!conn.ready) resolve(-1);
        else closedDuringRun += 1;
      },
    });
    const conn: Conn = { ws, full, ready: false };
    conns.push(conn);
  });
}

async function connect(count: number, fullCount: number, startAt: number): Promise<ConnectedReport> {
  await sleep(Math.max(0, startAt - Date.now()));
  const first = conns.length;
  const ready = createLatencyHistogram();
  const waits: Promise<number>[] = [];
  for (let i = 0; i < count; i += 1) waits.push(open(first + i, i < fullCount, startAt));
  const deadline = sleep(90_000).then(() => -2);
  let failed = 0;
  let lastReadyAt = startAt;
  const results = await Promise.all(waits.map((w) => Promise.race([w, deadline])));
  for (const ms of results) {
    if (ms < 0) failed += 1;
    else {
      ready.recordValue(ms * 1000);
      lastReadyAt = Math.max(lastReadyAt, startAt + ms);
    }
  }
  return { type: 'connected', open: count - failed, failed, lastReadyAt, readyHistogram: encodeHistogram(ready) };
}

function counts(): CountsReport {
  return {
    type: 'counts',
    frames,
    bytes,
    deltas,
    latencyHistogram: encodeHistogram(latency),
    gaps,
    closed: closedDuringRun,
    elapsedMs: performance.now() - measureStart,
    marked: marked ?? { frames, bytes, elapsedMs: performance.now() - measureStart },
  };
}

async function converge(timeoutMs: number): Promise<ConvergeReport> {
  const fulls = conns.filter((c) => c.full !== undefined);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const snaps = new Map<string, { version: number; state: unknown }>();
    for (const ch of channels) {
      const snap = (await getJson(`http://${base}/snapshot/${ch}`)) as { version: number; state: unknown } | undefined;
      if (snap !== undefined) snaps.set(ch, snap);
    }
    const mismatches: string[] = [];
    let equal = 0;
    for (const [i, c] of fulls.entries()) {
      const full = c.full as FullState;
      const bad = channels.filter((ch) => {
        const snap = snaps.get(ch);
        return snap === undefined || full.versions.get(ch) !== snap.version || !isDeepStrictEqual(full.states.get(ch), snap.state);
      });
      if (bad.length === 0) equal += 1;
      else
        mismatches.push(
          `worker ${workerIndex} client ${i}: ${bad.map((ch) => `${ch} v${full.versions.get(ch) ?? '-'} vs v${snaps.get(ch)?.version ?? '-'}`).join(', ')}`,
        );
    }
    if (equal === fulls.length || Date.now() > until)
      return { type: 'converged', fullClients: fulls.length, equal, mismatches: mismatches.slice(0, 5) };
    await sleep(250);
  }
}

process.on('message', (command: WorkerCommand) => {
  switch (command.type) {
    case 'connect':
      void connect(command.count, command.full, command.startAt).then((r) => process.send?.(r));
      return;
    case 'measure':
      latency = createLatencyHistogram();
      frames = 0;
      bytes = 0;
      deltas = 0;
      gaps = 0;
      closedDuringRun = 0;
      measureStart = performance.now();
      measureFromMs = Date.now();
      marked = undefined;
      return;
    case 'mark':
      marked = { frames, bytes, elapsedMs: performance.now() - measureStart };
      return;
    case 'report':
      process.send?.(counts());
      return;
    case 'converge':
      void converge(command.timeoutMs).then((r) => process.send?.(r));
      return;
    case 'close':
      for (const c of conns) c.ws.terminate();
      setTimeout(() => process.exit(0), 200);
      return;
    default:
      return;
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
