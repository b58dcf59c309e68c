/**
 * The text of a valid XOS program of a given size, for tests that run the real CLI on a
 * large cloud (interrupting a synth, racing two synths). It imports only `xos`, so it runs
 * from any folder; it makes no random choice, so the same arguments give the same cloud.
 */
export interface BigProgramOptions {
  /** The cloud's name (two programs of one size but different names synthesize differently). */
  readonly name: string;
  /** Sites; each brings about 40 Terraform resources on the local target. */
  readonly sites: number;
  /** Sites per Deployment (and per Controller, so per stack). @default 10 */
  readonly sitesPerStack?: number;
}

export function bigProgram(o: BigProgramOptions): string {
  const per = o.sitesPerStack ?? 10;
  return `import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';

const cloud = new Cloud({ name: ${JSON.stringify(o.name)} });
const image = new Image(cloud, 'ubuntu');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
let dep: Deployment | undefined;
let ctl: ReturnType<Deployment['addController']> | undefined;
for (let i = 0; i < ${o.sites}; i++) {
  if (i % ${per} === 0) {
    dep = new Deployment(cloud, 'dep-' + i, { images: [image], flavors: [flavor], networkTemplates: [tpl] });
    ctl = dep.addController('ctl-' + i, { backend: 'openstack', credentials: { password: Secret.env('OS_PASSWORD') } });
  }
  const site = new Site(cloud, 'site-' + i);
  dep!.allowHosting(site).allowAcquire(site);
  ctl!.addSite(site);
  const admin = new User(cloud, 'admin-' + i, { site, publicKeys: ['ssh-ed25519 AAAA' + i] });
  site.grant(admin, 'admin');
  for (let s = 0; s < 3; s++) {
    const slice = site.addSlice('slice-' + s, { image, flavor });
    slice.grant(admin, 'admin');
    slice.addNetwork('lan', { cidr: '10.' + (s * 64 + (i >> 8) % 64) + '.' + (i % 256) + '.0/24', template: tpl });
    slice.addSlivers('vm', 4, { deployment: dep! });
  }
}
cloud.synth();
`;
}
