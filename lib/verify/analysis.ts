/**
 * What a stack's network admits, computed over classes of Slivers: Slivers of one Slice whose
 * interfaces are alike (same subnets, same groups, same state, a public address or not) are
 * one class, and every Sliver of a class admits and is admitted exactly as the others. Flows
 * are found from each destination's ingress rules (the sources a rule can match), never by
 * trying every pair: the work grows with the flows the rules admit, not with the square of
 * the Slivers.
 *
 * A packet from Sliver a to Sliver b passes when a path joins one of a's interfaces to b's
 * interface (the same subnet, or one router with an interface on both), a's groups let it out
 * (an egress rule matching b's address: its subnet's block or one of b's groups), and b's
 * groups let it in (an ingress rule matching a's interface the same way). Groups are
 * stateful, so the reply passes; with a stateless group the reply needs rules of its own.
 * Each Sliver may send from any of its interfaces that has a path (the proof does not model
 * the instance's own routing table).
 */
import { overlaps, reachesInternet } from '../model/cidr';
import { l3Path, type Group, type GroupRule, type Nic, type Segment, type StackGraph } from './graph';
import { PortSet, type Proto } from './ports';
import { pushTo } from './tf';

export interface NicClass {
  /** `${stack}\0${index}`: unique across stacks. */
  readonly key: string;
  readonly stack: string;
  /** The model Slice of its Slivers ('' when the model does not know them). */
  readonly slice: string;
  readonly slivers: string[];
  /** The interfaces of its first Sliver, eth0 first (the others' are alike). */
  readonly nics: readonly Nic[];
}

/** A stack's graph with its classes and the lookups the analysis needs. */
export class StackAnalysis {
  public readonly classes: NicClass[] = [];
  public readonly classOfSliver = new Map<string, NicClass>();
  private readonly byGroup = new Map<string, { c: NicClass; nic: Nic }[]>();
  private readonly bySegment = new Map<string, { c: NicClass; nic: Nic }[]>();

  constructor(
    public readonly graph: StackGraph,
    sliceOf: (sliver: string) => string | undefined,
  ) {
    const bySliver = new Map<string, Nic[]>();
    for (const n of graph.nics) pushTo(bySliver, n.sliver, n);
    const bySignature = new Map<string, NicClass>();
    for (const [sliver, nics] of [...bySliver].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      nics.sort((a, b) => a.index - b.index);
      const slice = sliceOf(sliver) ?? '';
      const sig = `${slice}\u0001${nics.map((n) => `${n.segment}|${n.groups === 'unfiltered' ? '*' : [...n.groups].sort().join(',')}|${n.down ? 1 : 0}|${n.publicAddress ? 1 : 0}`).join('\u0002')}`;
      let c = bySignature.get(sig);
      if (!c) {
        c = { key: `${graph.stack}\u0000${this.classes.length}`, stack: graph.stack, slice, slivers: [], nics };
        bySignature.set(sig, c);
        this.classes.push(c);
        for (const nic of nics) {
          pushTo(this.bySegment, nic.segment, { c, nic });
          if (nic.groups !== 'unfiltered') for (const g of new Set(nic.groups)) pushTo(this.byGroup, g, { c, nic });
        }
      }
      c.slivers.push(sliver);
      this.classOfSliver.set(sliver, c);
    }
  }

  public segment(nic: Nic): Segment | undefined {
    return this.graph.segments.get(nic.segment);
  }

  private group(address: string): Group | undefined {
    return this.graph.groups.get(address);
  }

  /** The rules of a NIC's groups in one direction (IPv4 only), with the group each comes from. */
  public rules(nic: Nic, direction: 'ingress' | 'egress'): { rule: GroupRule; group: Group }[] {
    if (nic.groups === 'unfiltered') return [];
    const out: { rule: GroupRule; group: Group }[] = [];
    for (const a of nic.groups) {
      const g = this.group(a);
      if (!g) continue;
      for (const r of g.rules) if (r.direction === direction && !r.ipv6) out.push({ rule: r, group: g });
    }
    return out;
  }

  /** True when a rule's remote matches the address of `other` (its subnet's block, or its groups). */
  public matches(rule: GroupRule, other: Nic): boolean {
    const r = rule.remote;
    if (r.kind === 'any' || r.kind === 'unknown') return true;
    if (r.kind === 'group') return other.groups !== 'unfiltered' && other.groups.includes(r.group);
    const cidr = this.segment(other)?.cidr;
    return !cidr || overlaps(r.cidr, cidr);
  }

  /** What `nic`'s rules in `direction` let through to or from `other`. */
  public allowed(nic: Nic, direction: 'ingress' | 'egress', other: Nic): PortSet {
    if (nic.groups === 'unfiltered') return PortSet.ALL;
    let ps = PortSet.EMPTY;
    for (const { rule } of this.rules(nic, direction)) if (this.matches(rule, other)) ps = ps.union(rule.ports);
    return ps;
  }

  /** True when a NIC's groups include a stateless one (replies need rules of their own). */
  private stateless(nic: Nic): boolean {
    return nic.groups !== 'unfiltered' && nic.groups.some((a) => this.group(a)?.stateful === false);
  }

