/**
 * The layout: what each back-end (stack) must hold, derived from the model and independent
 * of any target. Targets (local, openstack, aws) render a layout into Terraform; the rules
 * that "check the synthesized result" (SLC-003, TEN-007) check the layout.
 */
import { dict, withoutUndefined as clean } from '../model/dict';
import { group, type ModelIndex } from '../model/index';
import type {
  BackendKind,
  ControllerModel,
  InstanceModel,
  ModelObject,
  NetworkModel,
  PrivilegeModel,
  SecretRef,
  ServiceModel,
  SliceModel,
  SliverModel,
  TenantModel,
  XosModel,
} from '../model/types';
import { planStackNetwork } from './layout-net';
import { hash6, resourceName, stackName, variableName } from './names';

export type LayoutKind =
  | 'controller'
  | 'deployment'
  | 'site'
  | 'user'
  | 'grant'
  | 'node'
  | 'image'
  | 'flavor'
  | 'template'
  | 'service'
  | 'slice'
  | 'network'
  | 'sliver'
  | 'port'
  | 'secgroup'
  | 'secrule'
  | 'gateway'
  | 'endpoint'
  | 'address'
  | 'tenancy'
  | 'addition'
  | 'store'
  | 'instance'
  | 'instance-addition';

/** One logical resource of a stack. */
export interface LayoutResource {
  readonly kind: LayoutKind;
  /** The Terraform resource name: unique in its stack, stable across runs. */
  readonly name: string;
  /** The model object it comes from. */
  readonly model: string;
  /** Declared attributes (plain JSON). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** References to other resources of the same stack, by attribute. */
  readonly refs: Readonly<Record<string, string>>;
  /** Lists of references, by attribute (for example a port's security groups). */
  readonly refLists?: Readonly<Record<string, readonly string[]>>;
  /** Attributes whose values are secrets, each a reference to a stack variable. */
  readonly secrets?: Readonly<Record<string, string>>;
}

export interface LayoutVariable {
  readonly name: string;
  readonly ref: SecretRef;
  readonly description: string;
}

export interface StackLayout {
  /** The stack's name: the directory under `stacks/`. */
  readonly name: string;
  readonly controller: string;
  readonly backend: BackendKind;
  readonly resources: readonly LayoutResource[];
  readonly variables: readonly LayoutVariable[];
}

export interface Layout {
  readonly stacks: readonly StackLayout[];
  /** Model objects that no back-end holds (Views, unused catalog entries ...). */
  readonly unplaced: readonly string[];
  /**
   * Two model objects whose names collide once turned into Terraform names (`kind` absent),
   * or two Controllers whose stack folders collide (`kind: 'stack'`, with `stack` the first
   * one's stack name and `name` the second's; folder names that differ only in case are one
   * folder on macOS and Windows).
   */
  readonly collisions: readonly { readonly stack: string; readonly name: string; readonly a: string; readonly b: string; readonly kind?: 'stack' }[];
}

const PREFIX: Record<ModelObject['kind'], string> = {
  Site: 'site',
  User: 'user',
  Privilege: 'grant',
  Deployment: 'deployment',
  Controller: 'controller',
  Node: 'node',
  Image: 'image',
  Flavor: 'flavor',
  NetworkTemplate: 'template',
  Slice: 'slice',
  Sliver: 'sliver',
  Network: 'network',
  Service: 'service',
  Tenant: 'tenancy',
  View: 'view',
  Addition: 'addition',
  Instance: 'instance',
};

/** The resource name of a model object in any stack that holds it. */
export function nameOf(o: { kind: ModelObject['kind']; key: string }): string {
  return resourceName(PREFIX[o.kind], o.key);
}

/** What makes two resources added under one name the same one (else the names collide). */
function identity(r: LayoutResource): string {
  return `${r.kind}\u0000${r.model}\u0000${r.attrs.network ?? ''}\u0000${r.attrs.port_min ?? ''}\u0000${r.attrs.role ?? ''}`;
}

