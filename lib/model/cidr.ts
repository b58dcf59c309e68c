/**
 * IPv4 CIDR arithmetic for NET-001, NET-002, NET-006, derived tenancy networks and the
 * network proof (`xos verify`). Hand-written because ipaddr.js, the well-kept library, reads a
 * CIDR the way inet_aton does (2.5.0, checked: `010.10.0.0/24` is octal 8.10.0.0/24,
 * `0xa.0.0.0/8` is 10.0.0.0/8, `10.1/16` is 10.0.0.1/16), while a block written into a stack
 * must mean what it says; what xos needs beyond parsing (size, overlap, allocation) is a few
 * lines of integer arithmetic.
 *
 * Blocks are read strictly: four decimal octets without leading zeros (`010.10.0.0/24` is
 * refused: some tools read `010` as octal 8, others as decimal 10, so the block a back-end
 * gets would depend on which one reads it), a prefix length without leading zeros, no space
 * around it. What is accepted is therefore written to Terraform exactly as it is canonical.
 *
 * IPv4 only: the targets write IPv4 subnets and IPv4 security rules, and the proof reasons
 * about IPv4 addresses. An IPv6 block is refused with a message that says so and what to do
 * (docs/flows.md, "IPv6").
 */

export interface Cidr {
  readonly base: number; // network address as an unsigned 32-bit integer
  readonly prefix: number;
  readonly size: number; // number of addresses
}

/** Why xos refuses IPv6 blocks, and what to do instead: said wherever one is refused. */
export const IPV4_ONLY =
  'xos networks are IPv4-only: the targets write IPv4 subnets and security rules, and `xos verify` proves IPv4 flows. Give the Network an IPv4 block (for example 10.0.1.0/24); a Sliver that needs IPv6 must get it outside xos';

const SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,3})$/;
const LOOSE = /^\s*\d+\.\d+\.\d+\.\d+\/\d+\s*$/;

/** Parse `a.b.c.d/n` strictly; returns a reason string when it is not a valid block. */
export function parseCidr(text: string): Cidr | string {
  const raw = String(text);
  const shown = truncate(raw);
  if (raw.includes(':') && /^[\s0-9a-fA-F:.]*(\/\d*)?\s*$/.test(raw)) return `'${shown}' is an IPv6 block; ${IPV4_ONLY}`;
  const m = SHAPE.exec(raw);
  if (!m) {
    if (LOOSE.test(raw) && raw.trim() !== raw) return `'${shown}' has spaces around it. Write the block alone: '${raw.trim()}'`;
    if (LOOSE.test(raw)) return `'${shown}' is not a CIDR block (each octet is 0 to 255 written in at most three digits, the prefix length 0 to 32; for example 10.0.1.0/24)`;
    return `'${shown}' is not a CIDR block (expected a.b.c.d/n, for example 10.0.1.0/24)`;
  }
  const parts = m.slice(1, 6);
  const padded = parts.find((p) => p.length > 1 && p.startsWith('0'));
  if (padded !== undefined) {
    const canonical = `${parts.slice(0, 4).map(Number).join('.')}/${Number(parts[4])}`;
    return `'${shown}' writes '${padded}' with a leading zero, which some tools read as octal and others as decimal. Write it without leading zeros: '${canonical}'`;
  }
  const octets = parts.slice(0, 4).map(Number);
  const prefix = Number(parts[4]);
  if (octets.some((o) => o > 255)) return `'${shown}' has an octet above 255`;
  if (prefix > 32) return `'${shown}' has a prefix length above 32`;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  const mask = prefixMask(prefix);
  const base = (addr & mask) >>> 0;
  if (base !== addr) return `'${shown}' has host bits set (the block starts at ${formatIp(base)}/${prefix})`;
  return { base, prefix, size };
}

/** The block as text, `a.b.c.d/n`. */
export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Addresses usable by instances: the block less network, broadcast and gateway addresses. */
export function usableHosts(c: Cidr): number {
  if (c.prefix >= 31) return c.prefix === 32 ? 1 : 2;
  return c.size - 3;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** True when `outer` holds every address of `inner`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.base <= inner.base && inner.base + inner.size <= outer.base + outer.size;
}

/** The block of `prefix` bits that holds `c` (c itself when it is that long or shorter). */
export function enclosing(c: Cidr, prefix: number): Cidr {
  if (c.prefix <= prefix) return c;
  const base = (c.base & prefixMask(prefix)) >>> 0;
  return { base, prefix, size: 2 ** (32 - prefix) };
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The n-th usable host address of a block (n from 0), skipping the network and gateway. */
export function hostAddress(c: Cidr, n: number): string {
  return formatIp(c.base + 2 + n);
}

/** The private ranges of RFC 1918, and which one holds a block (undefined: none). */
export const RFC1918: readonly { readonly name: string; readonly block: Cidr }[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((name) => ({
  name,
  block: parseCidr(name) as Cidr,
}));

export function rfc1918Range(c: Cidr): string | undefined {
  return RFC1918.find((r) => contains(r.block, c))?.name;
}

/**
 * Blocks that are not on the public Internet (RFC 1918, shared address space, loopback,
 * link-local, "this network", the benchmarking range, multicast and reserved): a rule whose
 * remote prefix lies entirely within them does not admit the Internet.
 */
const NOT_INTERNET: readonly Cidr[] = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/3'].map(
  (s) => parseCidr(s) as Cidr,
);

/** True when some address of the block is on the public Internet. */
export function reachesInternet(c: Cidr): boolean {
  // The block less the non-Internet ranges is empty only when those ranges cover it.
  let uncovered: Cidr[] = [c];
  for (const r of NOT_INTERNET) uncovered = uncovered.flatMap((u) => subtract(u, r));
  return uncovered.length > 0;
}

function split(c: Cidr): Cidr[] {
  const half = c.size / 2;
  return [
    { base: c.base, prefix: c.prefix + 1, size: half },
    { base: c.base + half, prefix: c.prefix + 1, size: half },
  ];
}

/** `c` less `r` (r overlapping c, not holding it) as a list of blocks. */
function subtract(c: Cidr, r: Cidr): Cidr[] {
  if (!overlaps(c, r)) return [c];
  if (contains(r, c)) return [];
  return split(c).flatMap((h) => subtract(h, r));
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

/** Where derived tenancy networks take their blocks from. */
export const DERIVED_POOL = '172.16.0.0/12';
const POOL = parseCidr(DERIVED_POOL) as Cidr;
const SLOTS = POOL.size / 256;

/**
 * A /24 for a derived network, chosen from its key so that it stays put when unrelated
 * networks come and go; probes onward when the slot overlaps a block already taken.
 * Undefined when every /24 of the pool is taken (the rules report it on the tenancy).
 */
export function allocateCidr(key: string, taken: readonly string[]): string | undefined {
  return allocateCidrAmong(key, taken.map(parseCidr).filter((c): c is Cidr => typeof c !== 'string'));
}

/** `allocateCidr` over blocks already parsed (a caller allocating many keeps them). */
export function allocateCidrAmong(key: string, blocks: readonly Cidr[]): string | undefined {
  const start = fnv1a(key) % SLOTS;
  for (let i = 0; i < SLOTS; i++) {
    const base = POOL.base + ((start + i) % SLOTS) * 256;
    const cand: Cidr = { base, prefix: 24, size: 256 };
    if (!blocks.some((b) => overlaps(b, cand))) return `${formatIp(base)}/24`;
  }
  return undefined;
}
