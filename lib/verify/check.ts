/**
 * The proof: admitted flows (analysis.ts, from each stack's Terraform JSON) against intended
 * flows (intent.ts, from the model), class against class. Every difference is a violation:
 * FLOW-001 for an intended flow that does not pass (naming where it stops), FLOW-002 for a
 * flow that passes and no declaration asks for (naming the chain that admits it). The
 * summary counts flows per tenancy: a flow is a (source Sliver or the Internet, destination
 * Sliver, Network) with its ports; it is missing when some intended port does not pass, extra
 * when some port passes that nothing intends.
 */
import type { ModelIndex } from '../model/index';
import type { NetworkModel, ServiceModel, SliverModel, TenantModel, XosModel } from '../model/types';
import type { Violation } from '../rules/rule';
import { explainFromInternet, explainFromSliver, explainToInternet, StackAnalysis, type NicClass } from './analysis';
import type { Nic, StackGraph } from './graph';
import { intendedFlows, type Intent, type Reason } from './intent';
import { PortSet } from './ports';
import { pushTo } from './tf';

export interface SummaryRow {
  /** A tenancy's key, or `(slice networks)`, `(public networks)`, `(not declared)`. */
  readonly name: string;
  readonly intended: number;
  readonly admitted: number;
  readonly missing: number;
  readonly extra: number;
}

export interface VerifyResult {
  readonly violations: readonly Violation[];
  readonly summary: readonly SummaryRow[];
  /** Classes of Slivers per stack, and interfaces read: what the proof worked on. */
  readonly stacks: readonly { readonly name: string; readonly target: string; readonly slivers: number; readonly classes: number; readonly interfaces: number }[];
  readonly errors: number;
}

export interface VerifyOptions {
  /** The program line of a model object, when known. */
  readonly sourceOf?: (key: string) => string | undefined;
}

const k = (...parts: string[]) => parts.join('\u0000');
const split = (key: string) => key.split('\u0000');

