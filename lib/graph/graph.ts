/**
 * The picture's graph, derived from the model: Services as nodes and tenancy edges
 * (tenant -> provider) labelled with the connect mode; external Services (a Controller and
 * no Slice) in a group of their own; on request the Slices and Networks beneath the
 * Services, and the Deployments their Slivers run on. Every renderer (mermaid, dot, svg,
 * html) draws this one structure, so they never disagree.
 */
import type { ModelIndex } from '../model/index';
import { UNDECLARED, type InstanceModel } from '../model/types';

export const DEPTHS = ['services', 'slices', 'all'] as const;
export type Depth = (typeof DEPTHS)[number];

export type NodeKind = 'service' | 'external' | 'slice' | 'network' | 'deployment' | 'undeclared' | 'users' | 'instance';
export type EdgeKind = 'tenancy' | 'implements' | 'owns' | 'joins' | 'runs-on' | 'holds';

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
  /** How many tenant instances ride on the edge (a provider's instances held through it). */
  readonly instances?: number;
}

/** The text an edge is labelled with: its label, and the instances it carries. */
export function edgeText(e: GraphEdge): string | undefined {
  if (e.instances === undefined) return e.label;
  const n = `${e.instances.toLocaleString('en-US')} instance${e.instances === 1 ? '' : 's'}`;
  return e.label ? `${e.label}, ${n}` : n;
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
    const detail = external ? `external${via}` : s.abstract ? 'abstract: composed only' : `${slices.length} slice${slices.length === 1 ? '' : 's'}, ${slivers} sliver${slivers === 1 ? '' : 's'}`;
    add({ id: s.key, kind: external ? 'external' : 'service', label: s.name, detail, group: external ? 'external' : 'main' });
  }
  // Instances per (holder Service, provider): those held by the Service or by its instances.
  const held = new Map<string, number>();
  let byUsers = new Map<string, number>();
  for (const i of model.instances ?? []) {
    const sub = index.get(i.subscriber);
    const holder = sub?.kind === 'Instance' ? sub.provider : sub?.kind === 'Service' ? sub.key : sub?.kind === 'User' ? null : undefined;
    if (holder === undefined || !i.provider) continue;
    if (holder === null) byUsers.set(i.provider, (byUsers.get(i.provider) ?? 0) + 1);
    else held.set(`${holder}\u0000${i.provider}`, (held.get(`${holder}\u0000${i.provider}`) ?? 0) + 1);
  }
  for (const t of [...model.tenants].sort(byKey)) {
    const from = endpoint(t.tenant);
    const to = endpoint(t.provider);
    const n = held.get(`${t.tenant}\u0000${t.provider}`);
    edges.push({ from, to, kind: 'tenancy', label: t.connect, key: t.key, ...(n ? { instances: n } : {}) });
  }
  // Users who hold instances directly: one node for them all, an edge to each provider.
  byUsers = new Map([...byUsers].filter(([p]) => index.has(p, 'Service')));
  if (byUsers.size) {
    const subscribers = new Set((model.instances ?? []).filter((i) => index.get(i.subscriber)?.kind === 'User').map((i) => i.subscriber));
    add({ id: USERS_NODE, kind: 'users', label: 'subscribers', detail: `${subscribers.size.toLocaleString('en-US')} User${subscribers.size === 1 ? '' : 's'}`, group: 'main' });
    for (const [p, n] of [...byUsers].sort()) edges.push({ from: USERS_NODE, to: p, kind: 'tenancy', instances: n });
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
  const order: Record<NodeKind, number> = { users: -1, external: 0, service: 1, undeclared: 2, slice: 3, network: 4, deployment: 5, instance: 6 };
  const sortedNodes = [...nodes.values()].sort((a, b) => order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ekey = (e: GraphEdge) => `${e.kind}\u0000${e.from}\u0000${e.to}\u0000${e.key ?? ''}`;
  return { name: model.name, depth, nodes: sortedNodes, edges: [...edges].sort((a, b) => (ekey(a) < ekey(b) ? -1 : ekey(a) > ekey(b) ? 1 : 0)) };
}

/** The id of the node that stands for every User holding instances directly. */
export const USERS_NODE = '!users';

/**
 * A chain on request: from a User (every chain that starts at them) or a tenant instance (its
 * chain up to the User or Service at its root, and every instance held below it), each
 * instance a node labelled with its Service and id and, beneath, what it holds.
 */
export function buildChainGraph(index: ModelIndex, start: string): Graph | string {
  const model = index.model;
  const o = index.get(start) ?? model.users.find((u) => u.name === start) ?? (model.instances ?? []).find((i) => i.key === start);
  if (!o || (o.kind !== 'User' && o.kind !== 'Instance' && o.kind !== 'Service'))
    return `'${start}' is not a User, a Service or a tenant instance (<service>/<id>) of ${model.name}. Give --chain one of those.`;
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const values = (i: InstanceModel) => {
    const all: Record<string, unknown> = i.allocated ? { ...i.attributes, ...i.allocated } : i.attributes;
    return Object.keys(all).sort().map((k) => `${k} ${isSecretValue(all[k]) ? '(secret)' : typeof all[k] === 'string' ? all[k] : JSON.stringify(all[k])}`).join(', ');
  };
  const addInstance = (i: InstanceModel) => {
    if (nodes.has(i.key)) return;
    const detail = values(i);
    nodes.set(i.key, { id: i.key, kind: 'instance', label: `${index.get(i.provider)?.name ?? i.provider} ${i.name}`, ...(detail ? { detail } : {}), group: 'main' });
  };
  const addRoot = (key: string) => {
    const r = index.get(key);
    if (!nodes.has(key)) nodes.set(key, { id: key, kind: r?.kind === 'Service' ? 'service' : r?.kind === 'User' ? 'users' : 'undeclared', label: r?.name ?? key, detail: r?.kind === 'User' ? 'User' : r?.kind === 'Service' ? 'Service' : 'undeclared', group: 'main' });
  };
  // Up from an instance to its root.
  let roots: string[] = [];
  if (o.kind === 'Instance') {
    const chain = index.chainOf(o);
    chain.instances.forEach((i, n) => {
      addInstance(i);
      const up = chain.instances[n + 1];
      if (up) edges.push({ from: up.key, to: i.key, kind: 'holds' });
    });
    const top = chain.instances[chain.instances.length - 1];
    if (chain.root && !chain.cycle) {
      addRoot(chain.root);
      edges.push({ from: chain.root, to: top.key, kind: 'holds' });
    }
    roots = [o.key];
  } else {
    addRoot(o.key);
    roots = [o.key];
  }
  // Down from the start: everything held below it.
  const queue = [...roots];
  for (let n = 0; n < queue.length; n++) {
    for (const i of index.instancesBySubscriber.get(queue[n]) ?? []) {
      if (nodes.has(i.key) && queue.includes(i.key)) continue;
      addInstance(i);
      edges.push({ from: queue[n], to: i.key, kind: 'holds' });
      queue.push(i.key);
    }
  }
  const ekey = (e: GraphEdge) => `${e.from}\u0000${e.to}`;
  const uniq = new Map(edges.map((e) => [ekey(e), e]));
  return { name: `${model.name}: chain of ${o.kind === 'Instance' ? o.key : o.name}`, depth: 'services', nodes: [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), edges: [...uniq.values()].sort((a, b) => (ekey(a) < ekey(b) ? -1 : 1)) };
}

function isSecretValue(v: unknown): boolean {
  return !!v && typeof v === 'object' && typeof (v as { secret?: unknown }).secret === 'string';
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
