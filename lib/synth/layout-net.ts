/**
 * The network plan of one stack: which security groups and rules its ports carry, which
 * Networks get a route out, which a tenancy's gateway joins, and where public addresses go.
 * Target-agnostic (part of the layout); every target renders it with its back-end's means,
 * and `xos verify` proves that what they write admits exactly the intended flows
 * (docs/flows.md). Nothing here relies on a back-end's defaults: every port lists its groups
 * (so no port falls back to a "default" group), every group lists all its rules (Neutron's
 * default egress rules are deleted, and Terraform removes AWS's).
 *
 * Per port, at most four groups (EC2 allows five per interface):
 * - its membership group on the Network: the owner's and the Slices that joined by
 *   themselves share one (a Network interconnects all its participating Slivers); a Slice a
 *   tenancy joined has its own (it reaches only its own Slivers there). Ingress from the same
 *   group (every protocol, or tcp and udp on the Network's port range), egress anywhere, and
 *   ingress from anywhere when the Network is public;
 * - the tenant identity group of its Service, when the Service is the tenant of a private
 *   tenancy whose provider runs in this stack (on every port: whichever interface a packet
 *   leaves by, the provider's rule recognizes it);
 * - the provider group of its Service on this Network, when the Service provides a private
 *   tenancy here over it: one ingress rule per tenancy and provider port, from the tenant's
 *   identity group only (TEN-007);
 * - the public endpoint group of its Service, on the one port that carries the endpoint's
 *   public address: the provider's ports, from anywhere.
 */
import type { ModelIndex } from '../model/index';
import type { NetworkModel, NetworkTemplateModel, ServiceModel, SliceModel, SliverModel, TenantModel } from '../model/types';
import type { LayoutResource } from './layout';
import { resourceName } from './names';

/** Connect modes whose packets travel over a private path the tenancy's networks make. */
export function isPrivateConnect(connect: string): boolean {
  return connect === 'shared-private' || connect === 'interconnect-private';
}

/** The network a private tenancy's provider is reached on (shared: the shared one; interconnect: the provider's own). */
export function providerNetworkOf(t: TenantModel): string | null {
  if (t.connect === 'shared-private') return t.network;
  if (t.connect === 'interconnect-private') return t.interconnect?.providerNetwork ?? null;
  return null;
}

/** The network the tenant's side of a private tenancy sends from (shared: the shared one; interconnect: the tenant's own). */
export function tenantNetworkOf(t: TenantModel): string | null {
  if (t.connect === 'shared-private') return t.network;
  if (t.connect === 'interconnect-private') return t.interconnect?.tenantNetwork ?? null;
  return null;
}

/** A Network's template settings (private, no translation, when it has none or it is not declared). */
export function templateOf(index: ModelIndex, n: NetworkModel): { visibility: string; translation: string } {
  const t = index.get<NetworkTemplateModel>(n.template);
  return t?.kind === 'NetworkTemplate' ? { visibility: t.visibility, translation: t.translation } : { visibility: 'private', translation: 'none' };
}

/** True when a Network's addresses are publicly routable (its own flag, or its template's). */
export function isPublicNetwork(index: ModelIndex, n: NetworkModel): boolean {
  return n.public === true || templateOf(index, n).visibility === 'public';
}

/** True when a Network needs a route out by its own settings (public, or translated). */
export function isRoutedNetwork(index: ModelIndex, n: NetworkModel): boolean {
  return isPublicNetwork(index, n) || templateOf(index, n).translation === 'nat';
}

/**
 * Where a provider Sliver's public endpoint goes: the first of its Networks (in interface
 * order) that is routed out by its own settings, or its first Network (which then gets a
 * route out). Undefined for a Sliver with no Network (TGT-001 refuses that at validate time).
 */
export function endpointNetwork(index: ModelIndex, slice: string): NetworkModel | undefined {
  const nets = index.networksOfSlice.get(slice) ?? [];
  return nets.find((n) => isRoutedNetwork(index, n)) ?? nets[0];
}

