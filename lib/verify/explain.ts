/**
 * `xos verify --explain <from> <to> [--port P] [--protocol tcp|udp|icmp]`: why a packet passes
 * (the chain: interface, subnet or router, egress rule, public address, ingress rule) or
 * where it stops (the first resource that drops it), read from the synthesized JSON.
 */
import { usageError } from '../errors';
import type { ModelIndex } from '../model/index';
import type { ServiceModel, SliceModel, SliverModel, TenantModel, XosModel } from '../model/types';
import { printable } from '../util/printable';
import { explainFromInternet, explainFromSliver, explainToInternet, StackAnalysis, type Verdict } from './analysis';
import type { Nic, StackGraph } from './graph';
import type { Proto } from './ports';

export interface ExplainedPacket {
  readonly from: string;
  readonly to: string;
  /** `tcp/80`. */
  readonly packet: string;
  /** `direct` within a back-end, `internet` through public addresses, `external` to a Service with no Slivers. */
  readonly path: 'direct' | 'internet' | 'external';
  readonly admitted: boolean;
  readonly chain: readonly string[];
  readonly stop?: string;
}

export interface Explanation {
  readonly from: string;
  readonly to: string;
  readonly packets: readonly ExplainedPacket[];
  /** Pairs left out (one packet is explained per pair of Slivers, at most MAX_PAIRS pairs). */
  readonly leftOut: number;
}

const MAX_PAIRS = 20;

type End = { kind: 'internet' } | { kind: 'slivers'; slivers: string[]; label: string } | { kind: 'external'; service: ServiceModel };

/** Resolve `<from>` or `<to>`: a Sliver's path, a Slice's or a Service's path or name, or `internet`. */
function resolve(text: string, model: XosModel, index: ModelIndex): End {
  if (text.toLowerCase() === 'internet') return { kind: 'internet' };
  const o = index.get(text);
  const sliversOf = (slices: readonly string[]) => slices.flatMap((s) => (index.sliversBySlice.get(s) ?? []).map((v) => v.key));
  const of = (x: SliverModel | SliceModel | ServiceModel): End => {
    if (x.kind === 'Sliver') return { kind: 'slivers', slivers: [x.key], label: x.key };
    if (x.kind === 'Slice') return { kind: 'slivers', slivers: sliversOf([x.key]), label: `Slice ${x.key}` };
    if (!x.slices.length) return { kind: 'external', service: x };
    return { kind: 'slivers', slivers: sliversOf(x.slices), label: `Service ${x.name}` };
  };
  if (o && (o.kind === 'Sliver' || o.kind === 'Slice' || o.kind === 'Service')) return of(o);
  const named = [...model.slices, ...model.services].filter((x) => x.name === text);
  if (named.length === 1) return of(named[0]);
  if (named.length > 1) throw usageError(`'${printable(text)}' names ${named.length} objects (${named.map((x) => `${x.kind} ${x.key}`).join(', ')}). Give its path.`);
  throw usageError(`'${printable(text)}' is not a Sliver, Slice or Service of this model, nor 'internet'. Give a path such as ${model.slivers[0]?.key ?? 'site/slice/sliver'}, a Slice or Service name, or 'internet'.`);
}

