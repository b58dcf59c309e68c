// A program with one error (a literal credential) and one warning (a Slice with no admin).
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';

const cloud = new Cloud({ name: 'broken' });
const site = new Site(cloud, 'site1');
const u = new User(cloud, 'u1', { site });
site.grant(u, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'f', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('ctl', { backend: 'openstack', sites: [site], credentials: { password: 'sw0rdfish-literal' as unknown as Secret } });
const slice = site.addSlice('s', { image, flavor });
slice.addSliver('v', { deployment: dep });
cloud.synth();
