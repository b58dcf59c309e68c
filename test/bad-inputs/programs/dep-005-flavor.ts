// A Slice whose Flavor the Deployment does not offer.
// expect exit: 1
// expect stdout: ^DEP-005 error site1/api: Slice api: flavor 'huge' is not offered by deployment 'dep1' \(offered: small\)\. Add it to the deployment's flavors or pick one of those\.
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
const big = new Flavor(cloud, 'huge', { cores: 64, ramMb: 262144 });
const s2 = site.addSlice('api', { image, flavor: big });
s2.grant(alice, 'admin');
s2.addSliver('vm', { deployment: dep });
cloud.synth();
