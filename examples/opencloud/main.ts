/**
 * opencloud: the service graph of the XOS paper's Figure 7, deployed the way OpenCloud was
 * (paper, 3.4): edge sites each running their own OpenStack, eleven Internet2 routing
 * centers run as one distributed OpenStack, five modest data centers each with its own
 * OpenStack, and EC2 as a commodity cloud. S3, Google App Engine and EC2 are external
 * services: a Controller and no Slice.
 *
 * The tenancy graph: HyperCache (HPC) is a tenant of RequestRouter (RR); Syndicate builds
 * on S3, GAE and HyperCache; a NewService is a tenant of Syndicate (secure bootstrapping)
 * and of EC2 for extra compute. Services on different back-ends connect over the Internet
 * (`public`); Syndicate reaches HyperCache privately where both run (`xos verify` proves it).
 */
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'opencloud' });

// Operators and the catalog every deployment shares.
const onlab = new Site(cloud, 'onlab', { location: 'Menlo Park, CA', url: 'https://onlab.example' });
const ops = new User(cloud, 'larry', { site: onlab, email: 'larry@onlab.example', publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOpenCloudOperatorKeyLarry000000000000 larry'] });
cloud.grant(ops, 'admin');
onlab.grant(ops, 'admin');
const ubuntu = new Image(cloud, 'ubuntu-22.04');
const small = new Flavor(cloud, 'm1.small', { cores: 1, ramMb: 2048, diskGb: 20 });
const medium = new Flavor(cloud, 'm1.medium', { cores: 2, ramMb: 4096, diskGb: 40 });
const privateTpl = new NetworkTemplate(cloud, 'private');
const catalog = { images: [ubuntu], flavors: [small, medium], networkTemplates: [privateTpl] };
const openstackCreds = (prefix: string) => ({ username: Secret.env(`${prefix}_OS_USERNAME`), password: Secret.env(`${prefix}_OS_PASSWORD`) });

// Tier 1: edge sites at universities, each an independent OpenStack cluster.
const edges = ['princeton', 'stanford', 'washington'].map((id) => {
  const site = new Site(cloud, id, { url: `https://${id}.example` });
  const admin = new User(cloud, `${id}-admin`, { site, publicKeys: [`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${id.padEnd(40, '0')} ${id}-admin`] });
  site.grant(admin, 'admin');
  const dep = new Deployment(cloud, `${id}-edge`, { hostSites: [site], acquireSites: [site, onlab], ...catalog, limits: { instances: 10, cores: 20 } });
  dep.grant(admin, 'admin');
  dep.addController(`${id}-openstack`, { backend: 'openstack', url: `https://keystone.${id}.example:5000/v3`, sites: [site], credentials: openstackCreds(id.toUpperCase()) });
  return { site, dep };
});

// Tier 2: eleven Internet2 routing centers, one distributed OpenStack.
const i2Sites = ['atla', 'chic', 'hous', 'kans', 'losa', 'newy', 'salt', 'seat', 'wash', 'clev', 'jack'].map(
  (id) => new Site(cloud, `i2-${id}`, { loginBase: `i2${id}`, location: `Internet2 routing center ${id.toUpperCase()}` }),
);
const i2admin = new User(cloud, 'i2-noc', { site: i2Sites[0], publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIInternet2NocKey000000000000000000000000 noc'] });
for (const s of i2Sites) s.grant(i2admin, 'admin');
const internet2 = new Deployment(cloud, 'internet2', { hostSites: i2Sites, acquireSites: [onlab, ...i2Sites], ...catalog, limits: { instances: 24, cores: 48 } });
internet2.grant(i2admin, 'admin');
internet2.addController('internet2-openstack', { backend: 'openstack', url: 'https://keystone.i2.example:5000/v3', sites: i2Sites, credentials: openstackCreds('I2') });
for (const s of i2Sites) s.addNode('node-1', { deployment: internet2 });

// Tier 3: five data centers, each an independent OpenStack cluster.
const dcs = ['east-1', 'east-2', 'west-1', 'west-2', 'europe'].map((id) => {
  const site = new Site(cloud, `dc-${id}`, { loginBase: `dc${id.replace('-', '')}` });
  site.grant(ops, 'admin');
  const dep = new Deployment(cloud, `dc-${id}-cluster`, { hostSites: [site], acquireSites: [site, onlab], ...catalog, limits: { instances: 16, cores: 64 } });
  dep.grant(ops, 'admin');
  dep.addController(`dc-${id}-openstack`, { backend: 'openstack', url: `https://keystone.dc-${id}.example:5000/v3`, sites: [site], credentials: openstackCreds(`DC_${id.replace('-', '_').toUpperCase()}`) });
  return { site, dep };
});

// Tier 4: a commodity cloud, EC2, as a Deployment OpenCloud's slices can acquire from.
const ec2 = new Deployment(cloud, 'ec2', { acquireSites: [onlab], ...catalog, limits: { instances: 20 } });
const ec2Controller = ec2.addController('ec2-us-east-1', {
  backend: 'ec2',
  region: 'us-east-1',
  sites: [onlab],
  credentials: { access_key: Secret.env('AWS_ACCESS_KEY_ID'), secret_key: Secret.env('AWS_SECRET_ACCESS_KEY') },
});

// External services: a Controller and no Slice.
const s3Controller = new Controller(cloud, 's3', { backend: 's3', region: 'us-east-1', credentials: { access_key: Secret.env('AWS_ACCESS_KEY_ID'), secret_key: Secret.env('AWS_SECRET_ACCESS_KEY') } });
const gaeController = new Controller(cloud, 'gae', { backend: 'gae', url: 'https://appengine.example', credentials: { service_account: Secret.tfVar('gae_service_account') } });
const s3 = new Service(cloud, 'S3', { controller: s3Controller, description: 'object storage' });
const gae = new Service(cloud, 'GAE', { controller: gaeController, description: 'Google App Engine' });
const ec2Service = new Service(cloud, 'EC2', { controller: ec2Controller, description: 'commodity compute' });

// Services running in Slices of the OpenCloud operators' Site.
const rrSlice = onlab.addSlice('rr', { image: ubuntu, flavor: small, description: 'request routers in the data centers' });
dcs.forEach(({ site, dep }, i) => rrSlice.addSliver(`rr-${i + 1}`, { deployment: dep, site }));
// Each data center's request router answers on a floating IP from this network.
rrSlice.addNetwork('lan', { cidr: '10.70.0.0/24', template: privateTpl });
const hpcSlice = onlab.addSlice('hpc', { image: ubuntu, flavor: medium, description: 'caches at the edges, in Internet2, and beside Syndicate' });
i2Sites.forEach((site, i) => hpcSlice.addSliver(`cache-i2-${i + 1}`, { deployment: internet2, site }));
edges.forEach(({ site, dep }) => hpcSlice.addSliver(`cache-${site.node.id}`, { deployment: dep, site }));
// Syndicate's gateways reach a cache in their own data center privately (a private connect
// needs both sides on one back-end: independent OpenStack clusters share no network).
[dcs[0], dcs[2]].forEach(({ site, dep }) => hpcSlice.addSliver(`cache-${site.node.id}`, { deployment: dep, site }));
const syndicateSlice = onlab.addSlice('syndicate', { image: ubuntu, flavor: small, description: 'Syndicate metadata and gateways' });
syndicateSlice.addSliver('ms-east', { deployment: dcs[0].dep, site: dcs[0].site });
syndicateSlice.addSliver('ms-west', { deployment: dcs[2].dep, site: dcs[2].site });
const newSlice = onlab.addSlice('newservice', { image: ubuntu, flavor: small, description: 'a new service someone creates' });
// Its instances reach Syndicate and EC2 over the Internet from this network (one copy per back-end).
newSlice.addNetwork('lan', { cidr: '10.80.0.0/24', template: privateTpl });
newSlice.addSliver('app-1', { deployment: edges[0].dep, site: edges[0].site });
newSlice.addSliver('app-2', { deployment: ec2, site: onlab });
for (const s of [rrSlice, hpcSlice, syndicateSlice, newSlice]) s.grant(ops, 'admin');

const rr = new Service(cloud, 'RequestRouter', { slices: [rrSlice], ports: [53, { port: 53, protocol: 'udp' }], description: 'redirects clients to nearby caches' });
const hpc = new Service(cloud, 'HyperCache', { slices: [hpcSlice], ports: [80, 8080], description: 'content caches' });
const syndicate = new Service(cloud, 'Syndicate', {
  slices: [syndicateSlice],
  ports: [32780],
  credentials: { volume_key: Secret.tfVar('syndicate_volume_key') },
  tenantSchema: { type: 'object', required: ['volume'], properties: { volume: { type: 'string', minLength: 1 }, read_only: { type: 'boolean' } } },
  // Syndicate mounts a volume in every VM of every tenant (paper, 3.2).
  onTenantInstance: (i) => [{ id: 'volume', type: 'volume', attributes: { volume: (i.attributes as { volume: string }).volume, mount: '/mnt/syndicate', host: i.sliverName } }],
});
const newService = new Service(cloud, 'NewService', { slices: [newSlice], ports: [443] });

// The caches ask the request routers over the Internet: they run on other back-ends.
hpc.tenantOf(rr, { connect: 'public' });
syndicate.tenantOf(s3, { connect: 'public' });
syndicate.tenantOf(gae, { connect: 'public' });
// Each side keeps its own private network; a logical gateway joins them in each data center.
// The block is split: Syndicate's network takes 10.64.0.0/24, HyperCache's 10.64.1.0/24.
syndicate.tenantOf(hpc, { connect: 'interconnect-private', cidr: '10.64.0.0/23' });
newService.tenantOf(syndicate, { connect: 'public', attributes: { volume: 'newservice-config', read_only: true } });
newService.tenantOf(ec2Service, { connect: 'public' });

new View(cloud, 'tenant-view', { type: 'javascript', url: 'https://portal.opencloud.example/views/tenant' });
new View(cloud, 'developer-view', { type: 'javascript', url: 'https://portal.opencloud.example/views/developer' });
new View(cloud, 'operator-view', { type: 'javascript', url: 'https://portal.opencloud.example/views/operator' });

cloud.synth();
