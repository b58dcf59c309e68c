// A Site id of 10 MB, with a violation that names it: the message is cut, not 10 MB long.
// expect exit: 0
// expect stdout: ^RBAC-005 warning s{100,}\.\.\.\(9,999,\d{3} characters\)\.\.\.s{50,}: Site s+\.\.\.\(9,99\d,\d{3} characters\)\.\.\..* has no Site admin\. Grant one: site\.grant\(user, 'admin'\)\. \(test\/bad-inputs\/programs\/string-10mb-id\.ts:\d+\)$
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
new Site(cloud, 's'.repeat(10_000_000)).addSlice('x', { image, flavor });
cloud.synth();
