// Two Services that are tenants of each other.
// expect exit: 1
// expect stdout: ^TEN-002 error vbng/tenant-of-vcpe: the tenancy graph has a cycle: vbng -> vcpe -> vbng\. Remove one of these tenancies\. This tenancy \(vbng -> vcpe\), declared last, closed it\. \(test\/bad-inputs\/programs\/ten-002-cycle-2\.ts:23\)$
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
const a = new Service(cloud, 'vcpe', { slices: [web] });
const b = new Service(cloud, 'vbng', { controller: head });
a.tenantOf(b, { connect: 'public' });
b.tenantOf(a, { connect: 'public' });
cloud.synth();
