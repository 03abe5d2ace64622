import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildMessage } from './ipc';

/** A forked bench child (TypeScript via tsx) with a typed wait for its next message of a kind. */
export class BenchChild {
  readonly process: ChildProcess;
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(script: string, args: readonly string[]) {
    this.process = fork(join(__dirname, '..', script), args, {
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (m: ChildMessage) => {
      this.inbox.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
    this.process.on('exit', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** The process id (for /proc sampling). */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Sends a command. */
  send(message: object): void {
    if (this.process.connected) this.process.send(message);
  }

  /** The next message of `type` (earlier ones of other kinds are kept), or a rejection after `timeoutMs`. */
  async next<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const at = this.inbox.findIndex((m) => m.type === type);
      if (at >= 0) return this.inbox.splice(at, 1)[0] as Extract<ChildMessage, { type: T }>;
      if (this.process.exitCode !== null || this.process.signalCode !== null)
        throw new Error(`child ${this.pid} exited while waiting for "${type}"`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`child ${this.pid} sent no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Asks the child to stop, then kills it if it has not within 3 s. */
  async stop(message: object = { type: 'close' }): Promise<void> {
    if (this.process.exitCode !== null) return;
    this.send(message);
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
