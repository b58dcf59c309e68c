/**
 * central-office: the Telco central office re-architected as a datacenter (XOS paper, 4.3,
 * Figure 8). A subscriber is a tenant of vOLT (a VLAN), vOLT a tenant of vCPE (a service
 * bundle on that VLAN), vCPE a tenant of vBNG (a routable subnet); the CDN is a tenant of
 * vBNG too. The vOLT and vCPE VMs share one private virtual network; vCPE and the CDN share
 * a second, publicly routable one, which vBNG routes to the Internet.
 *
 * Its subscribers: three named ones below, and 1,000 more in subscribers.csv (as an operator
 * keeps them), each a chain of tenant instances: the subscriber's account -> a VLAN of vOLT
 * -> a bundle of vCPE -> a routable subnet of vBNG. Values the pools allocate (c_tag,
 * routable_subnet) are recorded in xos.allocations.json beside this file.
 */
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, readRecords, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'central-office' });

// Infrastructure: one central office, its pod of servers, run by one OpenStack head node.
const co = new Site(cloud, 'co1', { location: 'Central office 1, Menlo Park, CA', loginBase: 'co1' });
const ubuntu = new Image(cloud, 'ubuntu-22.04');
const vnf = new Image(cloud, 'vnf-base-2.1', { sourceUrl: 'https://images.co.example/vnf-base-2.1.qcow2' });
const medium = new Flavor(cloud, 'm1.medium', { cores: 2, ramMb: 4096, diskGb: 40 });
const large = new Flavor(cloud, 'm1.large', { cores: 4, ramMb: 8192, diskGb: 80 });
const privateTpl = new NetworkTemplate(cloud, 'private', { description: 'tenant-private virtual network' });
const publicTpl = new NetworkTemplate(cloud, 'public', { visibility: 'public', description: 'publicly routable network' });

const pod = new Deployment(cloud, 'co1-pod', {
  hostSites: [co],
  acquireSites: [co],
  images: [ubuntu, vnf],
  flavors: [medium, large],
  networkTemplates: [privateTpl, publicTpl],
  limits: { cores: 32, instances: 8 },
});
pod.addController('co1-openstack', {
  backend: 'openstack',
  url: 'https://keystone.co1.example:5000/v3',
  region: 'co1',
  sites: [co],
  credentials: { username: Secret.env('OS_USERNAME'), password: Secret.env('OS_PASSWORD') },
});
const servers = [1, 2, 3].map((i) => co.addNode(`compute-${i}`, { deployment: pod }));

// People: the office's admin, a PI who runs the service slices, a technician, developers.
const keys = (who: string) => [`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${who.padEnd(40, '0')} ${who}@co1`];
const carol = new User(cloud, 'carol', { site: co, email: 'carol@co1.example', publicKeys: keys('carol') });
const paul = new User(cloud, 'paul', { site: co, email: 'paul@co1.example', publicKeys: keys('paul') });
const tess = new User(cloud, 'tess', { site: co, email: 'tess@co1.example', publicKeys: keys('tess') });
const dave = new User(cloud, 'dave', { site: co, email: 'dave@co1.example', publicKeys: keys('dave') });
const nina = new User(cloud, 'nina', { site: co, email: 'nina@co1.example', publicKeys: keys('nina') });
cloud.grant(carol, 'admin');
co.grant(carol, 'admin');
co.grant(paul, 'pi');
co.grant(tess, 'tech');
pod.grant(carol, 'admin');

// Slices: one per virtualized device, plus the CDN.
const voltSlice = co.addSlice('volt', { image: vnf, flavor: medium, description: 'virtual OLT' });
const vcpeSlice = co.addSlice('vcpe', { image: vnf, flavor: large, description: 'virtual CPE bundles' });
const vbngSlice = co.addSlice('vbng', { image: vnf, flavor: medium, description: 'virtual BNG' });
const cdnSlice = co.addSlice('cdn', { image: ubuntu, flavor: large, description: 'HPC + RR content delivery' });
for (const s of [voltSlice, vcpeSlice, vbngSlice]) s.grant(dave, 'admin');
cdnSlice.grant(nina, 'admin');
vcpeSlice.grant(nina, 'access');

voltSlice.addSliver('olt-1', { node: servers[0] });
voltSlice.addSliver('olt-2', { node: servers[1] });
vcpeSlice.addSlivers('cpe', 3, { deployment: pod });
vbngSlice.addSliver('bng-1', { node: servers[2] });
vbngSlice.addSliver('bng-2', { node: servers[0] });
cdnSlice.addSlivers('cache', 2, { deployment: pod });

// The two virtual networks of Figure 8.
const access = voltSlice.addNetwork('access', { cidr: '10.20.0.0/24', template: privateTpl });
const wan = vbngSlice.addNetwork('wan', { cidr: '192.0.2.0/24', template: publicTpl, bandwidthMbps: 10000 });
wan.acknowledge('NET-005', 'vBNG routes this network to the Internet: the paper makes it publicly routable (4.3).');
wan.allowJoin(vcpeSlice, cdnSlice);
vcpeSlice.join(wan);
cdnSlice.join(wan);

