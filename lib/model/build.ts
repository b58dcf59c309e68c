import type { IConstruct } from 'constructs';
import { XosConstruct } from '../../constructs/base';
import type { Cloud } from '../../constructs/cloud';
import type { Controller, Deployment, Flavor, Image, Node, NetworkTemplate } from '../../constructs/infra';
import type { Privilege } from '../../constructs/privilege';
import { Secret } from '../../constructs/secret';
import { TenantInstance } from '../../constructs/instance';
import type { InstanceInfo, PoolSpec, Service, Tenant } from '../../constructs/service';
import type { Site } from '../../constructs/site';
import type { Network, Slice, Sliver } from '../../constructs/slice';
import type { User } from '../../constructs/user';
import type { View } from '../../constructs/view';
import { withoutUndefined as clean, setKey } from './dict';
import { allocate, type AllocationLock, type AllocationResult } from './allocate';
import { allocateCidrAmong, formatCidr, parseCidr, type Cidr } from './cidr';
import type {
  Acknowledgement,
  AdditionModel,
  InstanceAdditionModel,
  InstanceModel,
  ModelMeta,
  NetworkModel,
  PoolModel,
  Ref,
  SecretRef,
  ServicePort,
  SourceLocation,
  TenantModel,
  XosModel,
} from './types';
import { joinSiteKey, MODEL_FORMAT_VERSION, UNDECLARED } from './types';
import { tenancyOrder } from './graph';
import { acknowledgementList } from './acknowledgements';

/** The model built from a program, with what is known about where each object came from. */
export interface BuiltModel {
  readonly model: XosModel;
  readonly meta: ModelMeta & {
    /** How pool values were allocated (absent when no instance draws from a pool and none was recorded). */
    readonly allocation?: AllocationResult;
  };
}

export interface BuildOptions {
  /**
   * The allocations recorded before (`xos.allocations.json`): kept where they still hold, so
   * adding or removing an instance changes no other's values.
   * @default none: every pooled value is allocated anew (deterministic, not stable across edits)
   */
  readonly allocations?: AllocationLock;
}

export { UNDECLARED };

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * Build the plain model from a Cloud's construct tree. Never throws for problems the rules
 * report; problems that are not rule violations (a hook that throws) go to `meta.buildErrors`.
 */
