import { BlockList, isIP } from 'node:net';

/** `--trusted-proxies` (comma-separated addresses or CIDR ranges) → a matcher; empty → trust none. */
export function trustedProxies(text: string): { readonly list: BlockList; readonly empty: boolean } | string {
  const list = new BlockList();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) return `--trusted-proxies: "${entry}" is not an IP address or CIDR range`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return `--trusted-proxies: "${entry}" has a bad prefix length`;
    list.addSubnet(address, prefix, type);
  }
  return { list, empty: entries.length === 0 };
}

/** uWS's text form of a peer address → a canonical one (`::ffff:1.2.3.4` and zero-padded IPv6 → `1.2.3.4`). */
export function canonicalAddress(text: string): string {
  const mapped = /^(?:0{1,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(text) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(text);
  if (mapped !== null) {
    const high = parseInt(mapped[1] as string, 16);
    const low = parseInt(mapped[2] as string, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  const dotted = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(text);
  if (dotted !== null) return dotted[1] as string;
  if (isIP(text) === 6) {
    // Drop zero padding so that one peer always has one key.
    return text
      .toLowerCase()
      .split(':')
      .map((group) => (group === '' ? '' : group.replace(/^0+(?=.)/, '')))
      .join(':');
  }
  return text;
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/**
 * The address per-IP rules apply to: the peer's, unless the peer is a trusted proxy; then the
 * right-most `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left
 * were written by the client and prove nothing).
 */
export function clientAddress(peer: string, forwardedFor: string, trusted: { readonly list: BlockList; readonly empty: boolean }): string {
  const remote = canonicalAddress(peer);
  if (trusted.empty || isIP(remote) === 0 || !trusted.list.check(remote, familyOf(remote))) return remote;
  const hops = forwardedFor
    .split(',')
    .map((h) => canonicalAddress(h.trim()))
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return remote;
    if (!trusted.list.check(hop, familyOf(hop))) return hop;
  }
  return hops[0] ?? remote;
}
