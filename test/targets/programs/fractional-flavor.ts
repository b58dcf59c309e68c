// A Flavor with half a core: no OpenStack flavor can say that.
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';

const cloud = new Cloud({ name: 'fractional-flavor' });
const site = new Site(cloud, 'lab');
const ann = new User(cloud, 'ann', { site });
site.grant(ann, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'half', { cores: 1.5, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('head', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
const s = site.addSlice('s', { image, flavor });
s.grant(ann, 'admin');
s.addSliver('v', { deployment: dep });
cloud.synth();
