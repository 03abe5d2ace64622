import type { RespClient } from './client';
import { encodeCommand, type ReplyCursor } from './resp';

/**
 * A Lua script, always sent whole with `EVAL` (Redis keeps it compiled, keyed by its digest). Never
 * `EVALSHA`: a `NOSCRIPT` answer (a restarted Redis, `SCRIPT FLUSH`) to one call while later calls,
 * already sent, run — e.g. as `EVAL` of another script — would log a later seq of a run before an
 * earlier one, which the log then refuses. The price is the script's ~2 KB sent and hashed per call:
 * a batch of appends pays it once.
 */
export class Script {
  constructor(
    readonly body: string,
    readonly numberOfKeys: number,
  ) {}

  /** Runs the script on `client`; `read` reads the reply. Rejects once the client is closed. */
  run<T>(client: RespClient, keysAndArgs: readonly (string | number | Buffer)[], read: (cursor: ReplyCursor) => T): Promise<T> {
    return client.request(
      encodeCommand(['EVAL', this.body, this.numberOfKeys, ...keysAndArgs]),
      1,
      ([reply]) => read(reply as ReplyCursor),
      () => {
        throw new Error('redis connection is closed');
      },
    );
  }
}