class StackBuilder {
  private readonly resources: LayoutResource[] = [];
  /** The first resource added under each name. */
  private readonly byName = new Map<string, LayoutResource>();
  private readonly vars = new Map<string, LayoutVariable>();
  public readonly collisions: Layout['collisions'][number][] = [];
  public readonly placed = new Set<string>();

  constructor(public readonly name: string, public readonly controller: ControllerModel) {}

  public add(r: LayoutResource): string {
    const prev = this.byName.get(r.name);
    if (prev !== undefined) {
      if (identity(prev) !== identity(r)) this.collisions.push({ stack: this.name, name: r.name, a: prev.model, b: r.model });
      return r.name;
    }
    this.byName.set(r.name, r);
    this.resources.push(r);
    this.placed.add(r.model);
    return r.name;
  }

  public has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Declare the stack variable that carries a secret; returns its name. */
  public secret(ref: SecretRef, what: string): string {
    if (ref.secret === 'literal') return '';
    const name = variableName(ref.name);
    if (!this.vars.has(name))
      this.vars.set(name, { name, ref, description: `${what} (sensitive; ${ref.secret === 'env' ? `export TF_VAR_${name}="$${ref.name}"` : `set TF_VAR_${name}`})` });
    return name;
  }

  public build(): StackLayout {
    return {
      name: this.name,
      controller: this.controller.key,
      backend: this.controller.backend,
      resources: this.resources,
      variables: [...this.vars.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
  }
}

function secretsOf(sb: StackBuilder, creds: Readonly<Record<string, SecretRef>>, what: string, prefix: string): Record<string, string> {
  const out = dict<string>();
  for (const k of Object.keys(creds).sort()) {
    const v = sb.secret(creds[k], `${what} credential '${k}'`);
    if (v) out[`${prefix}${k}`] = v;
  }
  return out;
}

/** Each object's resource name, made once: most objects are named in several places. */
type Namer = (kind: ModelObject['kind'], key: string) => string;

/** What the whole model gives every stack: its objects grouped once, so each stack touches only its own (linear in the model). */
interface LayoutShared {
  readonly model: XosModel;
  readonly index: ModelIndex;
  readonly name: Namer;
  /** Which Controller serves each Sliver (DEP-007); Slivers with none are left to the rules. */
  readonly sliversByController: ReadonlyMap<string, SliverModel[]>;
  readonly nodesByDeployment: ReadonlyMap<string | null, readonly XosModel['nodes'][number][]>;
  readonly servicesByController: ReadonlyMap<string | null, readonly ServiceModel[]>;
  readonly additionsBySliver: ReadonlyMap<string | null, readonly XosModel['additions'][number][]>;
  /** Each Slice's users' keys, made once for all its Slivers (the lists are shared, never changed). */
  readonly keysOfSlice: Map<string, string[]>;
}

/**
 * One stack being laid out: what belongs to it (worked out first, from the model alone), and
 * the names of what the steps added so far. The steps (STACK_STEPS) add its resources, one
 * kind of object each, in the order the stack lists them.
 */
interface StackPlan extends LayoutShared {
  readonly c: ControllerModel;
  readonly sb: StackBuilder;
  /** The Slivers this Controller serves, and their Slices. */
  readonly slivers: readonly SliverModel[];
  readonly slices: ReadonlyMap<string, SliceModel>;
  readonly deployment: ModelObject | undefined;
  /** Sites: those the Controller binds, and those owning Slices placed here. */
  readonly sites: ReadonlySet<string>;
  /** Grants on a Site, Slice or the Deployment held here, to declared Users, by key. */
  readonly grants: readonly PrivilegeModel[];
  /** Services implemented here, or whose Controller this is (external Services). */
  readonly services: ReadonlyMap<string, ServiceModel>;
  /** Tenancies that touch a Service of this stack, on either side, in key order. */
  readonly tenancies: readonly TenantModel[];
  /** Networks attached to a Slice with Slivers here. */
  readonly networks: ReadonlyMap<string, NetworkModel>;
  /** The network plan (layout-net.ts): security groups and rules of every port, routes out, gateways, public addresses. */
  readonly net: ReturnType<typeof planStackNetwork>;
  /** Tenancies whose tenant runs here, in key order, and by tenant Service. */
  readonly tenanciesHere: readonly TenantModel[];
  readonly tenanciesOfTenant: ReadonlyMap<string | null, readonly TenantModel[]>;
  controllerName: string;
  deploymentName?: string;
  /** Per Service here: its store of tenant-instance records (set by the stores step). */
  readonly storesOf: Map<string, { provides: boolean; holds: boolean; store: string }>;
}

/** Derive the layout of every stack from a model: one stack per Controller, each laid out by the steps below. */
export function buildLayout(model: XosModel, index: ModelIndex): Layout {
  const names = new Map<ModelObject['kind'], Map<string, string>>();
  const name: Namer = (kind, key) => {
    let m = names.get(kind);
    if (!m) names.set(kind, (m = new Map()));
    let n = m.get(key);
    if (n === undefined) m.set(key, (n = nameOf({ kind, key })));
    return n;
  };
  const sliversByController = new Map<string, SliverModel[]>();
  for (const v of model.slivers) {
    const c = index.controllerFor(v.deployment, v.site);
    if (!c) continue;
    const l = sliversByController.get(c.key) ?? [];
    l.push(v);
    sliversByController.set(c.key, l);
  }
  const shared: LayoutShared = {
    model,
    index,
    name,
    sliversByController,
    nodesByDeployment: group(model.nodes, (n) => n.deployment),
    servicesByController: group(model.services, (s) => s.controller),
    additionsBySliver: group(model.additions, (a) => a.sliver),
    keysOfSlice: new Map(),
  };

  const stacks: StackLayout[] = [];
  const placed = new Set<string>();
  const collisions: Layout['collisions'][number][] = [];
  const stackNames = new Map<string, { key: string; stack: string }>();
  for (const c of model.controllers) {
    const sn = stackName(c.stack);
    const other = stackNames.get(sn.toLowerCase());
    if (other) collisions.push({ stack: other.stack, name: sn, a: other.key, b: c.key, kind: 'stack' });
    else stackNames.set(sn.toLowerCase(), { key: c.key, stack: sn });
    const plan = planStack(shared, c, new StackBuilder(sn, c));
    for (const step of STACK_STEPS) step(plan);
    stacks.push(plan.sb.build());
    collisions.push(...plan.sb.collisions);
    for (const k of plan.sb.placed) placed.add(k);
  }

  const unplaced: string[] = [];
  for (const [k] of index.byKey) if (!placed.has(k)) unplaced.push(k);
  return { stacks: stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), unplaced: unplaced.sort(), collisions };
}

/** What belongs to one Controller's stack, worked out from the model before any resource is added. */
function planStack(shared: LayoutShared, c: ControllerModel, sb: StackBuilder): StackPlan {
  const { index } = shared;
  const slivers = shared.sliversByController.get(c.key) ?? [];
  const slices = new Map<string, SliceModel>();
  for (const v of slivers) {
    const s = index.get<SliceModel>(v.slice);
    if (s) slices.set(s.key, s);
  }
  const deployment = index.get(c.deployment);
  const sites = new Set<string>(c.sites.filter((s) => index.has(s, 'Site')));
  for (const s of slices.values()) if (s.site && index.has(s.site, 'Site')) sites.add(s.site);
  const scopes = new Set<string>([...sites, ...slices.keys(), ...(deployment ? [deployment.key] : [])]);
  const grants = [...scopes]
    .flatMap((k) => index.privilegesByTarget.get(k) ?? [])
    .filter((p) => index.has(p.user, 'User'))
    .sort(byKey);
  const services = new Map<string, ServiceModel>();
  for (const s of slices.keys()) {
    const svc = index.servicesBySlice.get(s);
    if (svc) services.set(svc.key, svc);
  }
  for (const svc of shared.servicesByController.get(c.key) ?? []) services.set(svc.key, svc);
  const touching = new Map<string, TenantModel>();
  for (const svc of services.values()) {
    for (const t of index.tenantsByTenant.get(svc.key) ?? []) touching.set(t.key, t);
    for (const t of index.tenantsByProvider.get(svc.key) ?? []) touching.set(t.key, t);
  }
  const tenancies = [...touching.values()].sort(byKey);
  const networks = new Map<string, NetworkModel>();
  for (const s of slices.keys()) for (const n of index.networksOfSlice.get(s) ?? []) networks.set(n.key, n);
  const net = planStackNetwork({ index, slivers, slices, networks, tenancies, nameOf: shared.name });
  const tenanciesHere: TenantModel[] = [];
  const tenanciesOfTenant = new Map<string | null, TenantModel[]>();
  for (const t of tenancies) {
    const tenant = index.get<ServiceModel>(t.tenant);
    if (!tenant || tenant.kind !== 'Service' || !servedHere(tenant, slices)) continue;
    tenanciesHere.push(t);
    const same = tenanciesOfTenant.get(t.tenant);
    if (same) same.push(t);
    else tenanciesOfTenant.set(t.tenant, [t]);
  }
  return { ...shared, c, sb, slivers, slices, deployment, sites, grants, services, tenancies, networks, net, tenanciesHere, tenanciesOfTenant, controllerName: '', storesOf: new Map() };
}

/** True when one of the Service's Slices has Slivers in this stack. */
function servedHere(svc: ServiceModel | undefined, slices: ReadonlyMap<string, SliceModel>): boolean {
  return !!svc && svc.slices.some((s) => slices.has(s));
}

/** The steps that add a stack's resources, one kind of object each, in the order the stack lists them. */
const STACK_STEPS: readonly ((p: StackPlan) => void)[] = [
  // The back-end itself.
  function controller(p) {
    const { c, sb } = p;
    p.controllerName = sb.add({
      kind: 'controller',
      name: p.name(c.kind, c.key),
      model: c.key,
      attrs: clean({ name: c.name, backend: c.backend, url: c.url, region: c.region, deployment: c.deployment, sites: c.sites }),
      refs: {},
      secrets: secretsOf(sb, c.credentials, `Controller ${c.name}`, 'credential_'),
    });
  },
  // Its Deployment and the catalog the Deployment supports.
  function deployment(p) {
    const { deployment: d, sb, name, index } = p;
    if (!d || d.kind !== 'Deployment') return;
    const deploymentName = (p.deploymentName = sb.add({ kind: 'deployment', name: name(d.kind, d.key), model: d.key, attrs: { name: d.name, limits: d.limits, existing_catalog: d.existingCatalog }, refs: { controller: p.controllerName } }));
    for (const [kind, keys] of [['image', d.images], ['flavor', d.flavors], ['template', d.networkTemplates]] as const) {
      for (const k of keys) {
        const o = index.get(k);
        if (!o) continue;
        sb.add({ kind, name: name(o.kind, o.key), model: o.key, attrs: catalogAttrs(o), refs: { deployment: deploymentName } });
      }
    }
  },
  function sites(p) {
    for (const sk of [...p.sites].sort()) {
      const site = p.index.get(sk)!;
      p.sb.add({ kind: 'site', name: p.name(site.kind, site.key), model: sk, attrs: siteAttrs(site), refs: { controller: p.controllerName } });
    }
  },
  // Nodes of this Deployment at the Controller's Sites.
  function nodes(p) {
    const { c, sb, name } = p;
    const controllerSites = new Set(c.sites);
    for (const n of (c.deployment && p.nodesByDeployment.get(c.deployment)) || []) {
      if (!n.site || !controllerSites.has(n.site)) continue;
      sb.add({ kind: 'node', name: name(n.kind, n.key), model: n.key, attrs: { name: n.name, site: n.site, deployment: n.deployment }, refs: clean({ site: sb.has(name('Site', n.site)) ? name('Site', n.site) : undefined, deployment: p.deploymentName }) as Record<string, string> });
    }
  },
  // Users: anyone with a role on a Site, Slice or the Deployment held here.
  function users(p) {
    for (const uk of [...new Set(p.grants.map((g) => g.user!))].sort()) {
      const u = p.index.get(uk)!;
      if (u.kind !== 'User') continue;
      p.sb.add({ kind: 'user', name: p.name(u.kind, u.key), model: uk, attrs: clean({ name: u.name, email: u.email, home_site: u.site, public_keys: u.publicKeys }), refs: {} });
    }
  },
  function services(p) {
    for (const svc of [...p.services.values()].sort(byKey)) {
      p.sb.add({
        kind: 'service',
        name: p.name(svc.kind, svc.key),
        model: svc.key,
        attrs: { name: svc.name, ports: svc.ports.map((x) => `${x.protocol}/${x.port}`), external: svc.slices.length === 0 },
        refs: svc.controller === p.c.key ? { controller: p.controllerName } : {},
        secrets: secretsOf(p.sb, svc.credentials, `Service ${svc.name}`, 'credential_'),
      });
    }
  },
  // Slices, with the quota their Deployment sets.
  function slices(p) {
    const { sb, name, index, deployment } = p;
    for (const s of [...p.slices.values()].sort(byKey)) {
      const refs: Record<string, string> = {};
      if (s.site && sb.has(name('Site', s.site))) refs.site = name('Site', s.site);
      const svc = index.servicesBySlice.get(s.key);
      if (svc) refs.service = name(svc.kind, svc.key);
      if (s.image && sb.has(name('Image', s.image))) refs.image = name('Image', s.image);
      if (s.flavor && sb.has(name('Flavor', s.flavor))) refs.flavor = name('Flavor', s.flavor);
      sb.add({
        kind: 'slice',
        name: name(s.kind, s.key),
        model: s.key,
        attrs: clean({ name: s.name, site: s.site, image: s.image, flavor: s.flavor, service: svc?.key, quota: deployment?.kind === 'Deployment' ? deployment.limits : undefined }),
        refs,
      });
    }
  },
  function grants(p) {
    const { sb, name, index } = p;
    for (const g of p.grants) {
      const refs: Record<string, string> = { user: name('User', g.user!) };
      const target = index.get(g.target);
      if (target && sb.has(name(target.kind, target.key))) refs.target = name(target.kind, target.key);
      sb.add({ kind: 'grant', name: name(g.kind, g.key), model: g.key, attrs: { user: g.user, scope: g.scope, target: g.target, role: g.role }, refs });
    }
  },
  // Networks, lazily: only those attached to a Slice with Slivers here.
  function networks(p) {
    const { sb, name } = p;
    for (const n of [...p.networks.values()].sort(byKey)) {
      const refs: Record<string, string> = {};
      if (sb.has(name('Slice', n.owner))) refs.owner = name('Slice', n.owner);
      if (n.template && sb.has(name('NetworkTemplate', n.template))) refs.template = name('NetworkTemplate', n.template);
      sb.add({
        kind: 'network',
        name: name(n.kind, n.key),
        model: n.key,
        attrs: clean({ name: n.name, cidr: n.cidr, ports: n.ports ?? undefined, public: n.public, template: n.template, site: n.site ?? undefined, bandwidth_mbps: n.bandwidthMbps ?? undefined, owner: n.owner, derived_from: n.derivedFrom }),
        refs,
      });
    }
  },
  // The network plan (layout-net.ts): security groups and rules of every port, routes out,
  // tenancies' gateways, proven by `xos verify` (docs/flows.md).
  function gateways(p) {
    const { sb, name, net } = p;
    for (const r of net.resources) sb.add(r);
    for (const { tenancy: t, tenantNetwork, providerNetwork } of net.interconnects)
      sb.add({
        kind: 'gateway',
        name: resourceName('gateway', t.key),
        model: t.key,
        attrs: { role: 'interconnect', tenancy: t.key, tenant_network: tenantNetwork, provider_network: providerNetwork },
        refs: { tenant_network: name('Network', tenantNetwork), provider_network: name('Network', providerNetwork) },
      });
    for (const [nk, r] of [...net.routes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
      sb.add({
        kind: 'gateway',
        name: resourceName('gateway', `${nk}/internet`),
        model: nk,
        attrs: { role: 'internet', network: nk, translation: r.translation, reasons: r.reasons },
        refs: { network: name('Network', nk) },
      });
  },
  // Public endpoints of providers reached publicly, where the provider lives.
  function endpoints(p) {
    for (const pk of [...new Set(p.tenancies.filter((t) => t.connect === 'public').map((t) => t.provider).filter((x): x is string => !!x))].sort()) {
      const provider = p.index.get<ServiceModel>(pk);
      if (!provider || provider.kind !== 'Service' || !p.services.has(pk)) continue;
      p.sb.add({ kind: 'endpoint', name: resourceName('endpoint', pk), model: pk, attrs: { service: pk, ports: provider.ports.map((x) => `${x.protocol}/${x.port}`) }, refs: { service: p.name(provider.kind, provider.key) } });
    }
  },
  // Tenancies whose tenant runs here: credentials and attributes reach its instances.
  function tenancies(p) {
    const { sb, name, index } = p;
    for (const t of p.tenanciesHere) {
      const tenant = index.get<ServiceModel>(t.tenant)!;
      const refs: Record<string, string> = { tenant: name(tenant.kind, tenant.key) };
      const provider = index.get<ServiceModel>(t.provider);
      if (provider && sb.has(name(provider.kind, provider.key))) refs.provider = name(provider.kind, provider.key);
      sb.add({ kind: 'tenancy', name: name(t.kind, t.key), model: t.key, attrs: { tenant: t.tenant, provider: t.provider, connect: t.connect, attributes: t.attributes }, refs });
    }
  },
  // Stores of tenant-instance records: one per Service here that provides or holds instances.
  function stores(p) {
    for (const svc of [...p.services.values()].sort(byKey)) {
      const provides = p.index.instancesByProvider.has(svc.key);
      const holds = p.index.instancesBySubscriber.has(svc.key) && servedHere(svc, p.slices);
      if (!provides && !holds) continue;
      const store = p.sb.add({ kind: 'store', name: resourceName('store', svc.key), model: svc.key, attrs: { service: svc.key, name: svc.name }, refs: { service: p.name(svc.kind, svc.key) } });
      p.storesOf.set(svc.key, { provides, holds, store });
    }
  },
  // Slivers, each with one port per Network of its Slice (SLC-003), in stable order.
  function slivers(p) {
    const { sb, name, index } = p;
    for (const v of [...p.slivers].sort(byKey)) {
      // A Sliver of an undeclared Slice (a model read from JSON can hold one) is the rules'
      // to report; it has nothing to be synthesized into.
      const s = p.slices.get(v.slice);
      if (!s) continue;
      const svc = index.servicesBySlice.get(s.key);
      let keys = p.keysOfSlice.get(s.key);
      if (!keys) p.keysOfSlice.set(s.key, (keys = sliceKeys(index, s.key)));
      // Keyed by Service names: dictionary objects (see dict.ts).
      const secrets = dict<string>();
      const providers = dict<unknown>();
      for (const t of (svc && p.tenanciesOfTenant.get(svc.key)) || []) {
        const pr = index.get<ServiceModel>(t.provider);
        if (!pr || pr.kind !== 'Service') continue;
        providers[pr.name] = { connect: t.connect, attributes: t.attributes };
        for (const k of Object.keys(pr.credentials).sort()) {
          const vn = sb.secret(pr.credentials[k], `Service ${pr.name} credential '${k}'`);
          if (vn) secrets[`provider_${pr.name}_${k}`] = vn;
        }
      }
      const refs: Record<string, string> = { slice: name(s.kind, s.key) };
      if (v.node && sb.has(name('Node', v.node))) refs.node = name('Node', v.node);
      // Where its Service's instance records are: a reference, never the records (see instanceRecords).
      const store = svc && p.storesOf.get(svc.key);
      if (store) refs.store = store.store;
      const sliverName = sb.add({
        kind: 'sliver',
        name: name(v.kind, v.key),
        model: v.key,
        attrs: clean({
          name: v.name,
          slice: s.key,
          node: v.node ?? undefined,
          deployment: v.deployment ?? undefined,
          site: v.site ?? undefined,
          image: s.image,
          flavor: s.flavor,
          user_data: { slice: s.name, hostname: hostName(v, s, index), ssh_keys: keys, tenant_of: providers },
        }),
        refs,
        secrets,
      });
      (index.networksOfSlice.get(s.key) ?? []).forEach((n, i) => {
        const groups = p.net.portGroups(v.key, n.key);
        sb.add({
          kind: 'port',
          name: resourceName('port', `${v.key}/${n.key}`),
          model: v.key,
          attrs: { sliver: v.key, network: n.key, index: i, interface: `eth${i}` },
          refs: { sliver: sliverName, network: name(n.kind, n.key) },
          ...(groups.length ? { refLists: { security_groups: [...groups] } } : {}),
        });
      });
    }
  },
  // Public addresses of endpoints, on the port each one goes to.
  function addresses(p) {
    for (const a of p.net.addresses)
      p.sb.add({
        kind: 'address',
        name: resourceName('address', `${a.service}/${a.sliver}`),
        model: a.service,
        attrs: { service: a.service, sliver: a.sliver, network: a.network },
        refs: { endpoint: resourceName('endpoint', a.service), port: resourceName('port', `${a.sliver}/${a.network}`) },
      });
  },
  // What providers add for each tenant instance placed here.
  function additions(p) {
    const { sb, name, index } = p;
    for (const a of p.slivers.flatMap((v) => p.additionsBySliver.get(v.key) ?? []).sort(byKey)) {
      const refs: Record<string, string> = { sliver: name('Sliver', a.sliver) };
      const pr = index.get(a.provider);
      if (pr && sb.has(name(pr.kind, pr.key))) refs.provider = name(pr.kind, pr.key);
      sb.add({ kind: 'addition', name: name(a.kind, a.key), model: a.key, attrs: { type: a.type, provider: a.provider, tenancy: a.tenancy, sliver: a.sliver, attributes: a.attributes }, refs });
    }
  },
  // Tenant instances: one record per instance in its provider's store, and in the store of
  // the Service that holds it (see `instanceRecords`).
  function instances(p) {
    for (const svc of [...p.services.values()].sort(byKey)) {
      const stores = p.storesOf.get(svc.key);
      if (stores) instanceRecords(p.sb, p.index, svc, stores, p.name, p.c.key);
    }
  },
];

/**
 * The records of a Service's tenant instances in one stack: for each instance it provides, a
 * record in its store (attributes, allocated values, subscriber, what its hook added), which
 * its Slivers read; for each instance it holds (its subscriber is this Service), a record in
 * its store too, so its own Slivers learn what they hold (a routable subnet).
 *
 * One resource per instance, not the instances in every Sliver's user data: a Central Office
 * has 100k of them (user data is limited to 16 KB on AWS, 64 KB on OpenStack), and one new
 * subscriber must be one new resource, which touches no Sliver.
 */
function instanceRecords(
  sb: StackBuilder,
  index: ModelIndex,
  svc: ServiceModel,
  store: { provides: boolean; holds: boolean; store: string },
  name: (kind: ModelObject['kind'], key: string) => string,
  controller: string,
): void {
  // Shared by every record of the store: each record is one of a hundred thousand.
  const refs = { store: store.store };
  const allocatedLists = new Map<string, readonly string[]>();
  const record = (i: InstanceModel, role: 'provides' | 'holds', resource: string) => {
    // The instance's values as the model holds them (not copied: a layout is read, never changed).
    const values = index.valuesOf(i);
    let secrets: Record<string, string> | undefined;
    for (const k in values) {
      const v = values[k];
      if (isSecret(v)) {
        const vn = sb.secret(v, `attribute '${k}' of instance ${i.key}`);
        if (vn) (secrets ??= dict<string>())[`attributes.${k}`] = vn;
      }
    }
    let allocated: readonly string[] | undefined;
    if (i.allocated) {
      const names = Object.keys(i.allocated).sort();
      const id = names.join('\u0000');
      allocated = allocatedLists.get(id);
      if (!allocated) allocatedLists.set(id, (allocated = names));
    }
    const sub = index.get(i.subscriber);
    const start = index.rootOf(i);
    const root = start.root !== i.subscriber ? index.get(start.root) : undefined;
    const attrs: Record<string, unknown> = {
      id: i.name,
      provider: role === 'provides' ? svc.name : (index.get(i.provider)?.name ?? i.provider),
      role,
      subscriber: i.subscriber,
      subscriber_kind: sub?.kind ?? null,
      ...(root ? { chain_root: root.key, chain_root_kind: root.kind } : {}),
      attributes: values,
      ...(allocated ? { allocated } : {}),
    };
    // The values of the instance it is held by: the VLAN a bundle is attached to.
    if (sub?.kind === 'Instance') attrs.subscriber_attributes = withoutSecrets(index.valuesOf(sub));
    const n = sb.add({ kind: 'instance', name: resource, model: i.key, attrs, refs, ...(secrets ? { secrets } : {}) });
    if (role === 'provides')
      for (const a of i.additions ?? [])
        sb.add({
          kind: 'instance-addition',
          name: resourceName('addition', `${i.key}/${a.id}`),
          model: i.key,
          attrs: { id: a.id, type: a.type, provider: i.provider, instance: i.key, attributes: a.attributes },
          refs: { instance: n },
        });
  };
  // Named straight from the key: each record's name is used once (the names cache would keep a hundred thousand).
  if (store.provides) for (const i of index.instancesByProvider.get(svc.key) ?? []) record(i, 'provides', resourceName('instance', i.key));
  if (store.holds) for (const i of index.instancesBySubscriber.get(svc.key) ?? []) record(i, 'holds', resourceName('held', i.key));
  void controller;
}

function isSecret(v: unknown): v is SecretRef {
  return !!v && typeof v === 'object' && ((v as SecretRef).secret === 'env' || (v as SecretRef).secret === 'tfvar') && typeof (v as { name?: unknown }).name === 'string';
}

/** The values without their secrets: the values themselves when they hold none (nearly always). */
function withoutSecrets(values: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let any = false;
  for (const k in values) if (isSecret(values[k])) any = true;
  if (!any) return values;
  const out = dict<unknown>();
  for (const k of Object.keys(values).sort()) if (!isSecret(values[k])) out[k] = values[k];
  return out;
}

/** Public keys of every User with a privilege on the Slice, and nobody else's. */
function sliceKeys(index: ModelIndex, slice: string): string[] {
  const keys = new Set<string>();
  for (const p of index.privilegesByTarget.get(slice) ?? []) {
    if (p.scope !== 'slice') continue;
    const u = index.get(p.user);
    if (u?.kind === 'User') for (const k of u.publicKeys) keys.add(k);
  }
  return [...keys].sort();
}

/** Letters and digits in groups joined by single dashes: what the cleanup below leaves as it is. */
const HOST_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The host name a Sliver gets (`<login base>-<slice>-<sliver>`, cleaned up to a DNS label): in its user data and as its instance name. */
export function hostName(v: SliverModel, s: SliceModel, index: ModelIndex): string {
  const site = index.get(s.site);
  const base = site?.kind === 'Site' ? `${site.loginBase}-${s.name}-${v.name}` : `${s.name}-${v.name}`;
  const lower = base.toLowerCase();
  // Already a host name (nearly always): nothing to replace, collapse or trim.
  if (lower.length <= 63 && HOST_NAME.test(lower)) return lower;
  // Cleaned up or cut short, the name may meet another's: a short hash of the Sliver's key
  // keeps it apart (as resource names do). Names that need no cleanup and still meet are SLC-006.
  const clean = lower.replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return `${clean.slice(0, 56).replace(/-$/, '') || 'sliver'}-${hash6(v.key)}`;
}

function siteAttrs(site: ModelObject): Record<string, unknown> {
  if (site.kind !== 'Site') return {};
  return clean({ name: site.name, login_base: site.loginBase, url: site.url, location: site.location });
}

function catalogAttrs(o: ModelObject): Record<string, unknown> {
  switch (o.kind) {
    case 'Image':
      return clean({ name: o.name, disk_format: o.diskFormat, container_format: o.containerFormat, source_url: o.sourceUrl });
    case 'Flavor':
      return { name: o.name, cores: o.cores, ram_mb: o.ramMb, disk_gb: o.diskGb };
    case 'NetworkTemplate':
      return { name: o.name, visibility: o.visibility, translation: o.translation };
    default:
      return { name: o.name };
  }
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