export function buildModel(cloud: Cloud, options: BuildOptions = {}): BuiltModel {
  const root = cloud.node.root;
  const all = cloud.node.findAll().filter((c) => XosConstruct.isXosConstruct(c)) as unknown as XosConstruct[];
  const sources = new LazySources();
  const acknowledgements = new Map<string, Acknowledgement[]>();
  const buildErrors: { path: string; message: string }[] = [];

  const ref = (x: unknown): Ref => {
    if (x === undefined || x === null) return null;
    if (XosConstruct.isXosConstruct(x)) {
      return x.node.root === root ? x.node.path : `${UNDECLARED}${x.node.path}`;
    }
    return `${UNDECLARED}${describe(x)}`;
  };
  const refs = (xs: readonly unknown[] | undefined): string[] =>
    uniq((xs ?? []).map((x) => ref(x) ?? `${UNDECLARED}undefined`));

  const m = {
    sites: [] as Mutable<XosModel>['sites'],
    users: [] as Mutable<XosModel>['users'],
    privileges: [] as Mutable<XosModel>['privileges'],
    deployments: [] as Mutable<XosModel>['deployments'],
    controllers: [] as Mutable<XosModel>['controllers'],
    nodes: [] as Mutable<XosModel>['nodes'],
    images: [] as Mutable<XosModel>['images'],
    flavors: [] as Mutable<XosModel>['flavors'],
    networkTemplates: [] as Mutable<XosModel>['networkTemplates'],
    slices: [] as Mutable<XosModel>['slices'],
    slivers: [] as Mutable<XosModel>['slivers'],
    networks: [] as Mutable<NetworkModel>[],
    services: [] as Mutable<XosModel>['services'],
    tenants: [] as Mutable<TenantModel>[],
    views: [] as Mutable<XosModel>['views'],
    additions: [] as AdditionModel[],
  };

  const tenantConstructs: Tenant[] = [];
  const serviceConstructs = new Map<string, Service>();
  const instanceConstructs: TenantInstance[] = [];
  // A subscriber that is an instance: its key when its provider is declared here and holds it.
  const subscriberRef = (x: unknown): Ref => {
    if (TenantInstance.isTenantInstance(x)) {
      const p = x.provider;
      const declared = XosConstruct.isXosConstruct(p) && p.node.root === root && (p as Service).instanceMap?.get(x.id) === x;
      return declared ? x.key : `${UNDECLARED}instance ${x.key}`;
    }
    return ref(x);
  };

  for (const c of all) {
    const key = c.node.path;
    sources.defer(key, c);
    if (c.acknowledgements.length) acknowledgements.set(key, [...c.acknowledgements]);
    switch (c.kind) {
      case 'Site': {
        const s = c as Site;
        m.sites.push(clean({ kind: 'Site', key, name: s.name, loginBase: s.loginBase, url: s.url, location: s.location }));
        break;
      }
      case 'User': {
        const u = c as User;
        m.users.push(clean({ kind: 'User', key, name: u.name, email: u.email, site: ref(u.site), publicKeys: [...u.publicKeys] }));
        break;
      }
      case 'Privilege': {
        const p = c as Privilege;
        m.privileges.push({ kind: 'Privilege', key, name: p.name, user: ref(p.user), scope: p.scopeKind, target: p.target ? ref(p.target) : null, role: String(p.role) });
        break;
      }
      case 'Deployment': {
        const d = c as Deployment;
        m.deployments.push({
          kind: 'Deployment',
          key,
          name: d.name,
          hostSites: refs(d.hostSites),
          acquireSites: refs(d.acquireSites),
          images: refs(d.images),
          flavors: refs(d.flavors),
          networkTemplates: refs(d.networkTemplates),
          limits: clean({ ...d.limits }),
          existingCatalog: d.existingCatalog,
        });
        break;
      }
      case 'Controller': {
        const k = c as Controller;
        m.controllers.push(
          clean({
            kind: 'Controller',
            key,
            name: k.name,
            deployment: ref(k.deployment),
            sites: refs(k.sites),
            backend: k.backend,
            url: k.url,
            region: k.region,
            credentials: secretRefs(k.credentials),
            stack: k.stackName,
          }),
        );
        break;
      }
      case 'Node': {
        const n = c as Node;
        m.nodes.push({ kind: 'Node', key, name: n.name, site: ref(n.site), deployment: ref(n.deployment) });
        break;
      }
      case 'Image': {
        const i = c as Image;
        m.images.push(clean({ kind: 'Image', key, name: i.name, diskFormat: i.diskFormat, containerFormat: i.containerFormat, sourceUrl: i.sourceUrl }));
        break;
      }
      case 'Flavor': {
        const f = c as Flavor;
        m.flavors.push({ kind: 'Flavor', key, name: f.name, cores: f.cores, ramMb: f.ramMb, diskGb: f.diskGb });
        break;
      }
      case 'NetworkTemplate': {
        const t = c as NetworkTemplate;
        m.networkTemplates.push(clean({ kind: 'NetworkTemplate', key, name: t.name, visibility: t.visibility, translation: t.translation, description: t.description }));
        break;
      }
      case 'Slice': {
        const s = c as Slice;
        m.slices.push(
          clean({ kind: 'Slice', key, name: s.name, site: ref(s.site), image: ref(s.image), flavor: ref(s.flavor), service: ref(s.service), description: s.description }),
        );
        break;
      }
      case 'Sliver': {
        const v = c as Sliver;
        const p = v.placement ?? ({} as Sliver['placement']);
        const node = p.node as Node | undefined;
        const site = node ? ref(node.site) : ref(('site' in p && p.site) || v.slice.site);
        m.slivers.push({
          kind: 'Sliver',
          key,
          name: v.name,
          slice: ref(v.slice)!,
          node: node ? ref(node) : null,
          deployment: node ? ref(node.deployment) : ref(p.deployment),
          site,
          image: ref(p.image ?? v.slice.image),
        });
        break;
      }
      case 'Network': {
        const n = c as Network;
        const tpl = n.template;
        m.networks.push({
          kind: 'Network',
          key,
          name: n.name,
          owner: ref(n.owner)!,
          permitted: refs(n.permitted),
          joined: [],
          cidr: String(n.cidr),
          ports: portsText(n.ports),
          public: n.public ?? tpl?.visibility === 'public',
          template: ref(tpl),
          site: ref(n.site),
          bandwidthMbps: n.bandwidthMbps ?? null,
        } as Mutable<NetworkModel> as NetworkModel & Mutable<NetworkModel>);
        break;
      }
      case 'Service': {
        const s = c as Service;
        serviceConstructs.set(key, s);
        const pools = poolModels(s.pools);
        m.services.push(
          clean({
            kind: 'Service',
            key,
            name: s.name,
            slices: refs(s.slices),
            controller: ref(s.controller),
            tenantSchema: s.tenantSchema === undefined ? undefined : jsonCopy(s.tenantSchema),
            ports: servicePorts(s.ports),
            credentials: secretRefs(s.credentials),
            description: s.description,
            abstract: s.abstract ? (true as const) : undefined,
            acceptsUsers: s.acceptsUsers ? (true as const) : undefined,
            instanceSchema: s.instanceSchema === undefined ? undefined : jsonCopy(s.instanceSchema),
            unique: s.unique.length ? s.unique.map((u) => (typeof u === 'string' ? [u] : [...(u ?? [])].map(String))) : undefined,
            pools: pools.length ? pools : undefined,
          }),
        );
        for (const i of s.instanceMap.values()) {
          const ik = i.key;
          sources.defer(ik, i);
          if (i.acknowledgements.length) acknowledgements.set(ik, [...i.acknowledgements]);
          instanceConstructs.push(i);
        }
        break;
      }
      case 'Tenant': {
        const t = c as Tenant;
        tenantConstructs.push(t);
        m.tenants.push({
          kind: 'Tenant',
          key,
          name: t.name,
          tenant: ref(t.tenant),
          provider: ref(t.provider),
          connect: String(t.connect),
          attributes: jsonCopy(t.attributes),
          network: t.network ? ref(t.network) : null,
        });
        break;
      }
      case 'View': {
        const v = c as View;
        m.views.push(clean({ kind: 'View', key, name: v.name, type: v.type, url: v.url, description: v.description }));
        break;
      }
      default:
        break;
    }
  }

  // Slices join Networks by calling slice.join(network): record it on the Network, and where
  // the program called it (NET-003 points at the join, not at the Network).
  const networksByKey = new Map(m.networks.map((n) => [n.key, n]));
  for (const c of all) {
    if (c.kind !== 'Slice') continue;
    for (const n of (c as Slice).joined) {
      const nk = ref(n);
      const net = nk ? networksByKey.get(nk) : undefined;
      if (net && !net.joined.includes(c.node.path)) net.joined.push(c.node.path);
      const at = (c as Slice).joinSites.get(n);
      if (nk && at) sources.defer(joinSiteKey(c.node.path, nk), at);
    }
  }

  deriveTenancyNetworks(m, networksByKey, tenantConstructs, ref);
  m.additions = runTenantHooks(m, serviceConstructs, buildErrors);
  const { instances, allocation } = buildInstances(instanceConstructs, subscriberRef, m.services, serviceConstructs, options.allocations, buildErrors);

  const model: XosModel = {
    formatVersion: MODEL_FORMAT_VERSION,
    name: cloud.cloudName,
    sites: byKey(m.sites),
    users: byKey(m.users),
    privileges: byKey(m.privileges),
    deployments: byKey(m.deployments),
    controllers: byKey(m.controllers),
    nodes: byKey(m.nodes),
    images: byKey(m.images),
    flavors: byKey(m.flavors),
    networkTemplates: byKey(m.networkTemplates),
    slices: byKey(m.slices),
    slivers: byKey(m.slivers),
    networks: byKey(m.networks.map((n) => ({ ...n, permitted: [...n.permitted].sort(), joined: [...n.joined].sort(), ...(n.derivedJoins ? { derivedJoins: sortedRecord(n.derivedJoins) } : {}) }))),
    services: byKey(m.services),
    tenants: byKey(m.tenants),
    views: byKey(m.views),
    additions: byKey(m.additions),
    instances,
    // Written to xos-model.json, so that a review honours them (and shows what a change does to them).
    ...(acknowledgements.size ? { acknowledgements: acknowledgementList(acknowledgements) } : {}),
  };
  return { model, meta: { sources, acknowledgements, buildErrors, ...(allocation ? { allocation } : {}) } };
}

