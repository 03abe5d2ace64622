import * as E from 'fp-ts/Either';
import { loadServerConfig } from '../../src/config';

/** Our server's default flush interval, read from its own config so reports never go stale. */
export function defaultFlushMs(): number {
  const config = loadServerConfig([], {});
  return E.isRight(config) ? config.right.flushMs : NaN;
}
