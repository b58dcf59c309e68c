// A Slice that joins a Network whose owner did not allow it.
// expect exit: 1
// expect stdout: ^NET-003 error site1/api: Slice site1/api joined Network site1/web/lan, but its owner Slice site1/web does not allow it\. Call allowJoin\(\.\.\.\) on the Network where it is declared, or remove the join\. \(.*net-003-uninvited\.ts:23\)$
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
const api = site.addSlice('api', { image, flavor });
api.grant(alice, 'admin');
api.addSliver('vm', { deployment: dep });
api.join(lan);
cloud.synth();
