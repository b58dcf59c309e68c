// A tenant schema pattern JavaScript would backtrack on for longer than the universe's age, on a 47-character value: checked at once.
// expect exit: 1
// expect stdout: ^TEN-004 error subscriber/tenant-of-volt: attributes\.id must match pattern "\^\(a\+\)\+\$"
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
const a = new Service(cloud, 'subscriber', { controller: head });
const b = new Service(cloud, 'volt', { slices: [web], tenantSchema: { type: 'object', properties: { id: { type: 'string', pattern: '^(a+)+$' } } } });
a.tenantOf(b, { connect: 'public', attributes: { id: 'a'.repeat(46) + '!' } });
cloud.synth();
