/**
 * The FLOW rules and the rules about what the targets write (NET-006, SLC-005, TGT-001):
 * FLOW-001 and FLOW-002 are proven on synthesized output (edited here to break them);
 * the others are checked at validate time.
 */
import { Controller, Deployment, NetworkTemplate, Secret, Service, Site, User } from '../../lib/index';
import { renderInMemory } from '../../lib/synth/rendered';
import { verifyStacks } from '../../lib/verify/index';
import { baseCloud, compile, violationsOf } from '../helpers/cloud';

/** A provider Slice (s2, port 5432) and a tenant Slice (s1) on one OpenStack back-end, connected as asked. */
function tenancy(connect: 'shared-private' | 'interconnect-private' | 'public') {
  const b = baseCloud();
  const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
  s2.grant(b.admin, 'admin');
  b.slice.addNetwork('lan', { cidr: '10.0.1.0/24', template: b.tpl });
  s2.addNetwork('lan', { cidr: '10.0.2.0/24', template: b.tpl });
  b.slice.addSlivers('t', 2, { deployment: b.dep });
  s2.addSlivers('p', 2, { deployment: b.dep });
  const provider = new Service(b.cloud, 'db', { slices: [s2], ports: [5432] });
  const tenant = new Service(b.cloud, 'app', { slices: [b.slice] });
  const t = tenant.tenantOf(provider, { connect, ...(connect === 'shared-private' ? { cidr: '10.0.3.0/24' } : {}) });
  return { ...b, s2, provider, tenant, t };
}

function proveEdited(cloud: ReturnType<typeof tenancy>['cloud'], edit: (tf: Record<string, any>) => void) {
  const c = compile(cloud);
  expect(c.errors).toBe(0);
  const rendered = renderInMemory(c.layout, 'auto');
  const stacks = new Map([...rendered.json].map(([k, v]) => [k, JSON.parse(JSON.stringify(v))]));
  edit(stacks.get('ctl1')!);
  return verifyStacks(c.built.model, stacks);
}