/** A Service's pools as the model keeps them: by attribute, `per` a list. */
function poolModels(pools: Readonly<Record<string, PoolSpec>>): PoolModel[] {
  const out: PoolModel[] = [];
  for (const attribute of Object.keys(pools).sort()) {
    const p = (pools[attribute] ?? {}) as Record<string, unknown>;
    const per = p.per === undefined ? [] : typeof p.per === 'string' ? [p.per] : Array.isArray(p.per) ? p.per.map(String) : [String(p.per)];
    if (p.block !== undefined) out.push({ attribute, per, block: String(p.block), prefix: Number(p.prefix) });
    else out.push({ attribute, per, range: (Array.isArray(p.range) ? [Number(p.range[0]), Number(p.range[1])] : [NaN, NaN]) as [number, number] });
  }
  return out;
}

/**
 * The tenant instances of the model: subscribers resolved to keys, pool values allocated
 * (keeping those recorded before), and each provider's `onInstance` hook called for every
 * instance, a subscriber instance before the instances it holds.
 */
function buildInstances(
  constructs: readonly TenantInstance[],
  subscriberRef: (x: unknown) => Ref,
  services: XosModel['services'],
  serviceConstructs: ReadonlyMap<string, Service>,
  previous: AllocationLock | undefined,
  buildErrors: { path: string; message: string }[],
): { instances: InstanceModel[]; allocation?: AllocationResult } {
  const servicesByKey = new Map(services.map((s) => [s.key, s]));
  const draft = constructs.map((i) => ({
    key: i.key,
    id: i.id,
    provider: i.provider.node.path,
    subscriber: subscriberRef(i.subscriber),
    attributes: flatOrCopy(i.attributes),
  }));
  const pooled = draft.some((i) => servicesByKey.get(i.provider)?.pools?.length);
  const allocation = pooled || previous ? allocate(draft, (p) => servicesByKey.get(p)?.pools, previous) : undefined;
  const built: InstanceModel[] = draft.map((d) => {
    const allocated = allocation?.allocated.get(d.key);
    // Made whole, not through withoutUndefined: one object per instance, a hundred thousand of them.
    return allocated
      ? { kind: 'Instance' as const, key: d.key, name: d.id, provider: d.provider, subscriber: d.subscriber, attributes: d.attributes, allocated }
      : { kind: 'Instance' as const, key: d.key, name: d.id, provider: d.provider, subscriber: d.subscriber, attributes: d.attributes };
  });
  const byKey_ = new Map(built.map((i) => [i.key, i]));
  const subscriberKind = (ref: Ref): InstanceInfo['subscriberKind'] => (ref && byKey_.has(ref) ? 'Instance' : ref && servicesByKey.has(ref) ? 'Service' : 'User');
  // Hooks, a subscriber instance before those it holds (depth in its chain), then by key.
  if ([...serviceConstructs.values()].some((s) => s.onInstance)) {
    const depth = new Map<string, number>();
    const depthOf = (i: InstanceModel): number => {
      let d = 0;
      const seen = new Set<string>();
      for (let at: InstanceModel | undefined = i; at && !seen.has(at.key); at = at.subscriber ? byKey_.get(at.subscriber) : undefined) {
        seen.add(at.key);
        const known = depth.get(at.key);
        if (known !== undefined) return d + known;
        d++;
      }
      return d;
    };
    for (const i of built) depth.set(i.key, depthOf(i));
    const order = [...built].sort((a, b) => depth.get(a.key)! - depth.get(b.key)! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      const hook = i.provider ? serviceConstructs.get(i.provider)?.onInstance : undefined;
      if (!hook) continue;
      const provider = servicesByKey.get(i.provider!)!;
      let added: unknown;
      try {
        added = hook({ id: i.name, key: i.key, provider: provider.name, subscriber: i.subscriber ?? '', subscriberKind: subscriberKind(i.subscriber), attributes: { ...i.attributes, ...(i.allocated ?? {}) } });
      } catch (e) {
        buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance threw for instance ${i.name}: ${(e as Error)?.message ?? String(e)}. Fix the hook, or make it return [] for instances it does not serve.` });
        continue;
      }
      if (!Array.isArray(added)) {
        buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance returned ${describe(added)} for instance ${i.name}; it must return an array of { id, type, attributes }.` });
        continue;
      }
      const additions: InstanceAdditionModel[] = [];
      const seen = new Set<string>();
      for (const a of added as { id?: unknown; type?: unknown; attributes?: unknown }[]) {
        const id = typeof a?.id === 'string' ? a.id : '';
        if (!id || typeof a?.type !== 'string') {
          buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance returned ${describe(a)} for instance ${i.name}; each addition needs a string id and a string type.` });
          continue;
        }
        if (seen.has(id)) {
          buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance returned the id '${id}' twice for instance ${i.name}; ids must be unique per instance.` });
          continue;
        }
        seen.add(id);
        additions.push({ id, type: a.type, attributes: jsonCopy(a.attributes ?? {}) as Record<string, unknown> });
      }
      if (additions.length) {
        const withAdditions: InstanceModel = { ...i, additions: additions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
        byKey_.set(i.key, withAdditions);
      }
    }
  }
  const instances = [...byKey_.values()].sort(cmpKey);
  return { instances, ...(allocation ? { allocation } : {}) };
}