  /** What passes from interface `s` to interface `d` (no path: nothing). */
  public direct(s: Nic, d: Nic): PortSet {
    if (s.down || d.down || this.segment(s)?.down || this.segment(d)?.down) return PortSet.EMPTY;
    if (l3Path(this.graph, s.segment, d.segment) === undefined) return PortSet.EMPTY;
    let ps = this.allowed(s, 'egress', d).intersect(this.allowed(d, 'ingress', s));
    if (!ps.isEmpty() && (this.stateless(s) || this.stateless(d))) ps = replies(ps, this.allowed(d, 'egress', s).intersect(this.allowed(s, 'ingress', d)));
    return ps;
  }

  /** The sources (class, interface) an ingress rule of `d` can match within the stack. */
  public sourcesOf(rule: GroupRule, d: Nic): { c: NicClass; nic: Nic }[] {
    if (rule.remote.kind === 'group') return this.byGroup.get(rule.remote.group) ?? [];
    const out: { c: NicClass; nic: Nic }[] = [];
    const seg = this.segment(d);
    const reachable = [d.segment, ...new Set((seg?.routers ?? []).flatMap((r) => this.graph.routers.get(r)?.down ? [] : this.graph.routers.get(r)?.segments ?? []))];
    for (const s of new Set(reachable)) for (const x of this.bySegment.get(s) ?? []) if (this.matches(rule, x.nic)) out.push(x);
    return out;
  }

  /** Every interface with a path to `d` (for an unfiltered destination). */
  public everySource(d: Nic): { c: NicClass; nic: Nic }[] {
    return this.sourcesOf({ address: '', direction: 'ingress', ports: PortSet.ALL, remote: { kind: 'any' } }, d);
  }

  /** True when a public address or a public route makes `d` reachable from the Internet; the resource that routes it. */
  public publicPath(d: Nic): string | undefined {
    const seg = this.segment(d);
    if (!seg || seg.down || d.down) return undefined;
    if (d.publicAddress && seg.addressRoute) return `${d.publicAddress} through ${seg.addressRoute}`;
    if (seg.publicRoute) return `public addresses of ${seg.address} routed as they are by ${seg.publicRoute}`;
    return undefined;
  }

  /** What the Internet may send to `d`. */
  public fromInternet(d: Nic): PortSet {
    if (!this.publicPath(d)) return PortSet.EMPTY;
    if (d.groups === 'unfiltered') return PortSet.ALL;
    let ps = PortSet.EMPTY;
    for (const { rule } of this.rules(d, 'ingress')) if (admitsInternet(rule)) ps = ps.union(rule.ports);
    return ps;
  }

  /** How `s` sends to the Internet, if it can: the resource that routes or translates it. */
  public wayOut(s: Nic): string | undefined {
    const seg = this.segment(s);
    if (!seg || seg.down || s.down) return undefined;
    if (s.publicAddress && seg.addressRoute) return `${s.publicAddress} through ${seg.addressRoute}`;
    if (seg.publicRoute) return seg.publicRoute;
    if (seg.translatedRoute) return seg.translatedRoute;
    return undefined;
  }

  /** What a class may send to the Internet, from any of its interfaces with a way out. */
  public toInternet(c: NicClass): PortSet {
    let ps = PortSet.EMPTY;
    for (const s of c.nics) {
      if (!this.wayOut(s)) continue;
      if (s.groups === 'unfiltered') return PortSet.ALL;
      for (const { rule } of this.rules(s, 'egress')) if (admitsInternet(rule)) ps = ps.union(rule.ports);
    }
    return ps;
  }
}

/** True when a rule's remote includes addresses of the Internet. */
export function admitsInternet(rule: GroupRule): boolean {
  const r = rule.remote;
  return r.kind === 'any' || r.kind === 'unknown' || (r.kind === 'cidr' && reachesInternet(r.cidr));
}

