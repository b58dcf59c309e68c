// Slivers of different Sites and Slices whose derived host names collide: Site a-b, Slice web and Site a, Slice b-web both give 'a-b-web-vm'.
// expect exit: 1
// expect stdout: ^SLC-006 error .*: Sliver .* gets the host name 'a-b-web-vm', which Sliver .* already has\.
// expect stderr: ^xos: nothing was written\.$
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
const site = new Site(cloud, 'site1');
const alice = new User(cloud, 'alice', { site });
site.grant(alice, 'admin');
const image = new Image(cloud, 'ubuntu');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep1', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
const head = dep.addController('head', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
const web = site.addSlice('web', { image, flavor });
web.grant(alice, 'admin');
const lan = web.addNetwork('lan', { cidr: '10.0.0.0/24', template: tpl });
web.addSliver('vm1', { deployment: dep });
for (const [siteId, sliceId] of [['a-b', 'web'], ['a', 'b-web']] as const) {
  const s = new Site(cloud, siteId);
  s.grant(alice, 'admin');
  head.addSite(s);
  dep.allowAcquire(s);
  const sl = s.addSlice(sliceId, { image, flavor });
  sl.grant(alice, 'admin');
  sl.addSliver('vm', { deployment: dep });
}
cloud.synth();
