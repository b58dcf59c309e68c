/**
 * A generator of synthetic, valid XOS clouds of a given size, deterministic from a seed.
 * The benchmarks build clouds of about 1k to 100k Terraform resources with it; tests use it
 * at small sizes. Every cloud it makes validates clean (no error, no warning).
 */
import { Cloud } from '../constructs/cloud';
import { Controller, Deployment, Flavor, Image, NetworkTemplate } from '../constructs/infra';
import { Secret } from '../constructs/secret';
import { Service } from '../constructs/service';
import { Site } from '../constructs/site';
import type { Slice } from '../constructs/slice';
import { User } from '../constructs/user';
import type { ConnectMode } from '../lib/model/types';

export interface GenerateOptions {
  /** Seed of the pseudo-random choices. */
  readonly seed: number;
  /** About how many Terraform resources the local target should yield. */
  readonly resources: number;
  /**
   * Sites served by each Deployment (and its one Controller, so one stack).
   * @default 10
   */
  readonly sitesPerDeployment?: number;
  /**
   * The back-end of every Controller: OpenStack, or EC2 (the aws target).
   * @default 'openstack'
   */
  readonly backend?: 'openstack' | 'ec2';
}

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Local-target resources one generated Site yields, on average (measured; see the tests). */
export const RESOURCES_PER_SITE = 50;

const CONNECTS: ConnectMode[] = ['public', 'shared-private', 'interconnect-private'];

/**
 * Build a cloud: Sites grouped under Deployments (one OpenStack or EC2 Controller each), each Site
 * with an admin and a PI, Slices with an admin, Slivers placed on the Deployment, a private
 * Network per Slice, and Services (one per Slice) in a tenancy DAG of mixed connect modes.
 */
