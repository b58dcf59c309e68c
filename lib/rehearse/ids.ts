/**
 * Deterministic values the simulated cloud hands out: ids shaped as each cloud shapes them,
 * addresses inside a block. Every value is derived from a seed (what was asked for), never
 * from randomness or the clock, so the same configuration applied the same way gets the same
 * values.
 */
import { createHash } from 'crypto';

export function digest(...parts: readonly unknown[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : JSON.stringify(p ?? null)).update('\0');
  return h.digest();
}

/** A UUID (version 4 layout) from a seed, as OpenStack ids look. */
export function uuidFrom(...seed: readonly unknown[]): string {
  const b = digest('uuid', ...seed);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `n` lowercase hex digits from a seed (EC2 ids: `i-` and 17 digits). */
export function hexFrom(n: number, ...seed: readonly unknown[]): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += digest('hex', i, ...seed).toString('hex');
  return out.slice(0, n);
}

/** `n` characters of an alphabet from a seed. */
export function charsFrom(alphabet: string, n: number, ...seed: readonly unknown[]): string {
  let out = '';
  for (let i = 0; out.length < n; i++) for (const byte of digest('chars', i, ...seed)) if (out.length < n) out += alphabet[byte % alphabet.length];
  return out;
}

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An IPv4 block: first address and prefix length. */
export interface Block4 {
  readonly base: number;
  readonly prefix: number;
}

/** `10.0.1.0/24` -> its block; undefined when it is not an IPv4 block. */
export function parseBlock(cidr: string): Block4 | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (addr & mask) >>> 0, prefix };
}

export function formatAddress(a: number): string {
  return [(a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');
}

export function parseAddress(s: string): number | undefined {
  const b = parseBlock(`${s}/32`);
  return b?.base;
}

export function blockSize(b: Block4): number {
  return 2 ** (32 - b.prefix);
}

/** True when `inner` lies wholly inside `outer`. */
export function blockWithin(inner: Block4, outer: Block4): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + blockSize(inner) <= outer.base + blockSize(outer);
}

export function blocksOverlap(a: Block4, b: Block4): boolean {
  return a.base < b.base + blockSize(b) && b.base < a.base + blockSize(a);
}

/** True when an address lies inside a block. */
export function addressWithin(address: string, cidr: string): boolean {
  const a = parseAddress(address);
  const b = parseBlock(cidr);
  return a !== undefined && b !== undefined && a >= b.base && a < b.base + blockSize(b);
}
