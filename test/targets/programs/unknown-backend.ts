// A Controller whose back-end kind no target knows.
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';
import type { BackendKind } from 'xos';

const cloud = new Cloud({ name: 'unknown-backend' });
const site = new Site(cloud, 'lab');
const ann = new User(cloud, 'ann', { site });
site.grant(ann, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('vsphere', { backend: 'vmware' as BackendKind, sites: [site], credentials: { password: Secret.env('VMWARE_PASSWORD') } });
const s = site.addSlice('s', { image, flavor });
s.grant(ann, 'admin');
s.addSliver('v', { deployment: dep });
cloud.synth();
