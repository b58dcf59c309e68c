/**
 * Small builders for tests: a valid base cloud that each test bends to show one rule.
 */
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, Slice, User } from '../../lib/index';
import { compileCloud, type Compiled } from '../../lib/compile';

export interface Base {
  cloud: Cloud;
  site: Site;
  admin: User;
  image: Image;
  flavor: Flavor;
  tpl: NetworkTemplate;
  dep: Deployment;
  slice: Slice;
}

/** One Site with an admin, a Deployment with a Controller, one Slice with an admin. */
export function baseCloud(name = 'test'): Base {
  Cloud.reset();
  const cloud = new Cloud({ name });
  const site = new Site(cloud, 'site1');
  const admin = new User(cloud, 'admin1', { site, publicKeys: ['ssh-ed25519 AAAA admin1'] });
  site.grant(admin, 'admin');
  const image = new Image(cloud, 'img');
  const flavor = new Flavor(cloud, 'small', { cores: 2, ramMb: 2048 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const dep = new Deployment(cloud, 'dep1', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController('ctl1', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
  const slice = site.addSlice('s1', { image, flavor });
  slice.grant(admin, 'admin');
  return { cloud, site, admin, image, flavor, tpl, dep, slice };
}

/** Compile and return the violations of one rule. */
export function violationsOf(cloud: Cloud, id: string) {
  return compileCloud(cloud).violations.filter((v) => v.id === id);
}

export function compile(cloud: Cloud): Compiled {
  return compileCloud(cloud);
}
