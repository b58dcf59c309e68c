/**
 * The picture's graph, derived from the model: Services as nodes and tenancy edges
 * (tenant -> provider) labelled with the connect mode; external Services (a Controller and
 * no Slice) in a group of their own; on request the Slices and Networks beneath the
 * Services, and the Deployments their Slivers run on. Every renderer (mermaid, dot, svg,
 * html) draws this one structure, so they never disagree.
 */
import type { ModelIndex } from '../model/index';
import { UNDECLARED } from '../model/types';

export const DEPTHS = ['services', 'slices', 'all'] as const;
export type Depth = (typeof DEPTHS)[number];

export type NodeKind = 'service' | 'external' | 'slice' | 'network' | 'deployment' | 'undeclared';
export type EdgeKind = 'tenancy' | 'implements' | 'owns' | 'joins' | 'runs-on';

export interface GraphNode {
  /** The model key (or, for an undeclared reference, the reference as written). */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** A second line: a CIDR, a back-end, a count of Slivers. */
  readonly detail?: string;
  /** External Services are drawn apart, in their own group. */
  readonly group: 'main' | 'external';
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
  /** The model key the edge stands for (a Tenant), when there is one. */
  readonly key?: string;
}

export interface Graph {
  readonly name: string;
  readonly depth: Depth;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** Build the graph of a model at the given depth. Deterministic: nodes and edges by key. */
export function buildGraph(index: ModelIndex, depth: Depth = 'services'): Graph {
  const model = index.model;
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (n: GraphNode) => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  const endpoint = (ref: string | null): string => {
    if (ref && index.has(ref, 'Service')) return ref;
    const label = !ref ? '(none)' : ref.startsWith(UNDECLARED) ? ref.slice(UNDECLARED.length) : ref;
    const id = `${UNDECLARED}${label}`;
    add({ id, kind: 'undeclared', label: `${label} (undeclared)`, group: 'main' });
    return id;
  };

  for (const s of model.services) {
    const slices = s.slices.filter((k) => index.has(k, 'Slice'));
    const external = slices.length === 0 && !!s.controller;
    const ctl = index.get(s.controller);
    const slivers = slices.reduce((n, k) => n + (index.sliversBySlice.get(k)?.length ?? 0), 0);
    const via = ctl && ctl.kind === 'Controller' ? `${ctl.backend === 'external' ? '' : ` ${ctl.backend}`}: ${ctl.name}` : '';
    const detail = external ? `external${via}` : `${slices.length} slice${slices.length === 1 ? '' : 's'}, ${slivers} sliver${slivers === 1 ? '' : 's'}`;
    add({ id: s.key, kind: external ? 'external' : 'service', label: s.name, detail, group: external ? 'external' : 'main' });
  }
  for (const t of [...model.tenants].sort(byKey)) {
    const from = endpoint(t.tenant);
    const to = endpoint(t.provider);
    edges.push({ from, to, kind: 'tenancy', label: t.connect, key: t.key });
  }

  if (depth !== 'services') {
    for (const sl of model.slices) {
      const n = index.sliversBySlice.get(sl.key)?.length ?? 0;
      add({ id: sl.key, kind: 'slice', label: sl.key, detail: `${n} sliver${n === 1 ? '' : 's'}`, group: 'main' });
      const svc = index.servicesBySlice.get(sl.key);
      if (svc) edges.push({ from: svc.key, to: sl.key, kind: 'implements' });
    }
    for (const net of model.networks) {
      if (!index.has(net.owner, 'Slice')) continue;
      add({ id: net.key, kind: 'network', label: net.name, detail: `${net.cidr}${net.public ? ' public' : ''}`, group: 'main' });
      edges.push({ from: net.owner, to: net.key, kind: 'owns' });
      for (const j of net.joined) if (index.has(j, 'Slice')) edges.push({ from: j, to: net.key, kind: 'joins' });
    }
  }
  if (depth === 'all') {
    for (const d of model.deployments) {
      const ctls = (index.controllersByDeployment.get(d.key) ?? []).map((c) => c.name);
      add({ id: d.key, kind: 'deployment', label: d.name, detail: ctls.length ? `controller ${ctls.join(', ')}` : 'no controller', group: 'main' });
    }
    for (const sl of model.slices) {
      const count = new Map<string, number>();
      for (const v of index.sliversBySlice.get(sl.key) ?? []) if (v.deployment && index.has(v.deployment, 'Deployment')) count.set(v.deployment, (count.get(v.deployment) ?? 0) + 1);
      for (const [d, n] of [...count].sort()) edges.push({ from: sl.key, to: d, kind: 'runs-on', label: `${n} sliver${n === 1 ? '' : 's'}` });
    }
  }
  const order: Record<NodeKind, number> = { external: 0, service: 1, undeclared: 2, slice: 3, network: 4, deployment: 5 };
  const sortedNodes = [...nodes.values()].sort((a, b) => order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ekey = (e: GraphEdge) => `${e.kind}\u0000${e.from}\u0000${e.to}\u0000${e.key ?? ''}`;
  return { name: model.name, depth, nodes: sortedNodes, edges: [...edges].sort((a, b) => (ekey(a) < ekey(b) ? -1 : ekey(a) > ekey(b) ? 1 : 0)) };
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
