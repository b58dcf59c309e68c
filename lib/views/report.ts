/**
 * A View: the cloud as one User sees it (paper, 3.3). A tenant gets their Slices and
 * Slivers like a cloud console listing; a service developer gets placement, networks and
 * tenancy of their Services; an operator gets every Service (or, for a Deployment admin,
 * every Service running on their Deployments) with its tenants, providers and status.
 */
import type { ModelIndex } from '../model/index';
import type {
  DeploymentModel,
  InstanceModel,
  FlavorModel,
  ImageModel,
  NetworkModel,
  NodeModel,
  ServiceModel,
  SiteModel,
  SliceModel,
  SliverModel,
  TenantModel,
} from '../model/types';
import { COLLECTIONS } from '../model/types';
import { accessOf, type Access, type HeldRole } from './access';
import { isSecretRef } from '../rules/ten';
import { aggregateStatus, type StatusSource } from './status';

export interface RoleLine {
  readonly scope: HeldRole['scope'];
  readonly target: string | null;
  readonly role: string;
  readonly implicit?: boolean;
  /** What the role lets the User do, in one sentence. */
  readonly can: string;
}

export interface InterfaceLine {
  /** `eth0`, `eth1` ... in the stable order the synthesizer attaches them. */
  readonly name: string;
  readonly network: string;
  readonly cidr: string;
  readonly public: boolean;
}

export interface SliverLine {
  readonly key: string;
  readonly name: string;
  /** The Node it runs on, or null when the back-end places it. */
  readonly node: string | null;
  readonly deployment: string | null;
  readonly site: string | null;
  readonly interfaces: readonly InterfaceLine[];
  /** True when the viewer's keys are on this Sliver. */
  readonly login: boolean;
  readonly status?: string;
}

export interface SliceLine {
  readonly key: string;
  readonly name: string;
  readonly site: string | null;
  readonly service: string | null;
  readonly description?: string;
  readonly image: string | null;
  readonly flavor: { readonly name: string; readonly cores: number; readonly ramMb: number; readonly diskGb: number } | null;
  /** How the viewer comes to hold this Slice: `admin`, `access`, `site admin`, `site pi`, `root admin`. */
  readonly access: readonly string[];
  readonly writable: boolean;
  readonly slivers: readonly SliverLine[];
}

export interface TenancyLine {
  readonly key: string;
  /** The other Service: the provider for `tenantOf`, the tenant for `tenants`. */
  readonly service: string;
  readonly connect: string;
  readonly network?: string;
  readonly attributes?: unknown;
}

export interface PlacementLine {
  /** A Node's name, or `<deployment> (scheduled)` when the back-end places the Slivers. */
  readonly where: string;
  readonly site: string | null;
  readonly slivers: number;
}

export interface DeveloperService {
  readonly key: string;
  readonly name: string;
  readonly description?: string;
  readonly ports: readonly string[];
  readonly controller: string | null;
  readonly slices: readonly { readonly key: string; readonly name: string; readonly site: string | null; readonly placement: readonly PlacementLine[] }[];
  readonly networks: readonly { readonly key: string; readonly name: string; readonly cidr: string; readonly public: boolean; readonly owner: string; readonly derivedFrom?: string }[];
  readonly tenantOf: readonly TenancyLine[];
  readonly tenants: readonly TenancyLine[];
  /** Names of the tenancy credentials (never their values) pushed to tenants' instances. */
  readonly credentials: readonly string[];
  readonly perTenantInstance: number;
  /** How many tenant instances it provides, and its pools in words (`c_tag: 2-4094 per s_tag`). */
  readonly instances: number;
  readonly pools: readonly string[];
}

/** One tenant instance of a subscriber's chain, as the subscriber sees it. */
export interface ChainLink {
  readonly key: string;
  readonly service: string;
  readonly id: string;
  /** Its attributes with the allocated values; a secret shows as `(secret)`, never its reference. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The attributes whose values a pool allocated. */
  readonly allocated: readonly string[];
  readonly status?: string;
}

/** The subscriber's side: every chain of tenant instances that starts at the User. */
export interface SubscriberSection {
  /** Each chain from the instance the User holds to the last one, in chain order. */
  readonly chains: readonly (readonly ChainLink[])[];
}

export interface OperatorService {
  readonly key: string;
  readonly name: string;
  /** A Controller and no Slice: S3, EC2, a portal. */
  readonly external: boolean;
  readonly backend: string | null;
  readonly slices: number;
  readonly slivers: number;
  /** Tenant instances it provides. */
  readonly instances: number;
  readonly tenants: readonly TenancyLine[];
  readonly providers: readonly TenancyLine[];
  readonly status?: { readonly status: string; readonly counts: Readonly<Record<string, number>>; readonly details: readonly string[] };
}

