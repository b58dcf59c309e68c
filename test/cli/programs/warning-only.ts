import { Cloud, Deployment, Flavor, Image, Site, User } from 'xos';

const cloud = new Cloud({ name: 'warn' });
const site = new Site(cloud, 'site1');
site.grant(new User(cloud, 'u1', { site }), 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'f', { cores: 1, ramMb: 1024 });
const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor] });
dep.addController('ctl', { backend: 'openstack', sites: [site] });
site.addSlice('s', { image, flavor }).addSliver('v', { deployment: dep });
cloud.synth();