describe('FLOW-001 every intended flow is admitted', () => {
  test('passes on what the targets write', () => {
    expect(proveEdited(tenancy('shared-private').cloud, () => {}).violations).toEqual([]);
  });

  test('fails when the rule that opens the provider port is deleted, naming the tenancy, the Slivers, the port and where it stops', () => {
    const r = proveEdited(tenancy('shared-private').cloud, (tf) => delete tf.resource.openstack_networking_secgroup_rule_v2['secrule_app__tenant-of-db__tcp-5432']);
    // The two tenant Slivers are alike: one class, one line naming both.
    expect(r.violations.map((v) => [v.id, v.path])).toEqual([['FLOW-001', 'app/tenant-of-db']]);
    expect(r.violations[0].message).toMatch(/^shared-private tenancy app\/tenant-of-db: site1\/s1\/t-1 and 1 more Sliver of site1\/s1 do not reach site1\/s2\/p-1 and 1 more Sliver of site1\/s2 on Network app\/tenant-of-db\/network on tcp\/5432: no ingress rule of openstack_networking_port_v2\.port_site1__s2__p-1__app__tenant-of-db__network's groups \(.*\) admits tcp\/5432 from site1\/s1\/t-1\.$/);
  });
});

describe('FLOW-002 nothing else is admitted', () => {
  test('passes on what the targets write', () => {
    expect(proveEdited(tenancy('interconnect-private').cloud, () => {}).violations).toEqual([]);
  });

  test('fails when a rule admits 0.0.0.0/0, naming the flow and the chain that admits it', () => {
    // The provider's members rule on its own Network, opened to anyone: its floating IP is on that Network.
    const r = proveEdited(tenancy('public').cloud, (tf) => {
      const rule = tf.resource.openstack_networking_secgroup_rule_v2.secrule_site1__s2__lan__members__members;
      delete rule.remote_group_id;
      rule.remote_ip_prefix = '0.0.0.0/0';
    });
    expect(r.violations.map((v) => [v.id, v.path])).toEqual([['FLOW-002', 'site1/s2/p-1']]);
    expect(r.violations[0].message).toMatch(/^in stack ctl1, the Internet reaches site1\/s2\/p-1 and 1 more Sliver of site1\/s2 on Network site1\/s2\/lan on tcp\/0-5431, tcp\/5433-65535, all udp, all icmp, every other IP protocol, which no declaration asks for: from the Internet -> .* -> in by openstack_networking_secgroup_rule_v2\.secrule_site1__s2__lan__members__members -> to site1\/s2\/p-1 eth0/);
  });

  test('fails when a rule opens a wider port range to the tenant', () => {
    const r = proveEdited(tenancy('shared-private').cloud, (tf) => {
      const rule = tf.resource.openstack_networking_secgroup_rule_v2['secrule_app__tenant-of-db__tcp-5432'];
      rule.port_range_min = 5000;
      rule.port_range_max = 5999;
    });
    expect(r.violations.map((v) => [v.id, v.path])).toEqual([['FLOW-002', 'site1/s2/p-1']]);
    expect(r.violations[0].message).toContain('site1/s1/t-1 and 1 more Sliver of site1/s1 reach site1/s2/p-1 and 1 more Sliver of site1/s2 on Network app/tenant-of-db/network on tcp/5000-5431, tcp/5433-5999');
  });
});

describe('FLOW-003 private tenancies across back-ends', () => {
  test('passes when every back-end running the tenant runs the provider too', () => {
    expect(violationsOf(tenancy('shared-private').cloud, 'FLOW-003')).toEqual([]);
  });

  test('fails when a back-end runs tenant Slivers and no provider Sliver, with the fix', () => {
    const b = tenancy('interconnect-private');
    const site2 = new Site(b.cloud, 'site2');
    const dep2 = new Deployment(b.cloud, 'dep2', { hostSites: [site2], acquireSites: [b.site], images: [b.image], flavors: [b.flavor], networkTemplates: [b.tpl] });
    dep2.addController('ctl2', { backend: 'openstack', sites: [site2, b.site], credentials: { password: Secret.env('OS_PASSWORD_2') } });
    b.slice.addSliver('far', { deployment: dep2 });
    const v = violationsOf(b.cloud, 'FLOW-003');
    expect(v.map((x) => x.path)).toEqual([b.t.key]);
    expect(v[0].message).toBe(
      "interconnect-private tenancy of app on db: back-end ctl2 (site1/s1/far) runs app but no Sliver of db (it runs on ctl1), and back-ends share no private network. Run a db Sliver on ctl2's Deployment, or connect them 'public'.",
    );
    expect(v[0].source).toMatch(/flow\.test\.ts:\d+$/);
  });
});

describe('FLOW-004 a provider with Slices declares its ports', () => {
  test('passes for a provider with ports, and for an external one without', () => {
    const b = tenancy('public');
    const s3 = new Service(b.cloud, 'S3', { controller: new Controller(b.cloud, 's3', { backend: 's3' }) });
    b.tenant.tenantOf(s3, { connect: 'public' });
    expect(violationsOf(b.cloud, 'FLOW-004')).toEqual([]);
  });

  test('fails for a tenancy whose provider runs in Slices and declares no port', () => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    const t = new Service(b.cloud, 'app', { slices: [b.slice] }).tenantOf(new Service(b.cloud, 'db', { slices: [s2] }), { connect: 'shared-private' });
    const v = violationsOf(b.cloud, 'FLOW-004');
    expect(v.map((x) => x.path)).toEqual([t.key]);
    expect(v[0].message).toBe('the provider db runs in Slices but declares no ports, so this shared-private tenancy would open nothing. Declare its ports (ports: [443]).');
  });
});