/** The packets to explain: the one asked for, or each port of the tenancy between the two. */
function packets(from: End, to: End, model: XosModel, index: ModelIndex, port?: number, protocol?: string): { proto: Proto; port: number }[] {
  const proto = (protocol ?? 'tcp') as Proto;
  if (!['tcp', 'udp', 'icmp'].includes(proto)) throw usageError(`--protocol '${printable(String(protocol))}' is not tcp, udp or icmp.`);
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port ${port} is not a port (0-65535).`);
    return [{ proto, port }];
  }
  if (proto === 'icmp') return [{ proto, port: 8 }];
  // No port: the provider's ports, when `to` provides for `from`.
  const services = (e: End) =>
    e.kind === 'external' ? [e.service.key] : e.kind === 'slivers' ? [...new Set(e.slivers.map((v) => index.servicesBySlice.get(index.get<SliverModel>(v)?.slice ?? '')?.key).filter((x): x is string => !!x))] : [];
  const provider = new Set(services(to));
  const tenant = new Set(services(from));
  const t = model.tenants.find((x: TenantModel) => x.provider && provider.has(x.provider) && ((x.tenant && tenant.has(x.tenant)) || from.kind === 'internet'));
  const p = t ? index.get<ServiceModel>(t.provider) : undefined;
  if (p?.ports.length) return p.ports.map((x) => ({ proto: x.protocol as Proto, port: x.protocol === 'icmp' ? 8 : x.port }));
  throw usageError('give the packet to explain: --port P (and --protocol tcp|udp|icmp; tcp by default). Without them, --explain explains the ports of the tenancy between the two, and there is none.');
}

/** Explain packets from `from` to `to` over the stacks' graphs. */
export function explainFlow(model: XosModel, index: ModelIndex, graphs: readonly StackGraph[], fromText: string, toText: string, port?: number, protocol?: string): Explanation {
  const from = resolve(fromText, model, index);
  const to = resolve(toText, model, index);
  if (to.kind === 'internet' && from.kind === 'internet') throw usageError('--explain needs a Sliver, Slice or Service on at least one side.');
  const asked = packets(from, to, model, index, port, protocol);
  const sliceOf = (v: string) => index.get<SliverModel>(v)?.slice;
  const analyses = graphs.map((g) => new StackAnalysis(g, sliceOf));
  const locate = (v: string) => {
    for (const a of analyses) {
      const c = a.classOfSliver.get(v);
      if (c) return { a, nics: a.graph.nics.filter((n) => n.sliver === v).sort((x, y) => x.index - y.index) };
    }
    return undefined;
  };
  const out: ExplainedPacket[] = [];
  const sources = from.kind === 'slivers' ? from.slivers : ['internet'];
  const dests = to.kind === 'slivers' ? to.slivers : [to.kind === 'external' ? `Service ${to.service.name} (on the Internet)` : 'internet'];
  let pairs = 0;
  let leftOut = 0;
  for (const s of sources)
    for (const d of dests) {
      if (s === d) continue;
      if (pairs >= MAX_PAIRS) {
        leftOut++;
        continue;
      }
      pairs++;
      for (const pk of asked) {
        const packet = `${pk.proto}/${pk.port}`;
        const push = (path: ExplainedPacket['path'], v: Verdict) => out.push({ from: s, to: d, packet, path, admitted: v.admitted, chain: v.chain, ...(v.stop ? { stop: v.stop } : {}) });
        const src = s === 'internet' ? undefined : locate(s);
        const dst = to.kind === 'slivers' ? locate(d) : undefined;
        if (s !== 'internet' && !src) {
          out.push({ from: s, to: d, packet, path: 'direct', admitted: false, chain: [], stop: `${s} has no interface in any stack of the output` });
          continue;
        }
        if (to.kind === 'slivers' && !dst) {
          out.push({ from: s, to: d, packet, path: 'direct', admitted: false, chain: [], stop: `${d} has no interface in any stack of the output` });
          continue;
        }
        if (!src) {
          // From the Internet: the best of the destination's interfaces.
          push('internet', best(dst!.nics.map((n) => explainFromInternet(dst!.a, n, pk.proto, pk.port))));
          continue;
        }
        if (!dst) {
          push(to.kind === 'external' ? 'external' : 'internet', explainToInternet(src.a, src.nics, pk.proto, pk.port));
          continue;
        }
        // Within one back-end: directly first; else (or across back-ends) over public addresses.
        const direct = src.a === dst.a ? best(dst.nics.map((n) => explainFromSliver(src.a, src.nics, n, pk.proto, pk.port))) : undefined;
        if (direct?.admitted) {
          push('direct', direct);
          continue;
        }
        const outV = explainToInternet(src.a, src.nics, pk.proto, pk.port);
        const inV = best(dst.nics.map((n: Nic) => explainFromInternet(dst.a, n, pk.proto, pk.port)));
        if (outV.admitted && inV.admitted) {
          push('internet', { admitted: true, chain: [...outV.chain, ...inV.chain.slice(1)] });
          continue;
        }
        if (direct) push('direct', direct);
        else push('internet', outV.admitted ? { admitted: false, chain: [...outV.chain, ...inV.chain.slice(1)], stop: inV.stop } : outV);
      }
    }
  return { from: fromText, to: toText, packets: out, leftOut };
}

function best(vs: Verdict[]): Verdict {
  return vs.find((v) => v.admitted) ?? vs.sort((a, b) => b.chain.length - a.chain.length)[0] ?? { admitted: false, chain: [], stop: 'no interface' };
}
