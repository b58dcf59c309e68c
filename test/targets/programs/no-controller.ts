// Slivers on a Deployment that has no Controller for their Site.
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';

const cloud = new Cloud({ name: 'no-controller' });
const lab = new Site(cloud, 'lab');
const annex = new Site(cloud, 'annex');
const ann = new User(cloud, 'ann', { site: lab });
lab.grant(ann, 'admin');
annex.grant(ann, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep', { hostSites: [lab, annex], acquireSites: [lab, annex], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('lab-head', { backend: 'openstack', sites: [lab], credentials: { password: Secret.env('OS_PASSWORD') } });
const s = annex.addSlice('s', { image, flavor });
s.grant(ann, 'admin');
s.addSliver('v', { deployment: dep });
cloud.synth();
