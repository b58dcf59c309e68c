// A private tenancy whose tenant runs on a back-end where its provider does not.
// expect exit: 1
// expect stdout: ^FLOW-003 error App/tenant-of-DB: interconnect-private tenancy of App on DB: back-end far \(site2/app/vm\) runs App but no Sliver of DB \(it runs on head\), and back-ends share no private network\. Run a DB Sliver on far's Deployment, or connect them 'public'\. \(.*flow-003-across-back-ends\.ts:\d+\)$
// expect stderr: ^xos: nothing was written\.$
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from 'xos';

const cloud = new Cloud({ name: 'bad' });
const [site1, site2] = ['site1', 'site2'].map((id) => new Site(cloud, id));
const alice = new User(cloud, 'alice', { site: site1 });
site1.grant(alice, 'admin');
site2.grant(alice, 'admin');
const image = new Image(cloud, 'ubuntu');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const [dep1, dep2] = [site1, site2].map((site, i) => {
  const dep = new Deployment(cloud, `dep${i + 1}`, { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController(i ? 'far' : 'head', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
  return dep;
});
const db = site1.addSlice('db', { image, flavor });
db.grant(alice, 'admin');
db.addSliver('vm', { deployment: dep1 });
const app = site2.addSlice('app', { image, flavor });
app.grant(alice, 'admin');
app.addSliver('vm', { deployment: dep2 });
new Service(cloud, 'App', { slices: [app] }).tenantOf(new Service(cloud, 'DB', { slices: [db], ports: [5432] }), { connect: 'interconnect-private' });
cloud.synth();
