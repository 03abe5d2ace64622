export { freePort } from '../../src/demo/redisProbe';

/** GET a JSON document from a loopback URL, or `undefined` on any failure. */
export async function getJson(url: string, timeoutMs = 5_000): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** GET a text document, or `undefined` on any failure. */
export async function getText(url: string, timeoutMs = 5_000): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Polls `check` every 100 ms until it is true or `timeoutMs` passes; says which. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The loopback source address for the i-th client socket: spreading sockets over
 * 127.0.0.2..127.0.0.201 gives each source address its own 28k ephemeral ports.
 */
export function localAddressFor(i: number): string {
  return `127.0.0.${2 + (i % 200)}`;
}
