// deployment.support(undefined): a usage error at the call's own line, naming the Deployment, the value and the fix.
// expect exit: 1
// expect stderr: ^xos: test/bad-inputs/programs/usage-support-undefined\.ts:16: Deployment 'dep1': support\(\) was given undefined, not an Image, Flavor or NetworkTemplate\. Pass objects declared in the cloud: new Image\(cloud, 'id'\), .*NetworkTemplate\(cloud, 'id'\)\.$
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
const extra: NetworkTemplate | undefined = undefined;
dep.support(extra!);
cloud.synth();