// Services and their tenancy graph. `subscriber` is abstract, as R-CORD's subscriber service
// was: no VMs and no controller of its own, only composed. Its tenancy to vOLT carries no
// packets (connect 'none'): the subscriber reaches vOLT over the access network, not a VN.
const subscriber = new Service(cloud, 'subscriber', { abstract: true, acceptsUsers: true, description: 'residential subscribers: the root of every chain' });
const volt = new Service(cloud, 'vOLT', {
  slices: [voltSlice],
  ports: [{ port: 6653, protocol: 'tcp' }],
  instanceSchema: {
    type: 'object',
    required: ['s_tag', 'c_tag'],
    properties: { s_tag: { type: 'integer', minimum: 1, maximum: 4094 }, c_tag: { type: 'integer', minimum: 1, maximum: 4094 } },
    additionalProperties: false,
  },
  // A subscriber's VLAN: the s_tag of the OLT port it is wired to, a c_tag unique on that port.
  unique: [['s_tag', 'c_tag']],
  pools: { c_tag: { range: [2, 4094], per: 's_tag' } },
  // vOLT terminates each subscriber's VLAN on a sub-interface.
  onInstance: (i) => [{ id: 'vlan', type: 'config', attributes: { interface: `vlan.${i.attributes.s_tag}.${i.attributes.c_tag}` } }],
});
const vcpe = new Service(cloud, 'vCPE', {
  slices: [vcpeSlice],
  ports: [{ port: 67, protocol: 'udp' }, { port: 8080, protocol: 'tcp' }],
  instanceSchema: {
    type: 'object',
    required: ['bundle'],
    properties: { bundle: { enum: ['basic', 'family', 'business'] }, parental_control: { type: 'boolean' } },
    additionalProperties: false,
  },
});
const vbng = new Service(cloud, 'vBNG', {
  slices: [vbngSlice],
  ports: [{ port: 179, protocol: 'tcp' }],
  credentials: { api_token: Secret.tfVar('vbng_api_token') },
  instanceSchema: {
    type: 'object',
    required: ['routable_subnet'],
    properties: { routable_subnet: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+$' } },
  },
  // A routable /29 for each tenant instance.
  pools: { routable_subnet: { block: '198.18.0.0/16', prefix: 29 } },
  // vBNG programs a NAT entry for every VM of every tenant Service.
  onTenantInstance: (i) => [{ id: 'nat', type: 'config', attributes: { host: i.sliverName, tenant: i.tenant } }],
});
const cdn = new Service(cloud, 'CDN', { slices: [cdnSlice], ports: [80, 443] });

subscriber.tenantOf(volt, { connect: 'none' });
volt.tenantOf(vcpe, { connect: 'shared-private', network: access });
vcpe.tenantOf(vbng, { connect: 'public' });
cdn.tenantOf(vbng, { connect: 'public' });

// The CDN acquires routable addresses from vBNG too (4.3): an instance held by the Service.
vbng.addTenant('cdn', { subscriber: cdn });

// Subscribers: each a chain account -> VLAN -> bundle -> routable subnet.
interface Subscription {
  readonly id: string;
  readonly s_tag: number;
  readonly c_tag?: number;
  readonly bundle: string;
  readonly parental_control?: boolean;
}
function subscribe(user: User, s: Subscription, from?: object): void {
  const account = subscriber.addTenant(s.id, { subscriber: user, from });
  const vlan = volt.addTenant(s.id, { subscriber: account, attributes: { s_tag: s.s_tag, ...(s.c_tag !== undefined ? { c_tag: s.c_tag } : {}) }, from });
  const bundle = vcpe.addTenant(s.id, { subscriber: vlan, attributes: { bundle: s.bundle, ...(s.parental_control !== undefined ? { parental_control: s.parental_control } : {}) }, from });
  vbng.addTenant(s.id, { subscriber: bundle, from });
}

// Three named subscribers; alice's c_tag was given by the operator, the others' come from the pool.
const alice = new User(cloud, 'alice', { site: co, email: 'alice@subscribers.co1.example' });
const bob = new User(cloud, 'bob', { site: co, email: 'bob@subscribers.co1.example' });
const erin = new User(cloud, 'erin', { site: co, email: 'erin@subscribers.co1.example' });
subscribe(alice, { id: 'sub-1042', s_tag: 100, c_tag: 42, bundle: 'family', parental_control: true });
subscribe(bob, { id: 'sub-1043', s_tag: 100, bundle: 'basic' });
subscribe(erin, { id: 'sub-1044', s_tag: 101, bundle: 'business' });

// And 1,000 more, from the operator's data.
for (const row of readRecords<Subscription & { email: string }>('subscribers.csv')) {
  subscribe(new User(cloud, row.id, { site: co, email: row.email }), row, row);
}

// Views: what a subscriber and an operator see.
new View(cloud, 'subscriber-view', { type: 'javascript', url: 'https://portal.co1.example/views/subscriber' });
new View(cloud, 'operator-view', { type: 'iframe', url: 'https://ops.co1.example/xos' });

cloud.synth();
