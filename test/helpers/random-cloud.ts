/**
 * Random valid clouds for property tests: a fast-check arbitrary of plain specs, and a
 * builder that turns a spec into constructs. Every cloud it builds validates clean (no
 * error, no unacknowledged warning). Mutations then break one invariant each, and say which
 * rule must report it and on which object.
 *
 * The builder takes the library as an argument, so the same spec can be built in this
 * process (from the sources) and in a program run by the real CLI (from dist).
 */
import fc from 'fast-check';
import type * as XosLib from '../../lib/index';

type Lib = typeof XosLib;
type Cloud = XosLib.Cloud;
type Site = XosLib.Site;
type User = XosLib.User;
type Slice = XosLib.Slice;
type Service = XosLib.Service;
type Deployment = XosLib.Deployment;
type Controller = XosLib.Controller;
type Network = XosLib.Network;
type Image = XosLib.Image;
type Flavor = XosLib.Flavor;
type NetworkTemplate = XosLib.NetworkTemplate;
type Tenant = XosLib.Tenant;

export interface SliceSpec {
  readonly id: string;
  readonly slivers: number;
  /** Place the Slivers on the Site's Nodes (when it has any) instead of the Deployment. */
  readonly onNodes: boolean;
  readonly networks: number;
  readonly publicNetwork: boolean;
  readonly flavor: number;
  readonly description?: string;
}

export interface SiteSpec {
  readonly id: string;
  readonly users: number;
  readonly nodes: number;
  readonly slices: readonly SliceSpec[];
}

export interface TenancySpec {
  /** Indexes into the Services (one per Slice, in order); provider < tenant keeps the graph acyclic. */
  readonly tenant: number;
  readonly provider: number;
  readonly connect: 'public' | 'shared-private' | 'interconnect-private';
  readonly vlan: number;
}

export interface CloudSpec {
  readonly name: string;
  readonly deployments: number;
  readonly sites: readonly SiteSpec[];
  readonly tenancies: readonly TenancySpec[];
  /** An external Service (a Controller and no Slice, like S3) that some Services reach publicly. */
  readonly external: boolean;
  /** Providers add a volume for each tenant instance. */
  readonly volumes: boolean;
  /** Subscriber Users, each with a chain of tenant instances along the first tenancy (or one instance). */
  readonly subscribers: number;
}

/**
 * Ids that stress names: spaces, dots, unicode, leading digits; never a `/` or a `#` or a
 * `!` (the builder's own ids hold a `#`, the mutations' a `!`, so they never collide).
 */
const idChars = fc.constantFrom('a', 'b', 'z', 'Q', '0', '7', '-', '_', '.', ' ', 'é', 'ß', '東', '🚀');
export const awkwardId = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/) },
  { weight: 2, arbitrary: fc.array(idChars, { minLength: 1, maxLength: 10 }).map((xs) => xs.join('')) },
);