export function generateCloud(options: GenerateOptions): Cloud {
  const rnd = prng(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const per = options.sitesPerDeployment ?? 10;
  const sites = Math.max(1, Math.round(options.resources / RESOURCES_PER_SITE));

  const cloud = new Cloud({ name: `generated-${options.seed}-${options.resources}` });
  const image = new Image(cloud, 'ubuntu-22.04');
  const flavors = [new Flavor(cloud, 'm1.small', { cores: 1, ramMb: 2048 }), new Flavor(cloud, 'm1.medium', { cores: 2, ramMb: 4096 })];
  const tpl = new NetworkTemplate(cloud, 'private');
  let root: User | undefined;

  let deployment: Deployment | undefined;
  let controller: Controller | undefined;
  let depIndex = 0;
  const services: Service[] = [];
  let tenancies = 0;
  let depStart = 0;
  let net = 0;
  for (let i = 0; i < sites; i++) {
    if (i % per === 0) {
      deployment = new Deployment(cloud, `dep-${depIndex}`, { images: [image], flavors, networkTemplates: [tpl], limits: { instances: 64, cores: 256 } });
      controller = deployment.addController(
        `ctl-${depIndex}`,
        options.backend === 'ec2'
          ? { backend: 'ec2', region: 'us-east-1', credentials: { access_key: Secret.env(`DEP${depIndex}_AWS_ACCESS_KEY_ID`), secret_key: Secret.env(`DEP${depIndex}_AWS_SECRET_ACCESS_KEY`) } }
          : {
              backend: 'openstack',
              url: `https://keystone.dep-${depIndex}.example:5000/v3`,
              credentials: { username: Secret.env(`DEP${depIndex}_OS_USERNAME`), password: Secret.env(`DEP${depIndex}_OS_PASSWORD`) },
            },
      );
      depIndex++;
      depStart = services.length;
    }
    const dep = deployment!;
    const site = new Site(cloud, `site-${i}`);
    dep.allowHosting(site).allowAcquire(site);
    controller!.addSite(site);
    const admin = new User(cloud, `admin-${i}`, { site, publicKeys: [`ssh-ed25519 AAAAgenerated${i} admin-${i}`] });
    const pi = new User(cloud, `pi-${i}`, { site, publicKeys: [`ssh-ed25519 AAAAgeneratedpi${i} pi-${i}`] });
    site.grant(admin, 'admin');
    site.grant(pi, 'pi');
    root ??= new User(cloud, 'root-admin', { site, publicKeys: ['ssh-ed25519 AAAAgeneratedroot root-admin'] });
    const nSlices = 1 + Math.floor(rnd() * 3);
    for (let s = 0; s < nSlices; s++) {
      const slice: Slice = site.addSlice(`slice-${s}`, { image, flavor: pick(flavors) });
      slice.grant(admin, 'admin');
      if (rnd() < 0.5) slice.grant(pi, 'access');
      const third = Math.floor(net / 256);
      slice.addNetwork('lan', { cidr: `10.${third % 256}.${net % 256}.0/24`, template: tpl });
      net++;
      const nSlivers = 2 + Math.floor(rnd() * 6);
      slice.addSlivers('vm', nSlivers, { deployment: dep });
      const svc = new Service(cloud, `svc-${i}-${s}`, { slices: [slice], ports: [8000 + (services.length % 1000)] });
      // A DAG: each Service may be a tenant of one earlier Service. Private connects stay
      // within one Deployment (a derived network spans both sides' Deployments, DEP-003).
      if (services.length && rnd() < 0.6) {
        const connect = pick(CONNECTS);
        const pool = connect === 'public' ? services : services.slice(depStart);
        if (!pool.length) {
          services.push(svc);
          continue;
        }
        const provider = pool[Math.floor(rnd() * pool.length)];
        // An explicit block for a derived network: 14336 distinct /24s in 10.200.0.0-10.255.255.0,
        // apart from the Slices' own (10.0-10.199): an EC2 VPC holds blocks of one private range.
        const t = tenancies++;
        svc.tenantOf(provider, { connect, cidr: `10.${200 + ((t >> 8) % 56)}.${t % 256}.0/24` });
      }
      services.push(svc);
    }
  }
  cloud.grant(root!, 'admin');
  return cloud;
}

export interface OfficeOptions {
  /** Seed of the pseudo-random choices. */
  readonly seed: number;
  /** Subscribers in the whole cloud, each a chain of three tenant instances (vOLT -> vCPE -> vBNG). */
  readonly subscribers: number;
  /**
   * Subscribers per central office: each office is a Site, a Deployment and its Controller
   * (one stack), with its own vOLT, vCPE and vBNG. The paper's central offices serve 10k to
   * 100k subscribers; a stack of 10k subscribers is a plan Terraform handles.
   * @default 10000
   */
  readonly perOffice?: number;
  /**
   * The back-end of every Controller.
   * @default 'openstack'
   */
  readonly backend?: 'openstack' | 'ec2';
}

/** Subscribers per office by default. */
export const SUBSCRIBERS_PER_OFFICE = 10000;

/**
 * A cloud of central offices (paper 4.3) with `subscribers` Users, each holding a chain of
 * three tenant instances: a VLAN of the office's vOLT (its s_tag given, as operators give
 * them; its c_tag from a pool per s_tag), a bundle of its vCPE, and a routable /29 of its
 * vBNG (from a pool). Deterministic from the seed; validates clean.
 */
export function generateOffices(options: OfficeOptions): Cloud {
  const rnd = prng(options.seed);
  const per = options.perOffice ?? SUBSCRIBERS_PER_OFFICE;
  const offices = Math.max(1, Math.ceil(options.subscribers / per));
  const cloud = new Cloud({ name: `offices-${options.seed}-${options.subscribers}` });
  const image = new Image(cloud, 'vnf-base');
  const flavor = new Flavor(cloud, 'm1.large', { cores: 4, ramMb: 8192 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const bundles = ['basic', 'family', 'business'];
  let root: User | undefined;
  let left = options.subscribers;
  for (let o = 0; o < offices; o++) {
    const site = new Site(cloud, `co${o}`);
    const dep = new Deployment(cloud, `co${o}-pod`, { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl], limits: { instances: 64, cores: 256 } });
    dep.addController(
      `co${o}-head`,
      options.backend === 'ec2'
        ? { backend: 'ec2', region: 'us-east-1', sites: [site], credentials: { access_key: Secret.env(`CO${o}_AWS_ACCESS_KEY_ID`), secret_key: Secret.env(`CO${o}_AWS_SECRET_ACCESS_KEY`) } }
        : { backend: 'openstack', url: `https://keystone.co${o}.example:5000/v3`, sites: [site], credentials: { username: Secret.env(`CO${o}_OS_USERNAME`), password: Secret.env(`CO${o}_OS_PASSWORD`) } },
    );
    const admin = new User(cloud, `admin-co${o}`, { site, publicKeys: [`ssh-ed25519 AAAAgenerated${o} admin-co${o}`] });
    site.grant(admin, 'admin');
    root ??= admin;
    const service = (name: string, n: number, cidr: string, props: object): Service => {
      const slice = site.addSlice(name.toLowerCase(), { image, flavor });
      slice.grant(admin, 'admin');
      slice.addNetwork('lan', { cidr, template: tpl });
      slice.addSlivers('vm', n, { deployment: dep });
      return new Service(cloud, `${name}-co${o}`, { slices: [slice], ...props });
    };
    const volt = service('vOLT', 2, `10.${o % 256}.1.0/24`, {
      acceptsUsers: true,
      instanceSchema: { type: 'object', required: ['s_tag', 'c_tag'], properties: { s_tag: { type: 'integer', minimum: 1, maximum: 4094 }, c_tag: { type: 'integer', minimum: 1, maximum: 4094 } } },
      unique: [['s_tag', 'c_tag']],
      pools: { c_tag: { range: [2, 4094], per: 's_tag' } },
    });
    const vcpe = service('vCPE', 4, `10.${o % 256}.2.0/24`, { instanceSchema: { type: 'object', required: ['bundle'], properties: { bundle: { enum: bundles } } } });
    const vbng = service('vBNG', 2, `10.${o % 256}.3.0/24`, { pools: { routable_subnet: { block: `100.${64 + (o % 16) * 4}.0.0/14`, prefix: 29 } } });
    volt.tenantOf(vcpe, { connect: 'none' });
    vcpe.tenantOf(vbng, { connect: 'none' });
    const here = Math.min(per, left);
    left -= here;
    for (let i = 0; i < here; i++) {
      const id = `sub-${o}-${i}`;
      const user = new User(cloud, id, { site });
      const v = volt.addTenant(id, { subscriber: user, attributes: { s_tag: 100 + Math.floor(i / 4000) } });
      const c = vcpe.addTenant(id, { subscriber: v, attributes: { bundle: bundles[Math.floor(rnd() * bundles.length)] } });
      vbng.addTenant(id, { subscriber: c });
    }
  }
  cloud.grant(root!, 'admin');
  return cloud;
}