describe('NET-006 blocks a router joins do not overlap', () => {
  test('passes for an interconnect between disjoint blocks', () => {
    expect(violationsOf(tenancy('interconnect-private').cloud, 'NET-006')).toEqual([]);
  });

  test('fails when an interconnect joins two Networks with the same block, naming both and the tenancy', () => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    b.slice.addNetwork('lan', { cidr: '10.9.0.0/24', template: b.tpl });
    const theirs = s2.addNetwork('lan', { cidr: '10.9.0.0/24', template: b.tpl });
    b.slice.addSliver('t', { deployment: b.dep });
    s2.addSliver('p', { deployment: b.dep });
    new Service(b.cloud, 'app', { slices: [b.slice] }).tenantOf(new Service(b.cloud, 'db', { slices: [s2], ports: [5432] }), { connect: 'interconnect-private' });
    const v = violationsOf(b.cloud, 'NET-006');
    expect(v.map((x) => x.path)).toEqual([theirs.key]);
    expect(v[0].message).toContain('Network site1/s2/lan (10.9.0.0/24) overlaps Network site1/s1/lan (10.9.0.0/24), and the router of back-end ctl1 that tenancy app/tenant-of-db makes joins them');
  });

  test('fails on EC2 for two Networks of one back-end, which one VPC joins', () => {
    const b = baseCloud();
    const dep = new Deployment(b.cloud, 'ec2', { acquireSites: [b.site], images: [b.image], flavors: [b.flavor], networkTemplates: [b.tpl] });
    dep.addController('aws', { backend: 'ec2', region: 'eu-west-1', sites: [b.site] });
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    b.slice.addNetwork('lan', { cidr: '10.9.0.0/24', template: b.tpl });
    s2.addNetwork('lan', { cidr: '10.9.0.0/25', template: b.tpl });
    b.slice.addSliver('a', { deployment: dep });
    s2.addSliver('b', { deployment: dep });
    expect(violationsOf(b.cloud, 'NET-006').map((v) => v.message)).toEqual([expect.stringContaining('and the VPC of EC2 back-end aws joins them')]);
  });
});

describe('SLC-005 names a back-end keeps unique', () => {
  test('passes for distinct login bases', () => {
    const b = baseCloud();
    b.slice.addSliver('v', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'SLC-005')).toEqual([]);
  });

  test('fails for two Sites of one login base in one OpenStack back-end (two projects of one name)', () => {
    const b = baseCloud();
    const twin = new Site(b.cloud, 'site1-annex', { loginBase: 'site1' });
    b.dep.allowHosting(twin).allowAcquire(twin);
    b.cloud.node.findAll().filter((c): c is Controller => c instanceof Controller)[0].addSite(twin);
    const admin = new User(b.cloud, 'annex-admin', { site: twin });
    twin.grant(admin, 'admin');
    const s = twin.addSlice('s9', { image: b.image, flavor: b.flavor });
    s.grant(admin, 'admin');
    s.addSliver('v', { deployment: b.dep });
    b.slice.addSliver('v', { deployment: b.dep });
    const v = violationsOf(b.cloud, 'SLC-005');
    expect(v.map((x) => x.path)).toEqual(['site1-annex']);
    expect(v[0].message).toBe("project 'site1' of site1-annex is also the project of site1 in back-end openstack ctl1, which keeps such names unique. Give one of the Sites another loginBase.");
  });

  test('fails for two EC2 key pairs of one name', () => {
    const b = baseCloud();
    const dep = new Deployment(b.cloud, 'ec2', { acquireSites: [b.site], images: [b.image], flavors: [b.flavor], networkTemplates: [b.tpl] });
    dep.addController('aws', { backend: 'ec2', region: 'eu-west-1', sites: [b.site] });
    for (const id of ['ann b', 'ann-b']) b.slice.grant(new User(b.cloud, id, { site: b.site, publicKeys: [`ssh-ed25519 AAAA ${id}`] }), 'access');
    b.slice.addSliver('v', { deployment: dep });
    const v = violationsOf(b.cloud, 'SLC-005');
    expect(v.map((x) => x.path)).toEqual(['ann-b']);
    expect(v[0].message).toBe("key pair 'xos-ann-b' of ann-b is also the key pair of ann b in back-end ec2 aws (eu-west-1), which keeps such names unique. Give one of the Users another name.");
  });
});

