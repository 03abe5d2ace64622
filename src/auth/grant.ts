/** What a verified token allows: who it is, until when, and which channels it may read. */
export interface Grant {
  /** The token's subject (`sub`). */
  readonly sub: string;
  /** Expiry, seconds since the epoch (`exp`). */
  readonly exp: number;
  /** Channel names, or `["*"]` for every channel. */
  readonly channels: readonly string[];
}

/** Whether `grant` lets its holder read `channel`; no grant (access control off) reads everything. */
export function covers(grant: Grant | undefined, channel: string): boolean {
  return grant === undefined || grant.channels.includes('*') || grant.channels.includes(channel);
}

/** The channels of `all` that `grant` covers, in `all`'s order: what `*` means for its holder. */
export function readable(grant: Grant | undefined, all: readonly string[]): string[] {
  return all.filter((channel) => covers(grant, channel));
}