export interface OperatorSection {
  /** `cloud` for a root admin; otherwise the Deployments the User administers. */
  readonly scope: 'cloud' | readonly string[];
  readonly deployments: readonly { readonly key: string; readonly controllers: readonly string[]; readonly nodes: readonly string[]; readonly sites: readonly string[] }[];
  readonly services: readonly OperatorService[];
  /** Where status came from, or why there is none. */
  readonly status: string;
}

export interface ViewReport {
  readonly cloud: string;
  readonly user: { readonly key: string; readonly name: string; readonly email?: string; readonly site: string | null };
  readonly roles: readonly RoleLine[];
  /** What the User reads and writes, by kind, counted. */
  readonly scope: { readonly read: Readonly<Record<string, number>>; readonly write: Readonly<Record<string, number>> };
  readonly tenant: { readonly slices: readonly SliceLine[] } | null;
  /** The chains of tenant instances the User subscribes to (paper 4.3: a subscriber's VLAN, bundle, subnet). */
  readonly subscriber: SubscriberSection | null;
  readonly developer: { readonly services: readonly DeveloperService[] } | null;
  readonly operator: OperatorSection | null;
  readonly views: readonly { readonly key: string; readonly name: string; readonly type: string; readonly url: string; readonly description?: string }[];
}

const CAN: Record<string, string> = {
  'root admin': 'create, change and delete everything',
  'root default': 'change their own User object (not its home Site)',
  'site admin': "create, change and delete the Site's Nodes, Users, Slices and everything in those Slices, and privileges at the Site",
  'site pi': "create, change and delete the Site's Users and Slices (and what is in them)",
  'site tech': "create, change and delete the Site's Nodes",
  'slice admin': "create, change and delete the Slice's Slivers and Networks, its Slice privileges and its Service's objects",
  'slice access': "log into the Slice's Slivers; change nothing",
  'deployment admin': 'change the Deployment: its Images, Flavors, NetworkTemplates, Controllers, allowed Sites and policies',
};

/** Build the View of the cloud as `user` (a User's key) sees it. */
export function buildView(index: ModelIndex, user: string, status?: StatusSource): ViewReport {
  const access = accessOf(index, user);
  const u = access.user;
  return {
    cloud: index.model.name,
    user: { key: u.key, name: u.name, ...(u.email ? { email: u.email } : {}), site: u.site },
    roles: access.roles.map((r) => ({ scope: r.scope, target: r.target, role: r.role, ...(r.implicit ? { implicit: true } : {}), can: CAN[`${r.scope} ${r.role}`] ?? `no such role at ${r.scope} scope (RBAC-002): grants nothing` })),
    scope: { read: countByKind(index, access.read), write: countByKind(index, access.write) },
    tenant: tenantSection(index, access, status),
    subscriber: subscriberSection(index, u.key, status),
    developer: developerSection(index, access),
    operator: operatorSection(index, access, status),
    views: [...index.model.views].map((v) => ({ key: v.key, name: v.name, type: v.type, url: v.url, ...(v.description ? { description: v.description } : {}) })),
  };
}

/** Counts by kind, in the order the model lists its collections. */
function countByKind(index: ModelIndex, keys: ReadonlySet<string>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const o = index.get(k);
    if (o) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  }
  const out: Record<string, number> = {};
  for (const c of COLLECTIONS) {
    const kind = (index.model[c][0] as { kind?: string } | undefined)?.kind;
    if (kind && counts.has(kind)) out[kind] = counts.get(kind)!;
  }
  return out;
}

function nameOf(index: ModelIndex, key: string | null | undefined): string | null {
  if (!key) return null;
  return index.get(key)?.name ?? key;
}

/** How the viewer holds a Slice: their Slice roles, and Site or root roles that cover it. */
function sliceAccess(access: Access, slice: SliceModel): string[] {
  const out: string[] = [];
  for (const r of access.roles) {
    if (r.scope === 'slice' && r.target === slice.key) out.push(r.role);
    if (r.scope === 'site' && r.target === slice.site && (r.role === 'admin' || r.role === 'pi')) out.push(`site ${r.role}`);
    if (r.scope === 'root' && r.role === 'admin') out.push('root admin');
  }
  return [...new Set(out)];
}

function interfaces(index: ModelIndex, slice: string): InterfaceLine[] {
  return (index.networksOfSlice.get(slice) ?? []).map((n, i) => ({ name: `eth${i}`, network: n.name, cidr: n.cidr, public: n.public }));
}