/** The port range a Network's Slivers are addressed on (`null`: all ports). */
export function networkPortRange(n: NetworkModel): { low: number; high: number } | null {
  if (n.ports === null) return null;
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(n.ports);
  if (!m) return null;
  const low = Number(m[1]);
  return { low, high: m[2] === undefined ? low : Number(m[2]) };
}

/** Why a Network gets a route out, in words (shown by `xos synth` and `xos verify`). */
export interface RouteOut {
  /** `none`: public addresses routed as they are; `nat`: private addresses translated. */
  readonly translation: 'none' | 'nat';
  readonly reasons: readonly string[];
}

export interface NetPlanInput {
  readonly index: ModelIndex;
  /** The Slivers this stack holds. */
  readonly slivers: readonly SliverModel[];
  /** Their Slices, by key. */
  readonly slices: ReadonlyMap<string, SliceModel>;
  /** The Networks placed in this stack, by key. */
  readonly networks: ReadonlyMap<string, NetworkModel>;
  /** Tenancies that touch a Service of this stack, in key order. */
  readonly tenancies: readonly TenantModel[];
  /** The resource name of a model object in this stack. */
  readonly nameOf: (kind: 'Network' | 'Service' | 'Sliver', key: string) => string;
}

export interface NetPlan {
  /** Security groups and rules, in a stable order. */
  readonly resources: readonly LayoutResource[];
  /** The groups a Sliver's port on a Network carries (names, sorted). */
  portGroups(sliver: string, network: string): readonly string[];
  /** Networks that get a route out, and why. */
  readonly routes: ReadonlyMap<string, RouteOut>;
  /** Interconnect gateways of this stack: tenancy -> its two networks. */
  readonly interconnects: readonly { readonly tenancy: TenantModel; readonly tenantNetwork: string; readonly providerNetwork: string }[];
  /** Public addresses: one per provider Sliver of a publicly reached Service, on the port of `network`. */
  readonly addresses: readonly { readonly service: string; readonly sliver: string; readonly network: string }[];
}

/** Slivers of a Service held in this stack, by Slice. */
function sliversOf(svc: ServiceModel, bySlice: ReadonlyMap<string, SliverModel[]>): SliverModel[] {
  return svc.slices.flatMap((s) => bySlice.get(s) ?? []);
}

