/**
 * What synthesis derives rather than the program declares: tenancy networks, the gateways of
 * interconnects, and the routes out it gives Networks (for a public address, a tenant that
 * reaches its provider over the Internet, a NAT template). `xos synth` writes them to
 * `xos-derived.json` and prints what appeared, went or moved since the previous output, so an
 * edit that moves one is seen when it is made, not later in `status` or `review`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Layout } from './layout';
import type { XosModel } from '../model/types';
import { pushTo } from '../verify/tf';

export const DERIVED_FILE = 'xos-derived.json';

export interface DerivedNetwork {
  readonly key: string;
  readonly cidr: string;
  readonly tenancy: string;
  /** The stacks that hold a copy of it. */
  readonly stacks: readonly string[];
}

export interface DerivedGateway {
  readonly stack: string;
  /** `interconnect`: a tenancy's gateway between two networks; `internet`: a Network's route out. */
  readonly role: 'interconnect' | 'internet';
  /** The tenancy (interconnect) or the Network (internet). */
  readonly of: string;
  readonly detail: string;
}

export interface Derived {
  readonly networks: readonly DerivedNetwork[];
  readonly gateways: readonly DerivedGateway[];
}

export function derivedOf(model: XosModel, layout: Layout): Derived {
  const where = new Map<string, string[]>();
  const gateways: DerivedGateway[] = [];
  for (const s of layout.stacks)
    for (const r of s.resources) {
      if (r.kind === 'network') pushTo(where, r.model, s.name);
      if (r.kind !== 'gateway') continue;
      if (r.attrs.role === 'interconnect') gateways.push({ stack: s.name, role: 'interconnect', of: r.model, detail: `joins ${r.attrs.tenant_network} and ${r.attrs.provider_network}` });
      else if (r.attrs.role === 'internet')
        gateways.push({ stack: s.name, role: 'internet', of: r.model, detail: `${r.attrs.translation === 'none' ? 'public addresses' : 'NAT'}: ${((r.attrs.reasons as string[] | undefined) ?? []).join('; ')}` });
    }
  const networks = model.networks
    .filter((n) => n.derivedFrom)
    .map((n) => ({ key: n.key, cidr: n.cidr, tenancy: n.derivedFrom!, stacks: (where.get(n.key) ?? []).sort() }));
  gateways.sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : a.of < b.of ? -1 : a.of > b.of ? 1 : a.role < b.role ? -1 : 1));
  return { networks, gateways };
}

/** The derived objects of an earlier output, if it has them (absent, or unreadable: none). */
export function readDerived(dir: string): Derived | undefined {
  try {
    const d = JSON.parse(fs.readFileSync(path.join(dir, DERIVED_FILE), 'utf8')) as Derived;
    return Array.isArray(d?.networks) && Array.isArray(d?.gateways) ? d : undefined;
  } catch {
    return undefined;
  }
}

export interface DerivedChange {
  readonly change: 'appeared' | 'went' | 'moved';
  readonly what: string;
}

/** What appeared, went or moved between two outputs' derived objects. */
export function diffDerived(before: Derived, after: Derived): DerivedChange[] {
  const out: DerivedChange[] = [];
  const b = new Map(before.networks.map((n) => [n.key, n]));
  const a = new Map(after.networks.map((n) => [n.key, n]));
  for (const [k, n] of a) {
    const old = b.get(k);
    if (!old) out.push({ change: 'appeared', what: `network ${k} ${n.cidr} (tenancy ${n.tenancy}) in ${n.stacks.join(', ') || 'no stack'}` });
    else if (old.cidr !== n.cidr || old.stacks.join() !== n.stacks.join())
      out.push({ change: 'moved', what: `network ${k}: ${old.cidr} in ${old.stacks.join(', ') || 'no stack'} -> ${n.cidr} in ${n.stacks.join(', ') || 'no stack'}` });
  }
  for (const [k, n] of b) if (!a.has(k)) out.push({ change: 'went', what: `network ${k} ${n.cidr} (tenancy ${n.tenancy})` });
  const id = (g: DerivedGateway) => `${g.stack}\u0000${g.role}\u0000${g.of}`;
  const gb = new Map(before.gateways.map((g) => [id(g), g]));
  const ga = new Map(after.gateways.map((g) => [id(g), g]));
  const label = (g: DerivedGateway) => (g.role === 'interconnect' ? `gateway of tenancy ${g.of} in ${g.stack}` : `route out of ${g.of} in ${g.stack}`);
  for (const [k, g] of ga) {
    const old = gb.get(k);
    if (!old) out.push({ change: 'appeared', what: `${label(g)} (${g.detail})` });
    else if (old.detail !== g.detail) out.push({ change: 'moved', what: `${label(g)}: ${old.detail} -> ${g.detail}` });
  }
  for (const [k, g] of gb) if (!ga.has(k)) out.push({ change: 'went', what: `${label(g)} (${g.detail})` });
  return out;
}