function tenantSection(index: ModelIndex, access: Access, status?: StatusSource): ViewReport['tenant'] {
  const slices: SliceLine[] = [];
  for (const s of index.model.slices) {
    const how = sliceAccess(access, s);
    if (!how.length) continue;
    const image = index.get<ImageModel>(s.image);
    const flavor = index.get<FlavorModel>(s.flavor);
    const ifaces = interfaces(index, s.key);
    const slivers = [...(index.sliversBySlice.get(s.key) ?? [])].sort(byKey).map(
      (v: SliverModel): SliverLine => ({
        key: v.key,
        name: v.name,
        node: nameOf(index, v.node),
        deployment: nameOf(index, v.deployment),
        site: nameOf(index, v.site),
        interfaces: ifaces,
        login: access.login.has(v.key),
        ...(status ? { status: status.lookup(v.key)?.status ?? 'unknown' } : {}),
      }),
    );
    slices.push({
      key: s.key,
      name: s.name,
      site: nameOf(index, s.site),
      service: nameOf(index, s.service ?? index.servicesBySlice.get(s.key)?.key),
      ...(s.description ? { description: s.description } : {}),
      image: image?.name ?? s.image,
      flavor: flavor && flavor.kind === 'Flavor' ? { name: flavor.name, cores: flavor.cores, ramMb: flavor.ramMb, diskGb: flavor.diskGb } : null,
      access: how,
      writable: access.write.has(s.key) || slivers.some((v) => access.write.has(v.key)),
      slivers,
    });
  }
  return slices.length ? { slices } : null;
}

function tenancyLine(index: ModelIndex, t: TenantModel, other: string | null, withAttributes: boolean): TenancyLine {
  return {
    key: t.key,
    service: nameOf(index, other) ?? '(none)',
    connect: t.connect,
    ...(t.network ? { network: nameOf(index, t.network) ?? t.network } : {}),
    ...(withAttributes ? { attributes: t.attributes } : {}),
  };
}

function placementOf(index: ModelIndex, slivers: readonly SliverModel[]): PlacementLine[] {
  const by = new Map<string, PlacementLine>();
  for (const v of slivers) {
    const where = v.node ? (nameOf(index, v.node) as string) : `${nameOf(index, v.deployment) ?? '(no deployment)'} (scheduled)`;
    const site = nameOf(index, v.site);
    const id = `${where}\u0000${site}`;
    const prev = by.get(id);
    by.set(id, { where, site, slivers: (prev?.slivers ?? 0) + 1 });
  }
  return [...by.values()].sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0));
}

function developerSection(index: ModelIndex, access: Access): ViewReport['developer'] {
  const services: DeveloperService[] = [];
  for (const s of index.model.services) {
    if (!access.write.has(s.key)) continue;
    const slices = s.slices.map((k) => index.get<SliceModel>(k)).filter((x): x is SliceModel => !!x && x.kind === 'Slice');
    const nets = new Map<string, NetworkModel>();
    for (const sl of slices) for (const n of index.networksOfSlice.get(sl.key) ?? []) nets.set(n.key, n);
    services.push({
      key: s.key,
      name: s.name,
      ...(s.description ? { description: s.description } : {}),
      ports: s.ports.map((p) => `${p.protocol}/${p.port}`),
      controller: nameOf(index, s.controller),
      slices: slices.map((sl) => ({ key: sl.key, name: sl.name, site: nameOf(index, sl.site), placement: placementOf(index, index.sliversBySlice.get(sl.key) ?? []) })),
      networks: [...nets.values()].sort(byKey).map((n) => ({ key: n.key, name: n.name, cidr: n.cidr, public: n.public, owner: nameOf(index, n.owner) ?? n.owner, ...(n.derivedFrom ? { derivedFrom: n.derivedFrom } : {}) })),
      tenantOf: (index.tenantsByTenant.get(s.key) ?? []).map((t) => tenancyLine(index, t, t.provider, true)),
      tenants: (index.tenantsByProvider.get(s.key) ?? []).map((t) => tenancyLine(index, t, t.tenant, true)),
      credentials: Object.keys(s.credentials).sort(),
      perTenantInstance: index.model.additions.filter((a) => a.provider === s.key).length,
      instances: index.instancesByProvider.get(s.key)?.length ?? 0,
      pools: (s.pools ?? []).map((p) => `${p.attribute}: ${'range' in p ? `${p.range[0]}-${p.range[1]}` : `/${p.prefix}s of ${p.block}`}${p.per.length ? ` per ${p.per.join(', ')}` : ''}`),
    });
  }
  return services.length ? { services } : null;
}

