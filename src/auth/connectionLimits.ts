/** Connection caps: how many at once in total and per client address, and the wait after a close for abuse. */
export interface LimitOptions {
  /** Open connections in total; 0 = no cap. */
  readonly maxTotal: number;
  /** Open connections per client address; 0 = no cap. */
  readonly maxPerAddress: number;
  /** How long an address closed for abuse is refused, ms. */
  readonly abuseWaitMs: number;
}

/**
 * Counts open connections per address and refuses a new one over a cap or during an address's
 * wait after an abuse close (4429). Pure bookkeeping: the caller passes the time.
 */
export class ConnectionLimits {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly waitUntil = new Map<string, number>();

  constructor(private readonly options: LimitOptions) {}

  /** Takes a slot for `address`, or says why not; a taken slot is given back with `release`. */
  admit(address: string, now: number): string | undefined {
    const until = this.waitUntil.get(address);
    if (until !== undefined) {
      if (now < until) return `closed for abuse: retry in ${Math.ceil((until - now) / 1000)} s`;
      this.waitUntil.delete(address);
    }
    if (this.options.maxTotal > 0 && this.total >= this.options.maxTotal) return 'too many connections';
    const mine = this.perAddress.get(address) ?? 0;
    if (this.options.maxPerAddress > 0 && mine >= this.options.maxPerAddress) return 'too many connections from this address';
    this.total += 1;
    this.perAddress.set(address, mine + 1);
    return undefined;
  }

  /** Gives back a slot taken by `admit`. */
  release(address: string): void {
    const mine = this.perAddress.get(address);
    if (mine === undefined) return;
    this.total -= 1;
    if (mine <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, mine - 1);
  }

  /** Makes `address` wait before it is let in again (it was closed for abuse). */
  penalize(address: string, now: number): void {
    if (this.options.abuseWaitMs <= 0) return;
    this.waitUntil.set(address, now + this.options.abuseWaitMs);
    // Bounded: expired waits are dropped when the map grows.
    if (this.waitUntil.size > 10_000) for (const [a, t] of this.waitUntil) if (t <= now) this.waitUntil.delete(a);
  }

  /** Open connections counted now. */
  get open(): number {
    return this.total;
  }
}
