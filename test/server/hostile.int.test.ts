import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTION_CHANNELS } from '../../src/server/channels';
import { redisForTests } from '../support/redis';
import { eventually, getJson, metricValue, rawClient, startHarness, type Harness, type RawClient } from './harness';

const redis = await redisForTests();
const skip = 'skip' in redis ? redis.skip : undefined;

/** Writes `text` on a raw TCP connection and resolves to everything read until the server goes quiet. */
function rawHttp(port: number, text: string, quietMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text, 'latin1'));
    let out = '';
    let timer = setTimeout(() => socket.end(), quietMs * 3);
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => socket.end(), quietMs);
    });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe.skipIf(skip !== undefined)(`findings of the hostile-client review, with access control off${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const url = 'url' in redis ? redis.url : '';
  let h: Harness;
  const open: RawClient[] = [];
  const client = async (path = ''): Promise<RawClient> => {
    const c = await rawClient(`${h.ws}${path}`);
    open.push(c);
    return c;
  };
  const root = mkdtempSync(join(tmpdir(), 'pm-arb-hostile-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(root, 'main.js'), 'void 0');
  writeFileSync(join(root, 'main.js.map'), '{"sources":["secret"]}');
  const outside = mkdtempSync(join(tmpdir(), 'pm-arb-outside-'));
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
  symlinkSync(join(outside, 'passwd'), join(root, 'passwd'));

  beforeAll(async () => {
    h = await startHarness(url, 'hostile', { '--static-root': root, '--max-strikes': '50', '--rate-limit': '100', '--rate-burst': '100' });
  });
  afterAll(async () => {
    for (const c of open) c.socket.close();
    await h.stop();
  });

  it('answers HEAD like GET without a body, so a pipelined GET that follows is read correctly', async () => {
    const out = await rawHttp(h.server.port, 'HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const responses = out.split('HTTP/1.1 ').slice(1);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^200 OK\r\n/);
    expect(responses[0]?.endsWith('\r\n\r\n')).toBe(true);
    expect(responses[1]).toMatch(/^200 OK\r\n[\s\S]*\r\n\r\n\{"status":"healthy"/);
    expect((await fetch(`${h.http}/`, { method: 'HEAD' })).headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers other methods with 405 and Allow', async () => {
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const res = await fetch(`${h.http}/health`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('sends CSP without inline scripts, nosniff, frame-ancestors none and no referrer on every answer', async () => {
    for (const path of ['/', '/health', '/snapshot/system', '/missing']) {
      const res = await fetch(`${h.http}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves no source map, and no file a symlink leads out of the root to', async () => {
    expect((await fetch(`${h.http}/main.js`)).status).toBe(200);
    expect((await fetch(`${h.http}/main.js.map`)).status).toBe(404);
    expect((await fetch(`${h.http}/passwd`)).status).toBe(404);
  });

  it('answers 404 to malformed escapes on every route and header junk, and stays up', async () => {
    for (const path of ['/snapshot/%', '/snapshot/%E0%A4%A', '/%', '/%E0%A4%A', '/..%2f..%2fetc%2fpasswd', '/snapshot/__proto__', '/snapshot/constructor']) {
      expect((await fetch(`${h.http}${path}`)).status).toBe(404);
    }
    const junk = await rawHttp(h.server.port, 'GET /health HTTP/1.1\r\nHost: \u00ff\u00fe\r\nOrigin: \u0000\r\nX-Forwarded-For: ,,,\r\n\r\n');
    expect(junk.startsWith('HTTP/1.1 ') || junk === '').toBe(true);
    expect((await getJson(`${h.http}/health`)).status).toBe(200);
  });

  it('answers a subscribe naming many unknown channels with ONE error and one strike', async () => {
    const c = await client();
    const names = Array.from({ length: PROJECTION_CHANNELS.length }, (_, i) => `no.such.${i}`);
    c.send({ type: 'subscribe', channels: ['risk.state', ...names.slice(1)] });
    await eventually(() => c.of('snapshot').length === 1);
    expect(c.of('error')).toEqual([
      { type: 'error', code: 'unknown_channel', message: `${names.length - 1} unknown channels (see channels)`, channel: 'no.such.1', channels: names.slice(1) },
    ]);
    expect(c.of('subscribed')[0]).toEqual({ type: 'subscribed', channels: ['risk.state'], epoch: h.server.log.epoch });
  });

  it('refuses a request naming more channels than exist, whole', async () => {
    const c = await client();
    c.send({ type: 'subscribe', channels: Array.from({ length: PROJECTION_CHANNELS.length + 1 }, () => 'risk.state') });
    await eventually(() => c.of('error').length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.of('error')[0]).toMatchObject({ code: 'bad_request', message: `A request names at most ${PROJECTION_CHANNELS.length} channels; this one named ${PROJECTION_CHANNELS.length + 1}` });
    expect(c.of('subscribed')).toEqual([]);
  });

  it('refuses a query over 4 KiB or naming more channels than exist (1008), and a parameter given twice', async () => {
    const long = await client(`?channels=risk.state&pad=${'x'.repeat(4100)}`);
    expect(await long.closed).toEqual({ code: 1008, reason: 'bad query: query over 4096 bytes' });
    const many = await client(`?channels=${Array.from({ length: PROJECTION_CHANNELS.length + 1 }, (_, i) => `c${i}`).join(',')}`);
    expect((await many.closed).code).toBe(1008);
    const twice = await client('?channels=system&channels=risk.state');
    expect(await twice.closed).toEqual({ code: 1008, reason: 'bad query: parameter "channels" given more than once' });
  });

  it('parses epoch and since strictly: another epoch resumes nothing (snapshots), a malformed since is refused', async () => {
    const c = await client('?channels=system,risk.state&epoch=e1&since=risk.state:3,system:9');
    await eventually(() => c.of('snapshot').length === 2);
    expect(c.of('subscribed')[0]).toEqual({ type: 'subscribed', channels: ['system', 'risk.state'], epoch: h.server.log.epoch, resumed: {} });
    const bad = await client('?channels=system&since=nope:1');
    expect(await bad.closed).toEqual({ code: 1008, reason: 'bad query: since names an unknown channel "nope"' });
  });

  it('sends at most one snapshot per channel per second: extra resyncs are answered by the one snapshot', async () => {
    const c = await client('?channels=risk.state');
    await eventually(() => c.of('snapshot').length === 1);
    const resyncsBefore = await metricValue(h.admin, 'pmarb_resyncs_total');
    for (let i = 0; i < 5; i += 1) c.send({ type: 'resync', channel: 'risk.state' });
    c.send({ type: 'subscribe', channels: ['risk.state'] });
    await eventually(() => c.of('snapshot').length === 2, 3_000);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(c.of('snapshot')).toHaveLength(2);
    expect(await metricValue(h.admin, 'pmarb_resyncs_total')).toBe(resyncsBefore + 5);
  });

  describe('what held, kept', () => {
    it('closes on a frame over the size limit, answers binary, invalid UTF-8 and 8,000-deep JSON with bad_request', async () => {
      const big = await client();
      big.send('x'.repeat(h.config.maxFrameBytes + 1));
      expect((await big.closed).code).not.toBe(1000);
      const c = await client();
      c.socket.send(Buffer.from([0xff, 0xfe]), { binary: true });
      c.send(`${'['.repeat(8000)}${']'.repeat(8000)}`);
      c.send('{"type":"subscribe","channels":["__proto__","constructor"]}');
      await eventually(() => c.of('error').length === 3);
      expect(c.of('error').map((e) => e.code)).toEqual(['bad_request', 'bad_request', 'unknown_channel']);
      // Invalid UTF-8 in a text frame, written by hand (ws would not send it): the WebSocket layer drops the connection.
      const dropped = await new Promise<boolean>((resolve) => {
        const socket = connect(h.server.port, '127.0.0.1', () =>
          socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
        );
        socket.once('data', () => socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28])));
        socket.on('close', () => resolve(true));
        socket.on('error', () => undefined);
        setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 3_000);
      });
      expect(dropped).toBe(true);
      expect((await getJson(`${h.http}/health`)).status).toBe(200);
    });

    it('closes a ping flood with 1008', async () => {
      const c = await client();
      for (let i = 0; i < 400; i += 1) c.send('{"type":"ping"}');
      expect((await c.closed).code).toBe(1008);
    });
  });

  it('keeps bytes out per byte in at most 2 for a subscriber naming unknown channels at full rate', async () => {
    const c = await client();
    let bytesIn = 0;
    let bytesOut = 0;
    c.socket.on('message', (data: Buffer) => (bytesOut += data.length));
    const frame = JSON.stringify({ type: 'subscribe', channels: PROJECTION_CHANNELS.map((_, i) => `${'u'.repeat(2000)}.${i}`) });
    // 60 requests: more than the 50 strikes this server allows, so it ends with 1008.
    for (let i = 0; i < 60; i += 1) {
      bytesIn += Buffer.byteLength(frame);
      c.send(frame);
    }
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(bytesOut / bytesIn).toBeLessThanOrEqual(2);
    expect(bytesOut).toBeGreaterThan(0);
  });
});
