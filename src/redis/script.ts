import { createHash } from 'node:crypto';
import type { RespClient } from './client';
import { encodeCommand, type ReplyCursor } from './resp';

/** A Lua script, called by its SHA1. */
export class Script {
  readonly sha: string;

  constructor(
    readonly body: string,
    readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(body).digest('hex');
  }

  /**
   * Runs the script with `EVALSHA`, and with `EVAL` (which caches it again) when Redis does not have it
   * (a new Redis, or after `SCRIPT FLUSH`). `read` reads the reply; on a closed client the call rejects.
   */
  async run<T>(client: RespClient, keysAndArgs: readonly (string | number | Buffer)[], read: (cursor: ReplyCursor) => T): Promise<T> {
    const call = (command: string, script: string): Promise<T> =>
      client.request(
        encodeCommand([command, script, this.numberOfKeys, ...keysAndArgs]),
        1,
        ([reply]) => read(reply as ReplyCursor),
        () => {
          throw new Error('redis connection is closed');
        },
      );
    try {
      return await call('EVALSHA', this.sha);
    } catch (error) {
      if (!(error as Error).message.startsWith('NOSCRIPT')) throw error;
      return call('EVAL', this.body);
    }
  }
}