/** Plan the network security and routing of one stack. */
export function planStackNetwork(input: NetPlanInput): NetPlan {
  const { index, networks } = input;
  const resources: LayoutResource[] = [];
  const groups = new Map<string, string[]>(); // `${sliver}\0${network}` -> group names
  const attach = (sliver: string, network: string, group: string) => {
    const k = `${sliver}\u0000${network}`;
    const l = groups.get(k);
    if (!l) groups.set(k, [group]);
    else if (!l.includes(group)) l.push(group);
  };
  const bySlice = new Map<string, SliverModel[]>();
  for (const v of input.slivers) {
    if (!input.slices.has(v.slice)) continue;
    const l = bySlice.get(v.slice);
    if (l) l.push(v);
    else bySlice.set(v.slice, [v]);
  }
  const networkName = (k: string) => input.nameOf('Network', k);

  // Membership groups, one per Network and member set.
  for (const n of [...networks.values()].sort(byKey)) {
    const range = networkPortRange(n);
    const isPublic = isPublicNetwork(index, n);
    const sets: { id: string; slices: string[]; tenancy?: string }[] = [];
    const own = [n.owner, ...n.joined.filter((s) => n.derivedJoins?.[s] === undefined)].filter((s) => bySlice.has(s)).sort();
    if (own.length) sets.push({ id: `${n.key}/members`, slices: own });
    for (const s of [...n.joined].sort()) {
      const tenancy = n.derivedJoins?.[s];
      if (tenancy !== undefined && bySlice.has(s)) sets.push({ id: `${n.key}/joined/${s}`, slices: [s], tenancy });
    }
    for (const set of sets) {
      const g = resourceName('secgroup', set.id);
      resources.push({
        kind: 'secgroup',
        name: g,
        model: n.key,
        attrs: { purpose: 'members', network: n.key, slices: set.slices, public: isPublic, ...(range ? { ports: `${range.low}-${range.high}` } : {}), ...(set.tenancy ? { tenancy: set.tenancy } : {}) },
        refs: { network: networkName(n.key) },
      });
      const scoped = (suffix: string, attrs: Record<string, unknown>, refs: Record<string, string>) => {
        if (!range) {
          resources.push({ kind: 'secrule', name: resourceName('secrule', `${set.id}/${suffix}`), model: n.key, attrs: { purpose: 'members', ...attrs, protocol: 'any' }, refs });
          return;
        }
        for (const protocol of ['tcp', 'udp'])
          resources.push({ kind: 'secrule', name: resourceName('secrule', `${set.id}/${suffix}-${protocol}`), model: n.key, attrs: { purpose: 'members', ...attrs, protocol, port_min: range.low, port_max: range.high }, refs });
      };
      scoped('members', { direction: 'ingress', why: `Slivers of ${set.slices.join(', ')} on Network ${n.key} reach each other` }, { group: g, remote_group: g });
      resources.push({
        kind: 'secrule',
        name: resourceName('secrule', `${set.id}/egress`),
        model: n.key,
        attrs: { purpose: 'members', direction: 'egress', protocol: 'any', remote_cidr: '0.0.0.0/0', why: 'Slivers send anywhere; what reaches a Sliver is decided where it arrives' },
        refs: { group: g },
      });
      if (isPublic) scoped('internet', { direction: 'ingress', remote_cidr: '0.0.0.0/0', why: `Network ${n.key} is public (NET-005)` }, { group: g });
      for (const s of set.slices) for (const v of bySlice.get(s) ?? []) attach(v.key, n.key, g);
    }
  }

  // Private tenancies whose two sides both run here: the tenant's identity, the provider's rules.
  const tenantGroups = new Map<string, string>(); // tenant service -> group
  const providerGroups = new Map<string, string>(); // `${service}\0${network}` -> group
  const interconnects: NetPlan['interconnects'][number][] = [];
  for (const t of input.tenancies) {
    if (!isPrivateConnect(t.connect)) continue;
    const tenant = index.get<ServiceModel>(t.tenant);
    const provider = index.get<ServiceModel>(t.provider);
    if (tenant?.kind !== 'Service' || provider?.kind !== 'Service') continue;
    const tn = tenantNetworkOf(t);
    const pn = providerNetworkOf(t);
    if (!tn || !pn || !networks.has(tn) || !networks.has(pn)) continue;
    const tSlivers = sliversOf(tenant, bySlice);
    const pSlivers = sliversOf(provider, bySlice);
    // Half a tenancy (one side only in this stack) carries nothing here (FLOW-003 says so at validate time).
    if (!tSlivers.length || !pSlivers.length) continue;
    let tg = tenantGroups.get(tenant.key);
    if (!tg) {
      tg = resourceName('secgroup', `${tenant.key}/tenant`);
      tenantGroups.set(tenant.key, tg);
      resources.push({ kind: 'secgroup', name: tg, model: tenant.key, attrs: { purpose: 'tenant', service: tenant.key }, refs: { service: input.nameOf('Service', tenant.key) } });
      for (const v of tSlivers) for (const n of index.networksOfSlice.get(v.slice) ?? []) if (networks.has(n.key)) attach(v.key, n.key, tg);
    }
    const pk = `${provider.key}\u0000${pn}`;
    let pg = providerGroups.get(pk);
    if (!pg) {
      pg = resourceName('secgroup', `${provider.key}/${pn}/provider`);
      providerGroups.set(pk, pg);
      resources.push({ kind: 'secgroup', name: pg, model: provider.key, attrs: { purpose: 'provider', service: provider.key, network: pn }, refs: { service: input.nameOf('Service', provider.key), network: networkName(pn) } });
      for (const v of pSlivers) attach(v.key, pn, pg);
    }
    for (const p of provider.ports)
      resources.push({
        kind: 'secrule',
        name: resourceName('secrule', `${t.key}/${p.protocol}-${p.port}`),
        model: t.key,
        attrs: { purpose: 'tenancy', tenancy: t.key, direction: 'ingress', protocol: p.protocol, ...(p.protocol === 'icmp' ? {} : { port_min: p.port, port_max: p.port }), why: `tenancy ${t.key}: ${tenant.name} reaches ${provider.name} on ${p.protocol}/${p.port}` },
        refs: { group: pg, remote_group: tg },
      });
    if (t.connect === 'interconnect-private' && tn !== pn) interconnects.push({ tenancy: t, tenantNetwork: tn, providerNetwork: pn });
  }

  // Public endpoints: a group opening the provider's ports, and a public address per Sliver.
  const routes = new Map<string, { translation: 'none' | 'nat'; reasons: string[] }>();
  const route = (n: NetworkModel, reason: string) => {
    const r = routes.get(n.key);
    if (!r) routes.set(n.key, { translation: isPublicNetwork(index, n) ? 'none' : 'nat', reasons: [reason] });
    else if (!r.reasons.includes(reason)) r.reasons.push(reason);
  };
  for (const n of [...networks.values()].sort(byKey)) {
    if (isPublicNetwork(index, n)) route(n, 'its addresses are public');
    else if (templateOf(index, n).translation === 'nat') route(n, 'its template translates its addresses (NAT)');
  }
  const addresses: NetPlan['addresses'][number][] = [];
  const publicProviders = [...new Set(input.tenancies.filter((t) => t.connect === 'public' && t.provider).map((t) => t.provider!))].sort();
  for (const pk of publicProviders) {
    const provider = index.get<ServiceModel>(pk);
    if (provider?.kind !== 'Service') continue;
    const slivers = sliversOf(provider, bySlice);
    if (!slivers.length) continue;
    const eg = resourceName('secgroup', `${pk}/public`);
    if (provider.ports.length) {
      resources.push({ kind: 'secgroup', name: eg, model: pk, attrs: { purpose: 'endpoint', service: pk }, refs: { service: input.nameOf('Service', pk) } });
      for (const p of provider.ports)
        resources.push({
          kind: 'secrule',
          name: resourceName('secrule', `${pk}/public/${p.protocol}-${p.port}`),
          model: pk,
          attrs: { purpose: 'endpoint', direction: 'ingress', protocol: p.protocol, ...(p.protocol === 'icmp' ? {} : { port_min: p.port, port_max: p.port }), remote_cidr: '0.0.0.0/0', why: `${provider.name} is reached publicly on ${p.protocol}/${p.port}` },
          refs: { group: eg },
        });
    }
    for (const v of slivers) {
      const n = endpointNetwork(index, v.slice);
      if (!n || !networks.has(n.key)) continue; // no Network: TGT-001 refuses it at validate time
      if (provider.ports.length) attach(v.key, n.key, eg);
      route(n, `it carries the public address of ${provider.name}`);
      if (!isPublicNetwork(index, n)) addresses.push({ service: pk, sliver: v.key, network: n.key });
    }
  }
  // Tenants reached over the Internet need a way out: their first Network, unless one is routed.
  for (const t of input.tenancies) {
    if (t.connect !== 'public') continue;
    const tenant = index.get<ServiceModel>(t.tenant);
    if (tenant?.kind !== 'Service') continue;
    for (const v of sliversOf(tenant, bySlice)) {
      const nets = (index.networksOfSlice.get(v.slice) ?? []).filter((n) => networks.has(n.key));
      if (!nets.length || nets.some((n) => routes.has(n.key))) continue;
      route(nets[0], `tenancy ${t.key} reaches its provider over the Internet`);
    }
  }
  for (const r of routes.values()) r.reasons.sort();

  return {
    resources,
    portGroups: (sliver, network) => (groups.get(`${sliver}\u0000${network}`) ?? []).slice().sort(),
    routes,
    interconnects,
    addresses,
  };
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
