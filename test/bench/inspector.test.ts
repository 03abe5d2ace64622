import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../bench/lib/inspector';
import { freePort } from '../../bench/lib/net';

/** A process that leaves ~20 MB of unreachable objects in its old space, then reports its heap on request. */
const GARBAGE_MAKER = `
let junk = Array.from({ length: 200000 }, (_, i) => ({ i, text: 'item ' + i }));
junk = null;
process.on('message', () => process.send(process.memoryUsage().heapUsed));
process.send('ready');
`;

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

async function heapUsed(process: ChildProcess): Promise<number> {
  process.send('heap');
  const [used] = (await once(process, 'message')) as [number];
  return used;
}

describe('collectGarbage', () => {
  it('runs a full collection in a process started with --inspect, through its inspector', async () => {
    const port = await freePort();
    child = fork('-e', [GARBAGE_MAKER], { execArgv: [`--inspect=127.0.0.1:${port}`], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await once(child, 'message');
    const before = await heapUsed(child);
    expect(await collectGarbage(port)).toBe(true);
    const after = await heapUsed(child);
    expect(before - after).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('says false when nothing listens on the port', async () => {
    expect(await collectGarbage(await freePort(), 2_000)).toBe(false);
  });
});
