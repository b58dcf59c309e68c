/**
 * IPv4 CIDR arithmetic for NET-001, NET-002 and derived tenancy networks. Hand-written because
 * ipaddr.js, the well-kept library, reads a CIDR the way inet_aton does (2.5.0, checked:
 * `010.10.0.0/24` is octal 8.10.0.0/24, `0xa.0.0.0/8` is 10.0.0.0/8, `10.1/16` is 10.0.0.1/16),
 * while a block written into a stack must mean what it says; what xos needs beyond parsing
 * (size, overlap, allocation) is a few lines of integer arithmetic.
 */

export interface Cidr {
  readonly base: number; // network address as an unsigned 32-bit integer
  readonly prefix: number;
  readonly size: number; // number of addresses
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parse `a.b.c.d/n`; returns a reason string when it is not a valid block. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR.exec(String(text).trim());
  if (!m) return `'${truncate(text)}' is not a CIDR block (expected a.b.c.d/n, for example 10.0.1.0/24)`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return `'${text}' has an octet above 255`;
  if (prefix > 32) return `'${text}' has a prefix length above 32`;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const base = (addr & mask) >>> 0;
  if (base !== addr) return `'${text}' has host bits set (the block starts at ${formatIp(base)}/${prefix})`;
  return { base, prefix, size };
}

/** Addresses usable by instances: the block less network, broadcast and gateway addresses. */
export function usableHosts(c: Cidr): number {
  if (c.prefix >= 31) return c.prefix === 32 ? 1 : 2;
  return c.size - 3;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The n-th usable host address of a block (n from 0), skipping the network and gateway. */
export function hostAddress(c: Cidr, n: number): string {
  return formatIp(c.base + 2 + n);
}

function truncate(s: string): string {
  s = String(s);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** FNV-1a, 32 bits: a stable hash for names. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const POOL = parseCidr('172.16.0.0/12') as Cidr;
const SLOTS = POOL.size / 256;

/**
 * A /24 for a derived network, chosen from its key so that it stays put when unrelated
 * networks come and go; probes onward when the slot overlaps a block already taken.
 */
export function allocateCidr(key: string, taken: readonly string[]): string {
  return allocateCidrAmong(key, taken.map(parseCidr).filter((c): c is Cidr => typeof c !== 'string'));
}

/** `allocateCidr` over blocks already parsed (a caller allocating many keeps them). */
export function allocateCidrAmong(key: string, blocks: readonly Cidr[]): string {
  const start = fnv1a(key) % SLOTS;
  for (let i = 0; i < SLOTS; i++) {
    const base = POOL.base + ((start + i) % SLOTS) * 256;
    const cand: Cidr = { base, prefix: 24, size: 256 };
    if (!blocks.some((b) => overlaps(b, cand))) return `${formatIp(base)}/24`;
  }
  throw new Error('no free /24 left in 172.16.0.0/12 for a derived tenancy network; give the tenancy a cidr');
}
