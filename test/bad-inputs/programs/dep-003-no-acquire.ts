// Slivers on a Deployment that does not let the Slice's Site acquire resources.
// expect exit: 1
// expect stdout: ^DEP-003 error site2/api: Slice api has Slivers on Deployment dep1 \(vm\), but its Site 'site2' may not acquire resources there\. Call deployment\.allowAcquire\(site\)
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
const other = new Site(cloud, 'site2');
other.grant(alice, 'admin');
head.addSite(other);
const s2 = other.addSlice('api', { image, flavor });
s2.grant(alice, 'admin');
s2.addSliver('vm', { deployment: dep });
cloud.synth();