/**
 * What a tenancy's connect mode implies for networks (paper 3.2; INVARIANTS "What the
 * synthesizer must do with tenancy"): shared-private shares one Network between both
 * Services' Slices; interconnect-private gives each side its own private Network.
 */
function deriveTenancyNetworks(
  m: { networks: Mutable<NetworkModel>[]; tenants: Mutable<TenantModel>[]; services: Mutable<XosModel>['services']; networkTemplates: XosModel['networkTemplates'] },
  networksByKey: Map<string, Mutable<NetworkModel>>,
  tenants: Tenant[],
  ref: (x: unknown) => Ref,
): void {
  const services = new Map(m.services.map((s) => [s.key, s]));
  const tenantByKey = new Map(tenants.map((t) => [t.node.path, t]));
  const defaultTemplate = [...m.networkTemplates].sort(cmpKey).find((t) => t.visibility === 'private')?.key ?? null;
  // Blocks taken so far, parsed once (not once per derived network).
  const taken: Cidr[] = [];
  const take = (cidr: string | null | undefined) => {
    const c = cidr ? parseCidr(cidr) : undefined;
    if (c && typeof c !== 'string') taken.push(c);
  };
  for (const n of m.networks) take(n.cidr);

  const derive = (key: string, name: string, owner: string, tenancy: string, t: Tenant, given = t.cidr): Mutable<NetworkModel> => {
    // No free block: left empty, and NET-001 reports it on the tenancy with the fix.
    const cidr = given ?? allocateCidrAmong(key, taken) ?? '';
    take(cidr);
    const net: Mutable<NetworkModel> = {
      kind: 'Network',
      key,
      name,
      owner,
      permitted: [],
      joined: [],
      cidr,
      ports: null,
      public: false,
      template: t.template ? ref(t.template) : defaultTemplate,
      site: null,
      bandwidthMbps: null,
      derivedFrom: tenancy,
    };
    m.networks.push(net);
    networksByKey.set(key, net);
    return net;
  };
  // A tenancy joins Slices to a Network: recorded as its join, never as the owner's consent
  // (NET-003 checks each one). A Slice that joined by itself keeps its own join.
  const admit = (net: Mutable<NetworkModel>, slices: readonly string[], tenancy: string) => {
    for (const s of slices) {
      if (s === net.owner || net.joined.includes(s)) continue;
      net.joined.push(s);
      const joins = (net.derivedJoins ??= {}) as Record<string, string>;
      joins[s] = tenancy;
    }
  };
  // Each Slice's own private networks as declared (derived ones are never a Slice's own):
  // the first by key of any of `slices`.
  const privateOf = new Map<string, Mutable<NetworkModel>>();
  for (const n of m.networks) {
    if (n.public || n.derivedFrom) continue;
    const best = privateOf.get(n.owner);
    if (!best || cmpKey(n, best) < 0) privateOf.set(n.owner, n);
  }
  const ownPrivate = (slices: readonly string[]): Mutable<NetworkModel> | undefined => {
    let best: Mutable<NetworkModel> | undefined;
    for (const s of slices) {
      const n = privateOf.get(s);
      if (n && (!best || cmpKey(n, best) < 0)) best = n;
    }
    return best;
  };

  for (const tm of [...m.tenants].sort(cmpKey)) {
    const t = tenantByKey.get(tm.key)!;
    const tenant = tm.tenant ? services.get(tm.tenant) : undefined;
    const provider = tm.provider ? services.get(tm.provider) : undefined;
    if (!tenant || !provider || tenant === provider) continue;
    const tSlices = tenant.slices.filter((s) => !s.startsWith(UNDECLARED));
    const pSlices = provider.slices.filter((s) => !s.startsWith(UNDECLARED));
    if (tm.connect === 'shared-private') {
      if (!tSlices.length || !pSlices.length) continue;
      let net = tm.network ? networksByKey.get(tm.network) : undefined;
      if (!net && !tm.network) {
        net = derive(`${tm.key}/network`, `${tenant.name}-${provider.name}`, pSlices[0], tm.key, t);
        tm.network = net.key;
      }
      if (net) admit(net, [...tSlices, ...pSlices], tm.key);
    } else if (tm.connect === 'interconnect-private') {
      if (!tSlices.length || !pSlices.length) continue;
      // A cidr given for both sides' derived networks is split: the tenant's takes its lower
      // half, the provider's the upper (one block for both would overlap behind the gateway).
      const ownT = ownPrivate(tSlices);
      const ownP = ownPrivate(pSlices);
      const [low, high] = t.cidr !== undefined && !ownT && !ownP ? halves(t.cidr) : [t.cidr, t.cidr];
      const tn = ownT ?? derive(`${tm.key}/tenant-network`, `${tenant.name}-private`, tSlices[0], tm.key, t, low);
      const pn = ownP ?? derive(`${tm.key}/provider-network`, `${provider.name}-private`, pSlices[0], tm.key, t, high);
      admit(tn, tSlices, tm.key);
      admit(pn, pSlices, tm.key);
      tm.interconnect = { tenantNetwork: tn.key, providerNetwork: pn.key };
    }
  }
}

