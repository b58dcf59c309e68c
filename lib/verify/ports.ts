/**
 * Sets of (protocol, port) a flow carries: per protocol, a sorted list of disjoint inclusive
 * ranges. `tcp` and `udp` range over ports 0-65535, `icmp` over ICMP types 0-255, `ip` over
 * the other IP protocol numbers (a rule for protocol 47 opens `ip` 47-47). "Every protocol"
 * is all four, full.
 */

export type Proto = 'tcp' | 'udp' | 'icmp' | 'ip';
export const PROTOS: readonly Proto[] = ['tcp', 'udp', 'icmp', 'ip'];
const FULL: Readonly<Record<Proto, readonly [number, number]>> = { tcp: [0, 65535], udp: [0, 65535], icmp: [0, 255], ip: [0, 255] };

export type Range = readonly [number, number];

/** An immutable set of (protocol, port). */
export class PortSet {
  private constructor(private readonly byProto: ReadonlyMap<Proto, readonly Range[]>) {}

  public static readonly EMPTY = new PortSet(new Map());
  public static readonly ALL = new PortSet(new Map(PROTOS.map((p) => [p, [FULL[p]]] as const)));

  /** One protocol: all of it, or a range of it (clamped to the protocol's domain). */
  public static of(proto: Proto, range?: Range): PortSet {
    const [lo, hi] = FULL[proto];
    const r: Range = range ? [Math.max(lo, range[0]), Math.min(hi, range[1])] : [lo, hi];
    if (r[0] > r[1]) return PortSet.EMPTY;
    return new PortSet(new Map([[proto, [r]]]));
  }

  public isEmpty(): boolean {
    return this.byProto.size === 0;
  }

  public ranges(proto: Proto): readonly Range[] {
    return this.byProto.get(proto) ?? [];
  }

  public has(proto: Proto, port: number): boolean {
    return this.ranges(proto).some(([a, b]) => a <= port && port <= b);
  }

  public union(o: PortSet): PortSet {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    const m = new Map<Proto, readonly Range[]>();
    for (const p of PROTOS) {
      const r = merge([...this.ranges(p), ...o.ranges(p)]);
      if (r.length) m.set(p, r);
    }
    return new PortSet(m);
  }

  public intersect(o: PortSet): PortSet {
    if (this.isEmpty() || o.isEmpty()) return PortSet.EMPTY;
    const m = new Map<Proto, readonly Range[]>();
    for (const p of PROTOS) {
      const out: Range[] = [];
      for (const [a, b] of this.ranges(p)) for (const [c, d] of o.ranges(p)) if (Math.max(a, c) <= Math.min(b, d)) out.push([Math.max(a, c), Math.min(b, d)]);
      const r = merge(out);
      if (r.length) m.set(p, r);
    }
    return m.size ? new PortSet(m) : PortSet.EMPTY;
  }

  /** What this set holds that `o` does not. */
  public minus(o: PortSet): PortSet {
    if (this.isEmpty() || o.isEmpty()) return this;
    const m = new Map<Proto, readonly Range[]>();
    for (const p of PROTOS) {
      let rest: Range[] = [...this.ranges(p)];
      for (const [c, d] of o.ranges(p)) {
        const next: Range[] = [];
        for (const [a, b] of rest) {
          if (d < a || b < c) next.push([a, b]);
          else {
            if (a < c) next.push([a, c - 1]);
            if (d < b) next.push([d + 1, b]);
          }
        }
        rest = next;
      }
      if (rest.length) m.set(p, rest);
    }
    return m.size ? new PortSet(m) : PortSet.EMPTY;
  }

  public covers(o: PortSet): boolean {
    return o.minus(this).isEmpty();
  }

  public equals(o: PortSet): boolean {
    return this.covers(o) && o.covers(this);
  }

  /** The first (protocol, port) of the set, to name a concrete packet in a message. */
  public first(): { proto: Proto; port: number } | undefined {
    for (const p of PROTOS) {
      const r = this.ranges(p)[0];
      if (r) return { proto: p, port: r[0] };
    }
    return undefined;
  }

  /** `tcp/80, udp/53, tcp/5000-5999`, or `every protocol`. */
  public toString(): string {
    if (this.isEmpty()) return 'nothing';
    if (this.equals(PortSet.ALL)) return 'every protocol';
    const parts: string[] = [];
    for (const p of PROTOS) {
      const rs = this.ranges(p);
      if (!rs.length) continue;
      if (rs.length === 1 && rs[0][0] === FULL[p][0] && rs[0][1] === FULL[p][1]) {
        parts.push(p === 'ip' ? 'every other IP protocol' : `all ${p}`);
        continue;
      }
      for (const [a, b] of rs) parts.push(p === 'ip' ? `IP protocol ${a === b ? a : `${a}-${b}`}` : p === 'icmp' ? `icmp type ${a === b ? a : `${a}-${b}`}` : `${p}/${a === b ? a : `${a}-${b}`}`);
    }
    return parts.length > 8 ? `${parts.slice(0, 8).join(', ')} and ${parts.length - 8} more` : parts.join(', ');
  }

  public toJSON(): Record<string, Range[]> {
    const out: Record<string, Range[]> = {};
    for (const p of PROTOS) if (this.ranges(p).length) out[p] = this.ranges(p).map((r) => [r[0], r[1]] as const) as unknown as Range[];
    return out;
  }
}

function merge(rs: Range[]): Range[] {
  if (rs.length < 2) return rs;
  const sorted = [...rs].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [[sorted[0][0], sorted[0][1]]];
  for (const [a, b] of sorted.slice(1)) {
    const last = out[out.length - 1];
    if (a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const PROTO_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17 };

/**
 * The set a security rule opens: its protocol (a name, a number, or any: `undefined`, `-1`,
 * `all`, `any`) and its port range (absent: every port, or every ICMP type).
 */
export function ruleSet(protocol: unknown, min?: unknown, max?: unknown): PortSet {
  const p = protocol === undefined || protocol === null ? 'any' : String(protocol).toLowerCase();
  if (p === 'any' || p === '-1' || p === 'all' || p === '') return PortSet.ALL;
  const n = /^\d+$/.test(p) ? Number(p) : PROTO_NUMBERS[p];
  const proto: Proto | undefined = n === 6 ? 'tcp' : n === 17 ? 'udp' : n === 1 ? 'icmp' : n !== undefined ? 'ip' : undefined;
  if (!proto) return PortSet.EMPTY; // a protocol the back-end would refuse: opens nothing
  if (proto === 'ip') return PortSet.of('ip', [n!, n!]);
  const lo = num(min);
  const hi = num(max);
  if (lo === undefined && hi === undefined) return PortSet.of(proto);
  if (proto === 'icmp') return lo === undefined || lo < 0 ? PortSet.of('icmp') : PortSet.of('icmp', [lo, lo]);
  if ((lo ?? 0) < 0 || (hi ?? 0) < 0) return PortSet.of(proto);
  return PortSet.of(proto, [lo ?? hi!, hi ?? lo!]);
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** The set of a Service's declared ports. */
export function servicePortSet(ports: readonly { readonly port: number; readonly protocol: string }[]): PortSet {
  let s = PortSet.EMPTY;
  for (const p of ports) s = s.union(p.protocol === 'icmp' ? PortSet.of('icmp') : ruleSet(p.protocol, p.port, p.port));
  return s;
}

/** tcp and udp on a range (a Network's port range), or every protocol. */
export function rangeSet(range: { low: number; high: number } | null): PortSet {
  return range ? PortSet.of('tcp', [range.low, range.high]).union(PortSet.of('udp', [range.low, range.high])) : PortSet.ALL;
}