function uniqueIds(min: number, max: number): fc.Arbitrary<string[]> {
  return fc.uniqueArray(awkwardId, { minLength: min, maxLength: max, selector: (s) => s.replace(/\//g, '--') });
}

const sliceSpec = (id: string): fc.Arbitrary<SliceSpec> =>
  fc.record({
    id: fc.constant(id),
    slivers: fc.integer({ min: 1, max: 4 }),
    onNodes: fc.boolean(),
    networks: fc.integer({ min: 0, max: 2 }),
    publicNetwork: fc.boolean(),
    flavor: fc.integer({ min: 0, max: 1 }),
    description: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  });

/**
 * Site and Slice ids without `_`: OpenStack names a Slice's project `<login base>_<slice>`, so
 * `a` + `b_c` and `a_b` + `c` would be one project (SLC-005 reports that; a valid cloud has none).
 */
const noUnderscore = (ids: string[]) => ids.map((i) => i.replace(/_/g, '~'));

const siteSpec = (id: string): fc.Arbitrary<SiteSpec> =>
  fc.record({
    id: fc.constant(id),
    users: fc.integer({ min: 1, max: 3 }),
    nodes: fc.integer({ min: 0, max: 2 }),
    slices: uniqueIds(1, 3).map(noUnderscore).chain((ids) => fc.tuple(...ids.map(sliceSpec))),
  });

/** A random, valid cloud spec: 1 to `maxSites` Sites over 1 to 3 Deployments, Services in a tenancy DAG. */
export function cloudSpec(maxSites = 4): fc.Arbitrary<CloudSpec> {
  return fc
    .record({
      name: awkwardId,
      deployments: fc.integer({ min: 1, max: 3 }),
      sites: uniqueIds(1, maxSites).map(noUnderscore).chain((ids) => fc.tuple(...ids.map(siteSpec))),
      external: fc.boolean(),
      volumes: fc.boolean(),
      subscribers: fc.integer({ min: 0, max: 3 }),
    })
    .chain((base) => {
      const services = base.sites.reduce((n, s) => n + s.slices.length, 0);
      const tenancy = fc
        .record({ tenant: fc.nat(), provider: fc.nat(), connect: fc.constantFrom('public', 'shared-private', 'interconnect-private') as fc.Arbitrary<TenancySpec['connect']>, vlan: fc.integer({ min: 1, max: 4094 }) })
        .map((t) => {
          const tenant = 1 + (t.tenant % (services - 1));
          return { ...t, tenant, provider: t.provider % tenant };
        });
      return fc.record({ ...Object.fromEntries(Object.entries(base).map(([k, v]) => [k, fc.constant(v)])), tenancies: services > 1 ? fc.array(tenancy, { maxLength: services + 1 }) : fc.constant([]) }) as unknown as fc.Arbitrary<CloudSpec>;
    });
}

/** What a built cloud is made of, for mutations to bend. */
export interface Built {
  readonly lib: Lib;
  readonly cloud: Cloud;
  readonly image: Image;
  readonly flavors: readonly Flavor[];
  readonly privateTpl: NetworkTemplate;
  readonly publicTpl: NetworkTemplate;
  readonly deployments: readonly Deployment[];
  readonly controllers: readonly Controller[];
  readonly sites: readonly Site[];
  readonly admins: ReadonlyMap<Site, User>;
  readonly slices: readonly Slice[];
  readonly deploymentOf: ReadonlyMap<Site, Deployment>;
  readonly services: readonly Service[];
  readonly networks: readonly Network[];
  readonly tenants: readonly Tenant[];
  /** The tenant instances of the subscribers' chains. */
  readonly instances: readonly XosLib.TenantInstance[];
  /** A fresh /24 in 10.0.0.0/8 that no Network of the cloud uses. */
  freshCidr(): string;
}

/** Build the constructs of a spec. The cloud validates clean. */
export function buildCloud(spec: CloudSpec, lib: Lib): Built {
  lib.Cloud.reset();
  const cloud = new lib.Cloud({ name: spec.name });
  const image = new lib.Image(cloud, 'ubuntu-22.04');
  const flavors = [new lib.Flavor(cloud, 'm1.small', { cores: 1, ramMb: 2048 }), new lib.Flavor(cloud, 'm1.large', { cores: 4, ramMb: 8192 })];
  const privateTpl = new lib.NetworkTemplate(cloud, 'private #');
  const publicTpl = new lib.NetworkTemplate(cloud, 'public #', { visibility: 'public' });
  const deployments: Deployment[] = [];
  const controllers: Controller[] = [];
  for (let d = 0; d < spec.deployments; d++) {
    const dep = new lib.Deployment(cloud, `deployment-${d}`, { images: [image], flavors, networkTemplates: [privateTpl, publicTpl], limits: { instances: 64, cores: 1024 } });
    deployments.push(dep);
    controllers.push(dep.addController(`head #${d}`, { backend: 'openstack', url: `https://keystone-${d}.example:5000/v3`, credentials: { password: lib.Secret.env(`DEP${d}_PASSWORD`), username: lib.Secret.tfVar(`dep${d}_user`) } }));
  }
  let net = 0;
  const freshCidr = () => {
    const n = net++;
    return `10.${(n >> 8) & 255}.${n & 255}.0/24`;
  };
  const sites: Site[] = [];
  const admins = new Map<Site, User>();
  const deploymentOf = new Map<Site, Deployment>();
  const slices: Slice[] = [];
  const sliceDeployment = new Map<Slice, Deployment>();
  const networks: Network[] = [];
  let root: User | undefined;
  spec.sites.forEach((ss, i) => {
    const dep = deployments[i % deployments.length];
    const site = new lib.Site(cloud, ss.id, { location: `site ${i}` });
    sites.push(site);
    deploymentOf.set(site, dep);
    dep.allowHosting(site).allowAcquire(site);
    controllers[i % deployments.length].addSite(site);
    const users = Array.from({ length: ss.users }, (_, u) => new lib.User(cloud, `${ss.id} user ${u}`, { site, publicKeys: [`ssh-ed25519 AAAA${i}x${u} user${u}@${i}`] }));
    root ??= users[0];
    site.grant(users[0], 'admin');
    admins.set(site, users[0]);
    if (users[1]) site.grant(users[1], 'pi');
    const nodes = Array.from({ length: ss.nodes }, (_, n) => site.addNode(`node #${n}`, { deployment: dep }));
    for (const sl of ss.slices) {
      const slice = site.addSlice(sl.id, { image, flavor: flavors[sl.flavor], ...(sl.description !== undefined ? { description: sl.description } : {}) });
      slices.push(slice);
      sliceDeployment.set(slice, dep);
      slice.grant(users[users.length - 1], 'admin');
      if (users.length > 1) slice.grant(users[0], 'access');
      for (let k = 0; k < sl.networks; k++) networks.push(slice.addNetwork(`net-${k}`, { cidr: freshCidr(), template: privateTpl }));
      if (sl.publicNetwork) {
        const pub = slice.addNetwork('public', { cidr: freshCidr(), template: publicTpl });
        pub.acknowledge('NET-005', 'a generated front end that the Internet reaches on purpose');
        networks.push(pub);
      }
      for (let v = 0; v < sl.slivers; v++) {
        if (sl.onNodes && nodes.length) slice.addSliver(`vm-${v}`, { node: nodes[v % nodes.length] });
        else slice.addSliver(`vm-${v}`, { deployment: dep });
      }
    }
  });
  cloud.grant(root!, 'admin');

  const services = slices.map(
    (slice, i) =>
      new lib.Service(cloud, `service #${i}`, {
        slices: [slice],
        ports: [8000 + i, { port: 53, protocol: 'udp' }],
        tenantSchema: { type: 'object', properties: { vlan: { type: 'integer', minimum: 1, maximum: 4094 } }, required: ['vlan'], additionalProperties: false },
        credentials: { token: lib.Secret.env(`SVC${i}_TOKEN`) },
        // Users may hold instances of any of them; each instance's vlan comes from a pool, unique per Service.
        acceptsUsers: true,
        pools: { vlan: { range: [1, 4094] } },
        unique: ['vlan'],
        ...(spec.volumes ? { onTenantInstance: (inst: XosLib.TenantSliver) => [{ id: 'volume', type: 'volume', attributes: { sizeGb: 10, for: inst.sliverName } }] } : {}),
      }),
  );
  const tenants: Tenant[] = [];
  const pairs = new Set<string>();
  const ensureNetwork = (slice: Slice) => {
    if (slice.networks.length || slice.joined.length || !slice.slivers.length) return;
    networks.push(slice.addNetwork('lan', { cidr: freshCidr(), template: privateTpl }));
  };
  for (const t of spec.tenancies) {
    const tenant = services[t.tenant];
    const provider = services[t.provider];
    if (!tenant || !provider || tenant === provider || pairs.has(`${t.tenant}>${t.provider}`)) continue;
    // A private connect's networks span both sides' Deployments: keep it inside one.
    const sameDeployment = sliceDeployment.get(tenant.slices[0]) === sliceDeployment.get(provider.slices[0]);
    const connect = t.connect !== 'public' && !sameDeployment ? 'public' : t.connect;
    pairs.add(`${t.tenant}>${t.provider}`);
    // Over the Internet, each side needs an interface: the provider's public address, the tenant's way out (TGT-001).
    if (connect === 'public') for (const svc of [tenant, provider]) ensureNetwork(svc.slices[0]);
    tenants.push(tenant.tenantOf(provider, { connect, attributes: { vlan: t.vlan } }));
  }
  if (spec.external && deployments.length) {
    const s3 = new lib.Controller(cloud, 'object-store', { backend: 's3', region: 'us-east-1', credentials: { access_key: lib.Secret.tfVar('s3_access_key'), secret_key: lib.Secret.tfVar('s3_secret_key') } });
    controllers.push(s3);
    const store = new lib.Service(cloud, 'object store', { controller: s3, ports: [443] });
    services.push(store);
    if (services[0] !== store) {
      ensureNetwork(services[0].slices[0]);
      tenants.push(services[0].tenantOf(store, { connect: 'public' }));
    }
  }
  // Subscribers: a chain along the first tenancy (tenant, then its provider), or one instance.
  const instances: XosLib.TenantInstance[] = [];
  const first = tenants[0];
  for (let n = 0; n < (spec.subscribers ?? 0); n++) {
    const user = new lib.User(cloud, `subscriber #${n}`, { site: sites[0] });
    const head = (first?.tenant ?? services[0]).addTenant(`sub #${n}`, { subscriber: user });
    instances.push(head);
    if (first) instances.push(first.provider.addTenant(`sub #${n}`, { subscriber: head }));
  }
  return { lib, cloud, image, flavors, privateTpl, publicTpl, deployments, controllers, sites, admins, slices, deploymentOf, services, networks, tenants, instances, freshCidr };
}

/** One mutation that breaks one invariant: the rule that must report it, and the object it names. */
export interface Mutation {
  readonly rule: string;
  /** The object the violation must name; absent when any object may carry it (a cycle). */
  readonly path?: string;
  /** Names the message must mention. */
  readonly mentions?: readonly string[];
}

type Mutator = (b: Built, pick: number) => Mutation | undefined;

const at = <T>(xs: readonly T[], pick: number): T | undefined => (xs.length ? xs[pick % xs.length] : undefined);
const slicesWithSlivers = (b: Built) => b.slices.filter((s) => s.slivers.length > 0);
const sliceWithDeploymentSlivers = (b: Built) => b.slices.filter((s) => s.slivers.some((v) => v.placement.deployment));

/**
 * Mutations by the rule they break. Each changes the built cloud in one place and returns
 * where the violation must appear, or undefined when the cloud has nothing to bend that way.
 */
export const MUTATIONS: Readonly<Record<string, Mutator>> = {
  'RBAC-001 a User homed at a Site of another cloud': (b) => {
    const other = new b.lib.Cloud({ name: 'elsewhere!' });
    const site = new b.lib.Site(other, 'foreign!');
    return { rule: 'RBAC-001', path: new b.lib.User(b.cloud, 'stranger!', { site }).key };
  },
  'RBAC-002 a role that is not a Site role': (b, p) => {
    const site = at(b.sites, p)!;
    return { rule: 'RBAC-002', path: site.grant(b.admins.get(site)!, 'owner' as never).key };
  },
  'RBAC-003 the same role granted twice': (b, p) => {
    const site = at(b.sites, p)!;
    return { rule: 'RBAC-003', path: site.grant(b.admins.get(site)!, 'admin').key };
  },
  'RBAC-004 a Slice with no admin': (b, p) => {
    const site = at(b.sites, p)!;
    return { rule: 'RBAC-004', path: site.addSlice('unowned!', { image: b.image, flavor: b.flavors[0] }).key };
  },
  'RBAC-005 a Site with a Slice and no Site admin': (b, p) => {
    const site = new b.lib.Site(b.cloud, 'adminless!');
    const slice = site.addSlice('s!', { image: b.image, flavor: b.flavors[0] });
    slice.grant(b.admins.get(at(b.sites, p)!)!, 'admin');
    return { rule: 'RBAC-005', path: site.key };
  },
  'DEP-001 a Node bound to no Deployment': (b, p) => ({ rule: 'DEP-001', path: at(b.sites, p)!.addNode('loose!', { deployment: undefined as never }).key }),
  'DEP-002 a Node at a Site its Deployment does not host': (b, p) => {
    // Relations are never taken back (a Deployment's Sites are read through copies): bind the Node to a Deployment that hosts nobody.
    const site = at(b.sites, p)!;
    const dep = new b.lib.Deployment(b.cloud, 'hosts-nobody!', { images: [b.image], flavors: b.flavors, networkTemplates: [b.privateTpl] });
    return { rule: 'DEP-002', path: site.addNode('unhosted!', { deployment: dep }).key };
  },
  'DEP-003 a Slice whose Site may not acquire its Deployment': (b, p) => {
    const slice = at(sliceWithDeploymentSlivers(b), p);
    if (!slice) return undefined;
    // A Sliver of it on a Deployment that lets no Site acquire it (but hosts its Site and has a Controller for it).
    const dep = new b.lib.Deployment(b.cloud, 'acquired-by-nobody!', { hostSites: [slice.site], images: [b.image], flavors: b.flavors, networkTemplates: [b.privateTpl] });
    dep.addController('head-of-nobody!', { backend: 'openstack', sites: [slice.site], credentials: { password: b.lib.Secret.env('NOBODY_PASSWORD') } });
    slice.addSliver('not-acquired!', { deployment: dep });
    return { rule: 'DEP-003', path: slice.key };
  },
  'DEP-004 an Image the Deployment does not support': (b, p) => {
    const slice = at(slicesWithSlivers(b), p)!;
    const img = new b.lib.Image(b.cloud, 'unsupported-image!');
    const odd = slice.site.addSlice('odd-image!', { image: img, flavor: b.flavors[0] });
    odd.grant(b.admins.get(slice.site)!, 'admin');
    odd.addSliver('vm!', { deployment: b.deploymentOf.get(slice.site)! });
    return { rule: 'DEP-004', path: odd.key };
  },
  'DEP-005 more Slivers than the per-Slice limit': (b, p) => {
    const slice = at(sliceWithDeploymentSlivers(b), p);
    if (!slice) return undefined;
    // The limit is 64 instances per Slice (buildCloud): one more than that on the same Deployment.
    const dep = b.deploymentOf.get(slice.site)!;
    const placed = slice.slivers.filter((v) => v.placement.deployment || v.placement.node).length;
    slice.addSlivers('over-the-limit!', dep.limits.instances! + 1 - placed, { deployment: dep });
    return { rule: 'DEP-005', path: slice.key };
  },
  'DEP-006 a NetworkTemplate the Deployment does not support': (b, p) => {
    const slice = at(slicesWithSlivers(b), p)!;
    const tpl = new b.lib.NetworkTemplate(b.cloud, 'exotic!');
    return { rule: 'DEP-006', path: slice.addNetwork('exotic-net!', { cidr: b.freshCidr(), template: tpl }).key };
  },
  'DEP-007 a Site no Controller binds': (b, p) => {
    // A new Site its Deployment hosts and serves, which no Controller binds: its Slice's Slivers reach no back-end.
    const slice = at(slicesWithSlivers(b), p)!;
    const dep = b.deploymentOf.get(slice.site)!;
    const site = new b.lib.Site(b.cloud, 'unbound!');
    dep.allowHosting(site).allowAcquire(site);
    const orphan = site.addSlice('orphan!', { image: b.image, flavor: b.flavors[0] });
    orphan.addSliver('vm!', { deployment: dep });
    return { rule: 'DEP-007', path: orphan.key };
  },
  'DEP-008 a literal credential': (b, p) => {
    // A Controller's credentials are fixed when it is made: one more, for a Deployment of the cloud, with a literal password.
    const dep = at(b.deployments, p)!;
    const c = dep.addController('leaky!', { backend: 'openstack', credentials: { password: 'hunter2-literal' as never } });
    return { rule: 'DEP-008', path: c.key };
  },
  'SLC-001 two Slices of one name at a Site': (b, p) => {
    const slice = at(b.slices, p)!;
    const twin = slice.site.addSlice('twin!', { image: b.image, flavor: b.flavors[0], name: slice.name });
    twin.grant(b.admins.get(slice.site)!, 'admin');
    return { rule: 'SLC-001', path: [slice.key, twin.key].sort()[1] };
  },
  'SLC-002 a Sliver with its own Image': (b, p) => {
    const slice = at(slicesWithSlivers(b), p)!;
    const img = new b.lib.Image(b.cloud, 'other-image!');
    b.deploymentOf.get(slice.site)!.support(img);
    return { rule: 'SLC-002', path: slice.addSliver('odd!', { deployment: b.deploymentOf.get(slice.site)!, image: img }).key };
  },
  'SLC-004 a Sliver with no placement': (b, p) => ({ rule: 'SLC-004', path: at(b.slices, p)!.addSliver('nowhere!', {} as never).key }),
  'SLC-006 two Slivers of different Slices whose host names meet': (b, p) => {
    const site = new b.lib.Site(b.cloud, 'hn');
    const dep = b.deploymentOf.get(at(b.sites, p)!)!;
    const v1 = site.addSlice('a', { image: b.image, flavor: b.flavors[0] }).addSliver('b-c', { deployment: dep });
    const v2 = site.addSlice('a-b', { image: b.image, flavor: b.flavors[0] }).addSliver('c', { deployment: dep });
    return { rule: 'SLC-006', mentions: [v1.key, v2.key] };
  },
  'NET-001 an invalid CIDR block': (b, p) => ({ rule: 'NET-001', path: at(b.slices, p)!.addNetwork('bad-cidr!', { cidr: `10.${p % 256}.0.0/33`, template: b.privateTpl }).key }),
  'NET-001 a block too small for its Slivers': (b, p) => {
    const slice = at(b.slices.filter((s) => s.slivers.length >= 2), p);
    if (!slice) return undefined;
    return { rule: 'NET-001', path: slice.addNetwork('tiny!', { cidr: '192.168.7.0/30', template: b.privateTpl }).key };
  },
  'NET-002 two Networks of one Slice overlap': (b, p) => {
    const slice = at(slicesWithSlivers(b), p)!;
    const first = slice.addNetwork('wide!', { cidr: '100.64.0.0/16', template: b.privateTpl });
    const second = slice.addNetwork('within!', { cidr: '100.64.1.0/24', template: b.privateTpl });
    return { rule: 'NET-002', path: [first.key, second.key].sort()[1] };
  },
  'NET-003 a Slice joins a Network it was not allowed into': (b, p) => {
    const owner = at(b.slices, p)!;
    const other = at(b.slices.filter((s) => s !== owner), p);
    if (!other) return undefined;
    const n = owner.addNetwork('closed!', { cidr: b.freshCidr(), template: b.privateTpl });
    other.join(n);
    return { rule: 'NET-003', path: other.key };
  },
  'NET-004 a Network bound to another Site': (b, p) => {
    const slice = at(slicesWithSlivers(b), p)!;
    const away = new b.lib.Site(b.cloud, 'away!');
    return { rule: 'NET-004', path: slice.addNetwork('away-net!', { cidr: b.freshCidr(), template: b.privateTpl, site: away }).key };
  },
  'NET-005 a public Network nobody acknowledged': (b, p) => ({ rule: 'NET-005', path: at(slicesWithSlivers(b), p)!.addNetwork('exposed!', { cidr: b.freshCidr(), template: b.publicTpl }).key }),
  'SEC-001 a Terraform template sequence in an Image source a Deployment offers': (b, p) => {
    const image = new b.lib.Image(b.cloud, 'templated!', { sourceUrl: '${file("/etc/passwd")}' });
    b.deploymentOf.get(at(b.sites, p)!)!.support(image);
    return { rule: 'SEC-001', path: image.key };
  },
  'SLC-005 two Sites with one login base on one back-end': (b, p) => {
    const slice = at(sliceWithDeploymentSlivers(b), p);
    if (!slice) return undefined;
    const dep = b.deploymentOf.get(slice.site)!;
    const twin = new b.lib.Site(b.cloud, 'twin-site!', { loginBase: slice.site.loginBase });
    dep.allowHosting(twin).allowAcquire(twin);
    b.controllers.find((c) => c.sites.includes(slice.site))!.addSite(twin);
    const admin = new b.lib.User(b.cloud, 'twin-admin!', { site: twin });
    twin.grant(admin, 'admin');
    const s = twin.addSlice('s!', { image: b.image, flavor: b.flavors[0] });
    s.grant(admin, 'admin');
    s.addSliver('v!', { deployment: dep });
    // Reported on whichever of the two comes second in key order.
    return { rule: 'SLC-005', mentions: ['twin-site!'] };
  },
  'NET-006 an interconnect that joins two Networks of one block': (b, p) => {
    const slice = at(sliceWithDeploymentSlivers(b), p);
    if (!slice) return undefined;
    const dep = b.deploymentOf.get(slice.site)!;
    const cidr = b.freshCidr();
    const [x, y] = ['x!', 'y!'].map((id) => {
      const s = slice.site.addSlice(id, { image: b.image, flavor: b.flavors[0] });
      s.grant(b.admins.get(slice.site)!, 'admin');
      s.addNetwork('lan', { cidr, template: b.privateTpl });
      s.addSliver('v', { deployment: dep });
      return s;
    });
    new b.lib.Service(b.cloud, 'x-service!', { slices: [x], ports: [80] }).tenantOf(new b.lib.Service(b.cloud, 'y-service!', { slices: [y], ports: [80] }), { connect: 'interconnect-private' });
    return { rule: 'NET-006', mentions: [`${x.key}/lan`, `${y.key}/lan`] };
  },
  'FLOW-003 a private tenancy whose sides run on two back-ends': (b, p) => {
    const slices = sliceWithDeploymentSlivers(b);
    const a = at(slices, p);
    const other = a && slices.find((s) => b.deploymentOf.get(s.site) !== b.deploymentOf.get(a.site));
    if (!a || !other) return undefined;
    const tenant = new b.lib.Service(b.cloud, 'far-tenant!', { slices: [a.site.addSlice('far-t!', { image: b.image, flavor: b.flavors[0] })], ports: [80] });
    const provider = new b.lib.Service(b.cloud, 'far-provider!', { slices: [other.site.addSlice('far-p!', { image: b.image, flavor: b.flavors[0] })], ports: [80] });
    tenant.slices[0].grant(b.admins.get(a.site)!, 'admin');
    provider.slices[0].grant(b.admins.get(other.site)!, 'admin');
    tenant.slices[0].addSliver('v', { deployment: b.deploymentOf.get(a.site)! });
    provider.slices[0].addSliver('v', { deployment: b.deploymentOf.get(other.site)! });
    return { rule: 'FLOW-003', path: tenant.tenantOf(provider, { connect: 'shared-private' }).key };
  },
  'FLOW-004 a provider with Slices and no port': (b, p) => {
    const [x, y] = [at(b.services.filter((s) => s.slices.length), p), at(b.services.filter((s) => s.slices.length), p + 1)];
    if (!x || !y || x === y) return undefined;
    const bare = new b.lib.Service(b.cloud, 'portless!', { slices: [x.slices[0].site.addSlice('portless!', { image: b.image, flavor: b.flavors[0] })] });
    bare.slices[0].grant(b.admins.get(x.slices[0].site)!, 'admin');
    return { rule: 'FLOW-004', path: y.tenantOf(bare, { connect: 'shared-private', attributes: { vlan: 1 } }).key };
  },
  'TGT-001 a Flavor with a fraction of a core on OpenStack': (b, p) => {
    const slice = at(sliceWithDeploymentSlivers(b), p);
    if (!slice) return undefined;
    const dep = b.deploymentOf.get(slice.site)!;
    const half = new b.lib.Flavor(b.cloud, 'half!', { cores: 1.5, ramMb: 1024 });
    dep.support(half);
    const s = slice.site.addSlice('half-slice!', { image: b.image, flavor: half });
    s.grant(b.admins.get(slice.site)!, 'admin');
    s.addSliver('v', { deployment: dep });
    return { rule: 'TGT-001', path: half.key };
  },
  'TEN-001 a Service that is its own tenant': (b, p) => {
    const s = at(b.services, p)!;
    return { rule: 'TEN-001', path: s.tenantOf(s, { connect: 'public' }).key };
  },
  'TEN-002 a tenancy that closes a cycle': (b, p) => {
    const t = at(b.tenants, p);
    if (!t) return undefined;
    t.provider.tenantOf(t.tenant, { connect: 'public', attributes: { vlan: 1 } });
    return { rule: 'TEN-002', mentions: [t.tenant.name, t.provider.name] };
  },
  'TEN-003 a connect mode that does not exist': (b, p) => {
    const [x, y] = [at(b.services, p)!, at(b.services, p + 1)!];
    if (x === y) return undefined;
    return { rule: 'TEN-003', path: x.tenantOf(y, { connect: 'wormhole' as never }).key };
  },
  'TEN-004 attributes that break the provider\'s schema': (b, p) => {
    const t = at(b.tenants.filter((x) => x.provider.tenantSchema), p);
    if (!t) return undefined;
    (t.attributes as Record<string, unknown>).vlan = 'ten';
    return { rule: 'TEN-004', path: t.key };
  },
  'TEN-005 a tenancy declared twice': (b, p) => {
    const t = at(b.tenants, p);
    if (!t) return undefined;
    const again = t.tenant.tenantOf(t.provider, { connect: 'public', attributes: { vlan: 7 } });
    return { rule: 'TEN-005', path: [t.key, again.key].sort()[1] };
  },
  'TEN-006 a Service with neither Slice nor Controller': (b) => ({ rule: 'TEN-006', path: new b.lib.Service(b.cloud, 'hollow!').key }),
  'TNI-001 an instance held by a User of another cloud': (b, p) => {
    const other = new b.lib.Cloud({ name: 'elsewhere!' });
    const stranger = new b.lib.User(other, 'stranger!', { site: new b.lib.Site(other, 'foreign!') });
    return { rule: 'TNI-001', path: at(b.services, p)!.addTenant('foreign!', { subscriber: stranger }).key };
  },
  'TNI-002 a chain that skips the tenancy graph': (b, p) => {
    const x = at(b.services, p)!;
    const y = b.services.find((s) => s !== x && !b.tenants.some((t) => t.tenant === x && t.provider === s));
    if (!y) return undefined;
    const head = x.addTenant('head!', { subscriber: b.admins.get(b.sites[0])! });
    return { rule: 'TNI-002', path: y.addTenant('skipped!', { subscriber: head }).key };
  },
  'TNI-003 instance attributes that break the provider\'s schema': (b, p) => {
    const s = at(b.services.filter((x) => x.tenantSchema), p)!;
    return { rule: 'TNI-003', path: s.addTenant('bad-vlan!', { subscriber: b.admins.get(b.sites[0])!, attributes: { vlan: 'ten' } }).key };
  },
  'TNI-004 two instances of one provider with one unique value': (b, p) => {
    const s = at(b.services.filter((x) => x.unique.length), p)!;
    const user = b.admins.get(b.sites[0])!;
    const a = s.addTenant('twin-a!', { subscriber: user, attributes: { vlan: 4000 } });
    const c = s.addTenant('twin-b!', { subscriber: user, attributes: { vlan: 4000 } });
    return { rule: 'TNI-004', path: [a.key, c.key].sort()[1] };
  },
  'TNI-005 a value outside the provider\'s pool': (b, p) => {
    const s = at(b.services.filter((x) => Object.keys(x.pools).length), p)!;
    return { rule: 'TNI-005', path: s.addTenant('off-pool!', { subscriber: b.admins.get(b.sites[0])!, attributes: { vlan: 0 } }).key };
  },
  'TNI-006 a subscriber left holding nothing': (b) => ({ rule: 'TNI-006', path: new b.lib.User(b.cloud, 'former subscriber!', { site: b.sites[0] }).key }),
  'XOS-ACK an acknowledged error': (b, p) => {
    const s = at(b.sites, p)!;
    s.acknowledge('RBAC-001', 'not a reason an error accepts');
    return { rule: 'XOS-ACK', path: s.key };
  },
  'XOS-NAME two Controllers with one stack name': (b, p) => {
    const c = at(b.controllers, p)!;
    return { rule: 'XOS-NAME', path: b.deployments[0].addController('twin-head!', { backend: 'openstack', stackName: c.stackName, credentials: {} }).key };
  },
};
