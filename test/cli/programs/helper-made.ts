// Slices made by a helper function: each is located at the call that made it, not inside the helper.
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User, type Slice } from 'xos';

const cloud = new Cloud({ name: 'helpers' });
const site = new Site(cloud, 'site1');
const u = new User(cloud, 'u1', { site });
site.grant(u, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'f', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('ctl', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });

function sliceWithoutAdmin(name: string): Slice {
  return site.addSlice(name, { image, flavor });
}

sliceWithoutAdmin('one');
sliceWithoutAdmin('two');
cloud.synth();
