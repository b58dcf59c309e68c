// A private connect to an external Service (no Slice).
// expect exit: 1
// expect stdout: ^TEN-003 error cdn/tenant-of-storage: connect 'shared-private' needs the provider Service storage to have Slices, but it has none \(it is an external Service, reachable only public\)\. Use connect 'public' \(or 'none' for a control-plane-only tenancy\)\.
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
const s3 = new Controller(cloud, 's3', { backend: 's3', region: 'us-east-1' });
const a = new Service(cloud, 'cdn', { slices: [web] });
const b = new Service(cloud, 'storage', { controller: s3 });
a.tenantOf(b, { connect: 'shared-private' });
cloud.synth();
