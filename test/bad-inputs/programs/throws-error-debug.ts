// A program that throws, run with --debug: the stack trace is shown.
// expect args: --debug
// expect exit: 1
// expect stderr: ^xos: the program threw: inventory service unreachable \(at test\/bad-inputs\/programs\/throws-error-debug\.ts:\d+\)$
// expect stderr: ^\s+at inventory \(.*throws-error-debug\.ts:\d+:\d+\)$
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
function inventory(): never {
  throw new Error('inventory service unreachable');
}
inventory();
cloud.synth();
