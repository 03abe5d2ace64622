import WebSocket from 'ws';
import { getJson } from './net';

/**
 * Runs a full garbage collection in a Node process started with `--inspect=127.0.0.1:<port>`, through
 * its inspector (`HeapProfiler.collectGarbage`), and resolves once it is done: true, or false when the
 * inspector could not be reached or did not answer within `timeoutMs`. The storm step collects before
 * each RSS sample, so that the memory a server holds per idle client is not hidden by garbage the
 * phase before left behind (a collection between the two samples made the figure negative).
 */
export async function collectGarbage(inspectPort: number, timeoutMs = 10_000): Promise<boolean> {
  const targets = (await getJson(`http://127.0.0.1:${inspectPort}/json/list`, timeoutMs)) as { webSocketDebuggerUrl?: string }[] | undefined;
  const url = targets?.[0]?.webSocketDebuggerUrl;
  if (url === undefined) return false;
  return new Promise<boolean>((resolve) => {
    const socket = new WebSocket(url);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as { id?: number; error?: unknown };
      if (reply.id === 1) done(reply.error === undefined);
    });
    socket.on('error', () => done(false));
  });
}
