// A tenancy cycle through 5,000 Services: named whole, on one line cut short.
// expect exit: 1
// expect stdout: ^TEN-002 error svc-4999/tenant-of-svc-0: the tenancy graph has a cycle: svc-0 -> svc-1 -> svc-2 -> .*\.\.\.\([\d,]+ characters\)\.\.\..* -> svc-0\. Remove one of these tenancies\. This tenancy \(svc-4999 -> svc-0\), declared last, closed it\. \(test\/bad-inputs\/programs\/tenancy-cycle-long\.ts:\d+\)$
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
const svcs = Array.from({ length: 5000 }, (_, i) => new Service(cloud, `svc-${i}`, { controller: head }));
svcs.forEach((s, i) => s.tenantOf(svcs[(i + 1) % svcs.length], { connect: 'public' }));
cloud.synth();