/** Every model key that belongs to a Service: itself, its Slices with their contents, its tenancies. */
function serviceKeys(index: ModelIndex, s: ServiceModel): string[] {
  const keys = [s.key];
  for (const sl of s.slices) {
    keys.push(sl);
    for (const v of index.sliversBySlice.get(sl) ?? []) keys.push(v.key);
    for (const n of index.networksByOwner.get(sl) ?? []) keys.push(n.key);
  }
  for (const t of index.tenantsByTenant.get(s.key) ?? []) keys.push(t.key);
  for (const a of index.model.additions) if (a.provider === s.key) keys.push(a.key);
  return keys;
}

function operatorSection(index: ModelIndex, access: Access, status?: StatusSource): OperatorSection | null {
  const model = index.model;
  const adminOf = access.roles.filter((r) => r.scope === 'deployment' && r.role === 'admin' && r.target && index.has(r.target, 'Deployment')).map((r) => r.target as string);
  if (!access.rootAdmin && !adminOf.length) return null;
  const deployments = access.rootAdmin ? model.deployments.map((d) => d.key) : [...new Set(adminOf)].sort();
  const onMine = (s: ServiceModel): boolean =>
    access.rootAdmin || s.slices.some((sl) => (index.sliversBySlice.get(sl) ?? []).some((v) => v.deployment !== null && deployments.includes(v.deployment)));
  const services: OperatorService[] = model.services.filter(onMine).map((s) => {
    const ctl = s.controller ? index.get(s.controller) : undefined;
    return {
      key: s.key,
      name: s.name,
      external: s.slices.length === 0 && !!s.controller,
      backend: ctl && ctl.kind === 'Controller' ? ctl.backend : null,
      slices: s.slices.length,
      slivers: s.slices.reduce((n, sl) => n + (index.sliversBySlice.get(sl)?.length ?? 0), 0),
      instances: index.instancesByProvider.get(s.key)?.length ?? 0,
      tenants: (index.tenantsByProvider.get(s.key) ?? []).map((t) => tenancyLine(index, t, t.tenant, false)),
      providers: (index.tenantsByTenant.get(s.key) ?? []).map((t) => tenancyLine(index, t, t.provider, false)),
      ...(status ? { status: aggregateStatus(serviceKeys(index, s), status.lookup) } : {}),
    };
  });
  return {
    scope: access.rootAdmin ? 'cloud' : deployments,
    deployments: deployments
      .map((k) => index.get<DeploymentModel>(k))
      .filter((d): d is DeploymentModel => !!d)
      .map((d) => ({
        key: d.key,
        controllers: (index.controllersByDeployment.get(d.key) ?? []).map((c) => c.name),
        nodes: model.nodes.filter((n: NodeModel) => n.deployment === d.key).map((n) => n.key),
        sites: d.acquireSites.map((k) => index.get<SiteModel>(k)?.name ?? k),
      })),
    services,
    status: status ? status.description : 'no state given (pass --state FILE or --out DIR to show each Service\'s status)',
  };
}

/** The chains that start at `root`: every path from an instance it holds to the last instance held in turn. */
function subscriberSection(index: ModelIndex, root: string, status?: StatusSource): SubscriberSection | null {
  const link = (i: InstanceModel): ChainLink => {
    const values: Record<string, unknown> = {};
    const all = i.allocated ? { ...i.attributes, ...i.allocated } : i.attributes;
    for (const k of Object.keys(all).sort()) values[k] = isSecretRef(all[k]) ? '(secret)' : all[k];
    return {
      key: i.key,
      service: nameOf(index, i.provider) ?? '(none)',
      id: i.name,
      attributes: values,
      allocated: Object.keys(i.allocated ?? {}).sort(),
      ...(status ? { status: status.lookup(i.key)?.status ?? (index.get(i.provider)?.kind === 'Service' && (index.get<ServiceModel>(i.provider)!.abstract) ? 'model-only' : 'unknown') } : {}),
    };
  };
  const chains: ChainLink[][] = [];
  const walk = (i: InstanceModel, path: ChainLink[], seen: Set<string>) => {
    if (seen.has(i.key)) return;
    const here = [...path, link(i)];
    const next = index.instancesBySubscriber.get(i.key) ?? [];
    if (!next.length) chains.push(here);
    const s = new Set(seen).add(i.key);
    for (const n of next) walk(n, here, s);
  };
  for (const i of index.instancesBySubscriber.get(root) ?? []) walk(i, [], new Set());
  return chains.length ? { chains } : null;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
