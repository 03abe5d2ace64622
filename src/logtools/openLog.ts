import { redactUrl } from '../bus/redisBus';
import { createRedisLog, type EventLog } from '../eventlog';

/** How long an operator tool waits for Redis before giving up. */
const CONNECT_WAIT_MS = 5_000;

/**
 * The Redis log under a prefix, once connected; throws with a message naming the URL when Redis does
 * not answer within a few seconds (a tool run by hand should fail, not retry forever). No logger: the
 * tools' standard output carries their data.
 */
export async function openRedisLog(url: string, prefix: string, reads: boolean): Promise<EventLog> {
  const log = createRedisLog({ url, prefix, reads });
  if (log.connected) return log;
  const connected = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      remove();
      resolve(false);
    }, CONNECT_WAIT_MS);
    const remove = log.onStatus((up) => {
      if (!up) return;
      clearTimeout(timer);
      remove();
      resolve(true);
    });
  });
  if (connected) return log;
  await log.close();
  throw new Error(`Redis at ${redactUrl(url)} did not answer within ${CONNECT_WAIT_MS / 1000} s (check --redis)`);
}