describe('TGT-001 what a target would refuse is found at validate time', () => {
  test('passes for a cloud every target takes', () => {
    expect(violationsOf(tenancy('public').cloud, 'TGT-001')).toEqual([]);
  });

  test('fails for a public provider whose Slivers have no Network, with the line of the tenancy', () => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    s2.addSliver('p', { deployment: b.dep });
    const t = new Service(b.cloud, 'app', { slices: [b.slice] }).tenantOf(new Service(b.cloud, 'db', { slices: [s2], ports: [80] }), { connect: 'public' });
    const v = violationsOf(b.cloud, 'TGT-001');
    expect(v.map((x) => x.path)).toEqual([t.key]);
    expect(v[0].message).toContain('db is reached publicly, but the Slivers of site1/s2 have no Network to carry a public address');
    expect(v[0].source).toMatch(/flow\.test\.ts:\d+$/);
  });

  test('fails for an application credential on an OpenStack Controller that runs Slivers: keystone binds it to one project, the Slivers run in their Slices\' own', () => {
    const b = baseCloud();
    const site2 = new Site(b.cloud, 'site2');
    const dep2 = new Deployment(b.cloud, 'dep2', { hostSites: [site2], acquireSites: [b.site], images: [b.image], flavors: [b.flavor] });
    const ctl = dep2.addController('ctl2', { backend: 'openstack', sites: [site2, b.site], credentials: { application_credential_id: Secret.env('OS_APP_ID'), application_credential_secret: Secret.env('OS_APP_SECRET') } });
    expect(violationsOf(b.cloud, 'TGT-001')).toEqual([]); // no Sliver on ctl2 yet: the credential works in its own project
    b.slice.addSliver('v', { deployment: dep2 });
    const v = violationsOf(b.cloud, 'TGT-001');
    expect(v.map((x) => x.path)).toEqual([ctl.key]);
    expect(v[0].message).toBe(
      "credential 'application_credential_id' is an application credential, which keystone binds to one project, but each Slice's instances are created in the Slice's own project (site1/s1/v). Give the Controller a user that may work in the projects it creates (username and password, or a token) instead.",
    );
  });

  test('fails for an OpenStack router that would mix a public and a translated Network', () => {
    const b2 = baseCloud();
    const p2 = new NetworkTemplate(b2.cloud, 'public', { visibility: 'public' });
    const n2 = new NetworkTemplate(b2.cloud, 'nat', { translation: 'nat' });
    b2.dep.support(p2, n2);
    const s2 = b2.site.addSlice('s2', { image: b2.image, flavor: b2.flavor });
    s2.addNetwork('lan', { cidr: '10.0.2.0/24', template: n2 });
    b2.slice.addSliver('t', { deployment: b2.dep });
    s2.addSliver('p', { deployment: b2.dep });
    // The tenant's side is derived with the tenancy's (public) template; the provider's own Network is translated.
    const t = new Service(b2.cloud, 'app', { slices: [b2.slice] }).tenantOf(new Service(b2.cloud, 'db', { slices: [s2], ports: [5432] }), { connect: 'interconnect-private', cidr: '198.51.100.0/24', template: p2 });
    const v = violationsOf(b2.cloud, 'TGT-001');
    expect(v.map((x) => x.path)).toEqual([`${t.key}/tenant-network`]);
    expect(v[0].message).toContain(`one router would join public Network ${t.key}/tenant-network (routed as it is) and Network site1/s2/lan (translated)`);
  });
});
