// Two Sites whose ids map to one Terraform name (a hash collision of the name mapping).
// expect exit: 1
// expect stdout: ^XOS-NAME error 丘丝あ: in stack head, '\u4e18\u4e1d\u3042' and '\u4e07\u4e48\u30a2' \(declared at test\/bad-inputs\/programs\/xos-name-hash\.ts:\d+\) both map to the Terraform name 'site_+[0-9a-f]{6}'\. Rename one of them\.
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
for (const id of ['\u4e07\u4e48\u30a2', '\u4e18\u4e1d\u3042']) {
  const s = new Site(cloud, id);
  s.grant(alice, 'admin');
  head.addSite(s);
}
cloud.synth();
