/**
 * A generator of synthetic, valid XOS clouds of a given size, deterministic from a seed.
 * The benchmarks build clouds of about 1k to 100k Terraform resources with it; tests use it
 * at small sizes. Every cloud it makes validates clean (no error, no warning).
 */
import { Cloud } from '../../constructs/cloud';
import { Controller, Deployment, Flavor, Image, NetworkTemplate } from '../../constructs/infra';
import { Secret } from '../../constructs/secret';
import { Service } from '../../constructs/service';
import { Site } from '../../constructs/site';
import type { Slice } from '../../constructs/slice';
import { User } from '../../constructs/user';
import type { ConnectMode } from '../model/types';

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