/** Prove the stacks' graphs against the model. */
export function verifyGraphs(model: XosModel, index: ModelIndex, graphs: readonly StackGraph[], options: VerifyOptions = {}): VerifyResult {
  const intent = intendedFlows(model, index);
  const sliceOf = (sliver: string) => index.get<SliverModel>(sliver)?.slice;
  const analyses = new Map(graphs.map((g) => [g.stack, new StackAnalysis(g, (v) => (index.get(v)?.kind === 'Sliver' ? sliceOf(v) : undefined))]));
  const violations: Violation[] = [];
  const rows = new Map<string, { intended: number; admitted: number; missing: number; extra: number }>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { intended: 0, admitted: 0, missing: 0, extra: 0 }));
    return r;
  };
  const push = (id: 'FLOW-001' | 'FLOW-002', path: string, message: string) => {
    const source = options.sourceOf?.(path);
    violations.push({ id, severity: 'error', path, message, ...(source ? { source } : {}) });
  };

  for (const g of graphs) for (const u of g.unknown) push('FLOW-002', u.address, `in stack ${g.stack}, ${u.address} cannot be proven: ${u.reason}.`);

  // Classes of each intent class, per stack; Slivers the model places but the stack lacks.
  const classesOf = new Map<string, NicClass[]>(); // `${stack}\0${slice}` -> classes
  for (const a of analyses.values()) for (const c of a.classes) pushTo(classesOf, k(c.stack, c.slice), c);
  for (const ic of intent.classes.values()) {
    // A Slice with no Network: its Slivers have no interface, and are meant to have none.
    if (!(index.networksOfSlice.get(ic.slice) ?? []).length) continue;
    const a = analyses.get(ic.stack);
    const lost = ic.slivers.filter((v) => !a?.classOfSliver.has(v));
    if (!lost.length) continue;
    push('FLOW-001', ic.slice, `Slice ${ic.slice}: ${names(lost)} ${lost.length > 1 ? 'have' : 'has'} no interface in stack ${ic.stack}${a ? '' : ' (the stack is not in the output)'}, so ${lost.length > 1 ? 'they reach' : 'it reaches'} nothing and nothing reaches ${lost.length > 1 ? 'them' : 'it'}.`);
  }

  const nicOn = (c: NicClass, net: string) => c.nics.find((n) => analyses.get(c.stack)!.segment(n)?.network === net);
  const pairs = (s: NicClass, d: NicClass) => (s === d ? d.slivers.length * (d.slivers.length - 1) : s.slivers.length * d.slivers.length);

  // The intended flows of each back-end, found once (not by every back-end walking all of them).
  const byStack = <V>(m: ReadonlyMap<string, V>) => {
    const out = new Map<string, [string, V][]>();
    for (const [key, v] of m) pushTo(out, key.slice(0, key.indexOf('\u0000')), [key, v]);
    return out;
  };
  const directOf = byStack(intent.direct);
  const internetOf = byStack(intent.internet);

  // Direct flows (within a back-end), admitted: from each destination interface's ingress rules.
  for (const a of analyses.values()) {
    const admitted = new Map<string, { s: NicClass; d: NicClass; net: string; ports: PortSet }>();
    for (const d of a.classes) {
      for (const dn of d.nics) {
        const net = a.segment(dn)?.network ?? dn.segment;
        const covered = intent.internet.get(k(a.graph.stack, d.slice, net))?.ports ?? PortSet.EMPTY;
        const candidates = new Map<string, { c: NicClass; nic: Nic }>();
        const consider = (xs: { c: NicClass; nic: Nic }[]) => {
          for (const x of xs) if (x.c !== d || d.slivers.length > 1) candidates.set(`${x.c.key}\u0000${x.nic.address}`, x);
        };
        if (dn.groups === 'unfiltered') consider(a.everySource(dn));
        else
          for (const { rule } of a.rules(dn, 'ingress')) {
            // What the whole Internet may send here, any Sliver may too: no need to list them.
            if (rule.remote.kind !== 'group' && covered.covers(rule.ports) && a.publicPath(dn) && (rule.remote.kind === 'any' || rule.remote.kind === 'unknown' || rule.remote.kind === 'cidr')) continue;
            consider(a.sourcesOf(rule, dn));
          }
        for (const { c: s, nic: sn } of candidates.values()) {
          const ps = a.direct(sn, dn);
          if (ps.isEmpty()) continue;
          const key = k(s.key, d.key, net);
          const cur = admitted.get(key);
          admitted.set(key, { s, d, net, ports: cur ? cur.ports.union(ps) : ps });
        }
      }
    }
    // Extra: admitted beyond what the model intends (or the Internet may anyway).
    for (const { s, d, net, ports } of admitted.values()) {
      const meant = (intent.direct.get(k(a.graph.stack, s.slice, d.slice, net))?.ports ?? PortSet.EMPTY).union(intent.internet.get(k(a.graph.stack, d.slice, net))?.ports ?? PortSet.EMPTY);
      const extra = ports.minus(meant);
      if (extra.isEmpty()) continue;
      row(attribute(intent, index, a.graph.stack, d.slice, net)).extra += pairs(s, d);
      const first = extra.first()!;
      const dn = nicOn(d, net) ?? d.nics[0];
      const v = explainFromSliver(a, s.nics, dn, first.proto, first.port);
      push(
        'FLOW-002',
        d.slivers[0],
        `in stack ${a.graph.stack}, ${who(s)} reach${s.slivers.length > 1 ? '' : 'es'} ${who(d)} on Network ${net} on ${extra}, which no declaration asks for: ${v.chain.join(' -> ')}.`,
      );
    }
    // Missing: intended and not (all) admitted.
    for (const [key, want] of directOf.get(a.graph.stack) ?? []) {
      const [stack, ss, ds, net] = split(key);
      const name = rowName(want.reasons);
      for (const s of classesOf.get(k(stack, ss)) ?? [])
        for (const d of classesOf.get(k(stack, ds)) ?? []) {
          const n = pairs(s, d);
          if (!n) continue;
          row(name).intended += n;
          const got = admitted.get(k(s.key, d.key, net))?.ports ?? PortSet.EMPTY;
          const missing = want.ports.minus(got);
          if (missing.isEmpty()) {
            row(name).admitted += n;
            continue;
          }
          row(name).missing += n;
          const first = missing.first()!;
          const dn = nicOn(d, net);
          const stop = dn ? explainFromSliver(a, s.nics, dn, first.proto, first.port).stop : `${d.slivers[0]} has no interface on Network ${net}`;
          push('FLOW-001', pathOf(want.reasons), `${what(want.reasons, index)}: ${who(s)} ${s.slivers.length > 1 ? 'do' : 'does'} not reach ${who(d)} on Network ${net} on ${missing}: ${stop}.`);
        }
    }
    // From the Internet: admitted and intended, both ways.
    for (const d of a.classes) {
      for (const dn of d.nics) {
        const net = a.segment(dn)?.network ?? dn.segment;
        const got = a.fromInternet(dn);
        const want = intent.internet.get(k(a.graph.stack, d.slice, net));
        const extra = got.minus(want?.ports ?? PortSet.EMPTY);
        if (!extra.isEmpty()) {
          row(attribute(intent, index, a.graph.stack, d.slice, net)).extra += d.slivers.length;
          const first = extra.first()!;
          push('FLOW-002', d.slivers[0], `in stack ${a.graph.stack}, the Internet reaches ${who(d)} on Network ${net} on ${extra}, which no declaration asks for: ${explainFromInternet(a, dn, first.proto, first.port).chain.join(' -> ')}.`);
        }
      }
    }
    for (const [key, want] of internetOf.get(a.graph.stack) ?? []) {
      const [stack, ds, net] = split(key);
      const name = rowName(want.reasons);
      for (const d of classesOf.get(k(stack, ds)) ?? []) {
        row(name).intended += d.slivers.length;
        const dn = nicOn(d, net);
        const missing = want.ports.minus(dn ? a.fromInternet(dn) : PortSet.EMPTY);
        if (missing.isEmpty()) {
          row(name).admitted += d.slivers.length;
          continue;
        }
        row(name).missing += d.slivers.length;
        const first = missing.first()!;
        const stop = dn ? explainFromInternet(a, dn, first.proto, first.port).stop : `${d.slivers[0]} has no interface on Network ${net}`;
        push('FLOW-001', pathOf(want.reasons), `${what(want.reasons, index)}: the Internet does not reach ${who(d)} on Network ${net} on ${missing}: ${stop}.`);
      }
    }
  }

  // Over the Internet: tenants of public tenancies reach their providers' public addresses.
  for (const f of intent.viaInternet) {
    const [sStack] = split(f.src);
    const [dStack] = split(f.dst);
    const sa = analyses.get(sStack);
    const da = analyses.get(dStack);
    if (!sa || !da) continue;
    for (const s of classesOf.get(f.src) ?? [])
      for (const d of classesOf.get(f.dst) ?? []) {
        const n = s === d ? d.slivers.length * (d.slivers.length - 1) : s.slivers.length * d.slivers.length;
        if (!n) continue;
        row(f.tenancy).intended += n;
        const dn = nicOn(d, f.network);
        const missing = f.ports.minus(dn ? sa.toInternet(s).intersect(da.fromInternet(dn)) : PortSet.EMPTY);
        if (missing.isEmpty()) {
          row(f.tenancy).admitted += n;
          continue;
        }
        row(f.tenancy).missing += n;
        const first = missing.first()!;
        const out = explainToInternet(sa, s.nics, first.proto, first.port);
        const stop = !out.admitted ? out.stop : dn ? explainFromInternet(da, dn, first.proto, first.port).stop : `${d.slivers[0]} has no interface on Network ${f.network}`;
        push('FLOW-001', f.tenancy, `public tenancy ${f.tenancy}: ${who(s)} ${s.slivers.length > 1 ? 'do' : 'does'} not reach ${who(d)} at its public address on ${missing}: ${stop}.`);
      }
  }
  for (const f of intent.external) {
    const [stack] = split(f.src);
    const a = analyses.get(stack);
    if (!a) continue;
    const provider = index.get<ServiceModel>(f.service);
    for (const s of classesOf.get(f.src) ?? []) {
      row(f.tenancy).intended += s.slivers.length;
      const missing = f.ports.minus(a.toInternet(s));
      if (missing.isEmpty()) {
        row(f.tenancy).admitted += s.slivers.length;
        continue;
      }
      row(f.tenancy).missing += s.slivers.length;
      const first = missing.first()!;
      push('FLOW-001', f.tenancy, `public tenancy ${f.tenancy}: ${who(s)} cannot send to the Internet, where ${provider?.name ?? f.service} is, on ${missing}: ${explainToInternet(a, s.nics, first.proto, first.port).stop}.`);
    }
  }

  violations.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const summary = [...rows].map(([name, r]) => ({ name, ...r })).sort((a, b) => order(a.name) - order(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const stacks = [...analyses.values()].map((a) => ({ name: a.graph.stack, target: a.graph.target, slivers: a.classOfSliver.size, classes: a.classes.length, interfaces: a.graph.nics.length }));
  return { violations, summary, stacks, errors: violations.length };
}

function order(name: string): number {
  return name.startsWith('(') ? 1 : 0;
}

function names(slivers: readonly string[]): string {
  return slivers.length <= 3 ? slivers.join(', ') : `${slivers.slice(0, 3).join(', ')} and ${slivers.length - 3} more`;
}

/** `site/slice/vm-1` or `site/slice/vm-1 and 4 more Slivers of site/slice`. */
function who(c: NicClass): string {
  return c.slivers.length === 1 ? c.slivers[0] : `${c.slivers[0]} and ${c.slivers.length - 1} more Sliver${c.slivers.length > 2 ? 's' : ''} of ${c.slice || 'no declared Slice'}`;
}

/** The declaration a missing flow fails: a tenancy first, else the Network. */
function pathOf(reasons: readonly Reason[]): string {
  return (reasons.find((r) => r.kind !== 'network' && r.kind !== 'joined' && r.kind !== 'public-network') ?? reasons[0]).by;
}

function what(reasons: readonly Reason[], index: ModelIndex): string {
  const r = reasons.find((x) => x.kind !== 'network' && x.kind !== 'joined' && x.kind !== 'public-network') ?? reasons[0];
  if (r.kind === 'network' || r.kind === 'joined') return `Network ${r.by} (its Slivers reach each other)`;
  if (r.kind === 'public-network') return `public Network ${r.by}`;
  const t = index.get<TenantModel>(r.by);
  return `${t?.connect ?? r.kind} tenancy ${r.by}`;
}

function rowName(reasons: readonly Reason[]): string {
  const t = reasons.find((r) => r.kind !== 'network' && r.kind !== 'joined' && r.kind !== 'public-network');
  if (t) return t.by;
  return reasons.some((r) => r.kind === 'public-network') ? '(public networks)' : '(slice networks)';
}

/** The summary row an extra flow counts against: a tenancy into whose provider it goes, else what the Network is. */
function attribute(intent: Intent, index: ModelIndex, stack: string, slice: string, net: string): string {
  const direct = [...(intent.byTenancy.entries())].find(([, r]) => r.direct.some((key) => key.startsWith(k(stack, '')) && key.endsWith(k(slice, net))) || r.internet.includes(k(stack, slice, net)));
  if (direct) return direct[0];
  if (!slice) return '(not declared)';
  const n = index.get<NetworkModel>(net);
  if (n && (n.owner === slice || n.joined.includes(slice))) return '(slice networks)';
  return '(not declared)';
}