/** With a stateless group, a protocol passes only if replies of that protocol pass back. */
function replies(forward: PortSet, back: PortSet): PortSet {
  let out = PortSet.EMPTY;
  for (const p of ['tcp', 'udp', 'icmp', 'ip'] as Proto[]) if (back.ranges(p).length) out = out.union(forward.intersect(PortSet.of(p)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Explanations: the chain that admits one packet, or the first resource that drops it.

export interface Verdict {
  readonly admitted: boolean;
  /** The resources the packet crosses, in order (up to where it stops). */
  readonly chain: readonly string[];
  /** Where and why it stops, when it is dropped. */
  readonly stop?: string;
}

function describeNic(a: StackAnalysis, n: Nic): string {
  return `${n.sliver} eth${n.index} (${n.address}, on ${a.segment(n)?.network ?? n.segment})`;
}

function firstRule(a: StackAnalysis, nic: Nic, direction: 'ingress' | 'egress', proto: Proto, port: number, match: (r: GroupRule) => boolean): GroupRule | undefined {
  for (const { rule } of a.rules(nic, direction)) if (rule.ports.has(proto, port) && match(rule)) return rule;
  return undefined;
}

/** One packet from interface `s` to interface `d`. */
export function explainDirect(a: StackAnalysis, s: Nic, d: Nic, proto: Proto, port: number): Verdict {
  const chain = [`from ${describeNic(a, s)}`];
  const stopped = (stop: string): Verdict => ({ admitted: false, chain, stop });
  for (const [n, what] of [[s, 'source'], [d, 'destination']] as const) {
    if (n.down) return stopped(`${n.down} (the ${what} port)`);
    const seg = a.segment(n);
    if (seg?.down) return stopped(seg.down);
  }
  const path = l3Path(a.graph, s.segment, d.segment);
  if (path === undefined) {
    const ss = a.segment(s);
    const ds = a.segment(d);
    return stopped(`no router joins ${ss?.network ?? s.segment} (${s.segment}) and ${ds?.network ?? d.segment} (${d.segment})`);
  }
  chain.push(path === '' ? `on the same subnet ${s.segment}` : `through router ${path}`);
  if (s.groups !== 'unfiltered') {
    const out = firstRule(a, s, 'egress', proto, port, (r) => a.matches(r, d));
    if (!out) return stopped(`no egress rule of ${s.address}'s groups (${s.groups.join(', ') || 'none'}) lets ${proto}/${port} out to ${d.sliver}`);
    chain.push(`out by ${out.address}`);
  } else chain.push(`out unfiltered (port security off on ${s.address})`);
  if (d.groups !== 'unfiltered') {
    const inn = firstRule(a, d, 'ingress', proto, port, (r) => a.matches(r, s));
    if (!inn) return stopped(`no ingress rule of ${d.address}'s groups (${d.groups.join(', ') || 'none'}) admits ${proto}/${port} from ${s.sliver}`);
    chain.push(`in by ${inn.address}`);
  } else chain.push(`in unfiltered (port security off on ${d.address})`);
  if (a.direct(s, d).has(proto, port)) {
    chain.push(`to ${describeNic(a, d)}`);
    return { admitted: true, chain };
  }
  return stopped(`a stateless group on ${s.address} or ${d.address} drops the reply`);
}

/** One packet from the Internet to interface `d`. */
export function explainFromInternet(a: StackAnalysis, d: Nic, proto: Proto, port: number): Verdict {
  const chain = ['from the Internet'];
  const path = a.publicPath(d);
  if (!path) {
    const seg = a.segment(d);
    const stop = d.down || seg?.down
      ? d.down ?? seg!.down!
      : d.publicAddress
        ? `${d.publicAddress} is on ${d.address}, but no route joins its subnet ${d.segment} to the Internet (no router with an external gateway, no internet gateway route)`
        : `${d.address} has no public address (no floating IP or Elastic IP, and its subnet ${d.segment} is not routed publicly)`;
    return { admitted: false, chain, stop };
  }
  chain.push(`to ${path}`);
  if (d.groups !== 'unfiltered') {
    const inn = firstRule(a, d, 'ingress', proto, port, admitsInternet);
    if (!inn) return { admitted: false, chain, stop: `no ingress rule of ${d.address}'s groups (${d.groups.join(', ') || 'none'}) admits ${proto}/${port} from the Internet` };
    chain.push(`in by ${inn.address}`);
  } else chain.push(`in unfiltered (port security off on ${d.address})`);
  chain.push(`to ${describeNic(a, d)}`);
  return { admitted: true, chain };
}

/** One packet from a Sliver's interfaces out to the Internet. */
export function explainToInternet(a: StackAnalysis, nics: readonly Nic[], proto: Proto, port: number): Verdict {
  let best: Verdict | undefined;
  for (const s of nics) {
    const chain = [`from ${describeNic(a, s)}`];
    const way = a.wayOut(s);
    if (!way) {
      best ??= { admitted: false, chain, stop: `no way out of ${a.segment(s)?.network ?? s.segment} (${s.segment}): no router with an external gateway, no route to an internet or NAT gateway, or no public address to use it` };
      continue;
    }
    chain.push(`out through ${way}`);
    if (s.groups !== 'unfiltered') {
      const out = firstRule(a, s, 'egress', proto, port, admitsInternet);
      if (!out) {
        best = { admitted: false, chain, stop: `no egress rule of ${s.address}'s groups (${s.groups.join(', ') || 'none'}) lets ${proto}/${port} out to the Internet` };
        continue;
      }
      chain.push(`out by ${out.address}`);
    }
    chain.push('to the Internet');
    return { admitted: true, chain };
  }
  return best ?? { admitted: false, chain: [], stop: 'the Sliver has no interface' };
}

/** The best verdict for a packet from any interface of a Sliver to `d` (admitted, or the one that got furthest). */
export function explainFromSliver(a: StackAnalysis, nics: readonly Nic[], d: Nic, proto: Proto, port: number): Verdict {
  let best: Verdict | undefined;
  for (const s of nics) {
    const v = explainDirect(a, s, d, proto, port);
    if (v.admitted) return v;
    if (!best || v.chain.length > best.chain.length) best = v;
  }
  return best ?? { admitted: false, chain: [], stop: 'the source Sliver has no interface in this back-end' };
}