/** The two halves of a block (`10.0.0.0/23` -> `10.0.0.0/24`, `10.0.1.0/24`); the block itself twice when it cannot be split (NET-001 or NET-006 then says why). */
function halves(cidr: string): [string, string] {
  const c = parseCidr(cidr);
  if (typeof c === 'string' || c.prefix >= 32) return [cidr, cidr];
  const half = { prefix: c.prefix + 1, size: c.size / 2 };
  return [formatCidr({ base: c.base, ...half }), formatCidr({ base: c.base + half.size, ...half })];
}

/**
 * Declaration sites, formatted only when asked: formatting a stack trace (through source maps
 * under ts-node) is what costs, and only objects with a violation need theirs.
 */
class LazySources extends Map<string, SourceLocation> {
  private readonly pending = new Map<string, { readonly source: SourceLocation | undefined }>();

  public defer(key: string, c: { readonly source: SourceLocation | undefined }): void {
    this.pending.set(key, c);
  }

  public override get(key: string): SourceLocation | undefined {
    const c = this.pending.get(key);
    if (c) {
      this.pending.delete(key);
      const src = c.source;
      if (src) super.set(key, src);
    }
    return super.get(key);
  }

  public override has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/** Call each provider's per-tenant-instance hook for every Sliver of every tenant, in tenancy order. */
function runTenantHooks(
  m: { tenants: Mutable<TenantModel>[]; slices: XosModel['slices']; slivers: XosModel['slivers']; services: XosModel['services'] },
  serviceConstructs: Map<string, Service>,
  buildErrors: { path: string; message: string }[],
): AdditionModel[] {
  const out: AdditionModel[] = [];
  const servicesByKey = new Map(m.services.map((s) => [s.key, s]));
  const sliversBySlice = new Map<string, XosModel['slivers'][number][]>();
  for (const v of m.slivers) {
    const list = sliversBySlice.get(v.slice) ?? [];
    list.push(v);
    sliversBySlice.set(v.slice, list);
  }
  for (const tm of tenancyOrder(m.tenants)) {
    const provider = tm.provider ? serviceConstructs.get(tm.provider) : undefined;
    const tenant = tm.tenant ? servicesByKey.get(tm.tenant) : undefined;
    if (!provider?.onTenantInstance || !tenant) continue;
    const seen = new Set<string>();
    for (const sliceKey of [...tenant.slices].sort()) {
      const slice = m.slices.find((s) => s.key === sliceKey);
      for (const v of [...(sliversBySlice.get(sliceKey) ?? [])].sort(cmpKey)) {
        let added: readonly unknown[];
        try {
          added = provider.onTenantInstance({
            tenant: tenant.name,
            provider: provider.name,
            tenancy: tm.key,
            sliver: v.key,
            sliverName: v.name,
            slice: slice?.name ?? sliceKey,
            attributes: jsonCopy(tm.attributes),
          });
        } catch (e) {
          buildErrors.push({ path: provider.node.path, message: `onTenantInstance threw for Sliver ${v.key} of tenant ${tenant.name}: ${(e as Error)?.message ?? String(e)}. Fix the hook, or make it return [] for instances it does not serve.` });
          continue;
        }
        if (!Array.isArray(added)) {
          buildErrors.push({ path: provider.node.path, message: `onTenantInstance returned ${describe(added)} for Sliver ${v.key}; it must return an array of { id, type, attributes }.` });
          continue;
        }
        for (const a of added as { id?: unknown; type?: unknown; attributes?: unknown }[]) {
          const id = typeof a?.id === 'string' ? a.id : '';
          if (!id || typeof a?.type !== 'string') {
            buildErrors.push({ path: provider.node.path, message: `onTenantInstance returned ${describe(a)} for Sliver ${v.key}; each addition needs a string id and a string type.` });
            continue;
          }
          const key = `${tm.key}/${v.key}/${id}`;
          if (seen.has(key)) {
            buildErrors.push({ path: provider.node.path, message: `onTenantInstance returned the id '${id}' twice for Sliver ${v.key}; ids must be unique per instance.` });
            continue;
          }
          seen.add(key);
          out.push({ kind: 'Addition', key, name: id, provider: provider.node.path, tenancy: tm.key, sliver: v.key, type: a.type as string, attributes: (jsonCopy(a.attributes ?? {}) as Record<string, unknown>) });
        }
      }
    }
  }
  return out;
}

function servicePorts(ports: readonly unknown[]): ServicePort[] {
  const out: ServicePort[] = [];
  for (const p of ports) {
    if (typeof p === 'number') out.push({ port: p, protocol: 'tcp' });
    else if (p && typeof p === 'object') {
      const o = p as { port?: unknown; protocol?: unknown };
      out.push({ port: Number(o.port), protocol: (o.protocol ?? 'tcp') as ServicePort['protocol'] });
    } else out.push({ port: Number(p), protocol: 'tcp' });
  }
  return out.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

function portsText(p: unknown): string | null {
  if (p === undefined || p === null) return null;
  if (typeof p === 'object') {
    const o = p as { low?: unknown; high?: unknown };
    return `${o.low}-${o.high}`;
  }
  return String(p);
}

function secretRefs(creds: Readonly<Record<string, unknown>>): Record<string, SecretRef> {
  const out: Record<string, SecretRef> = {};
  for (const k of Object.keys(creds).sort()) setKey(out, k, Secret.toRef(creds[k]));
  return out;
}

/**
 * An instance's attributes for the model: the object itself when it is flat plain data (strings,
 * numbers, booleans, null: nearly every instance, from data rows), else a plain-JSON copy. A
 * hundred thousand instances need not each be copied.
 */
function flatOrCopy(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (Object.getPrototypeOf(attributes) === Object.prototype || Object.getPrototypeOf(attributes) === null) {
    let flat = true;
    for (const k in attributes) {
      const v = attributes[k];
      if (v !== null && typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
        flat = false;
        break;
      }
    }
    if (flat) return attributes as Record<string, unknown>;
  }
  return jsonCopy(attributes) as Record<string, unknown>;
}

/** A plain-JSON copy; Secrets become their references, functions and undefined vanish. */
export function jsonCopy(x: unknown): unknown {
  if (Secret.isSecret(x)) return { ...x.ref };
  if (Array.isArray(x)) return x.map(jsonCopy);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (v === undefined || typeof v === 'function') continue;
      setKey(out, k, jsonCopy(v));
    }
    return out;
  }
  if (typeof x === 'bigint') return x.toString();
  return x;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

function cmpKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function byKey<T extends { key: string }>(xs: T[]): T[] {
  return xs.sort(cmpKey);
}

/** A short description of a value, for messages. */
export function describe(x: unknown): string {
  if (XosConstruct.isXosConstruct(x)) return `${x.kind} '${x.node.path}'`;
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `'${x.length > 60 ? x.slice(0, 57) + '...' : x}'`;
  try {
    const s = JSON.stringify(x);
    return s === undefined ? String(x) : s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(x);
  }
}

export type { IConstruct };
