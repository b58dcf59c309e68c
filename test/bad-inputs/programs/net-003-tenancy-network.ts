// A shared-private tenancy whose network belongs to a third Service's Slice, which never allowed the two.
// expect exit: 1
// expect stdout: ^NET-003 error App/tenant-of-DB: this tenancy joins Slices site1/app, site1/db to Network site1/web/lan, owned by Slice site1/web \(Service Web\), which is neither the tenant's nor the provider's and never allowed it\. .* \(.*net-003-tenancy-network\.ts:\d+\)$
// expect stderr: ^xos: nothing was written\.$
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from 'xos';

const cloud = new Cloud({ name: 'bad' });
const site = new Site(cloud, 'site1');
const alice = new User(cloud, 'alice', { site });
site.grant(alice, 'admin');
const image = new Image(cloud, 'ubuntu');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep1', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('head', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
const [web, app, db] = ['web', 'app', 'db'].map((id) => {
  const s = site.addSlice(id, { image, flavor });
  s.grant(alice, 'admin');
  s.addSliver('vm', { deployment: dep });
  return s;
});
const lan = web.addNetwork('lan', { cidr: '10.0.0.0/24', template: tpl });
new Service(cloud, 'Web', { slices: [web], ports: [80] });
const provider = new Service(cloud, 'DB', { slices: [db], ports: [5432] });
new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'shared-private', network: lan });
cloud.synth();
