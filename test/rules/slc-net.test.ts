import { Image, Service, Site } from '../../lib/index';
import { declarationSite } from '../../constructs/base';
import { capture } from '../../lib/util/call-sites';
import { compile } from '../helpers/cloud';
import { baseCloud, violationsOf } from '../helpers/cloud';

describe('SLC-001 a Slice belongs to one declared Site, with a unique name there', () => {
  test('passes for distinct names', () => {
    const b = baseCloud();
    b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    expect(violationsOf(b.cloud, 'SLC-001')).toEqual([]);
  });

  test('fails when two Slices of a Site share a name', () => {
    const b = baseCloud();
    b.site.addSlice('other-id', { image: b.image, flavor: b.flavor, name: 's1' });
    const v = violationsOf(b.cloud, 'SLC-001');
    expect(v.map((x) => x.path)).toEqual(['site1/s1']);
    expect(v[0].message).toContain("Slice name 's1' is already used at Site 'site1' by site1/other-id");
  });

  test('the same Slice name at two Sites is fine', () => {
    const b = baseCloud();
    new Site(b.cloud, 'site2').addSlice('s1', { image: b.image, flavor: b.flavor });
    expect(violationsOf(b.cloud, 'SLC-001')).toEqual([]);
  });
});

describe('SLC-002 every Sliver boots the Slice\'s Image', () => {
  test('passes when the Sliver names the Slice\'s own image', () => {
    const b = baseCloud();
    b.slice.addSliver('v1', { deployment: b.dep, image: b.image });
    expect(violationsOf(b.cloud, 'SLC-002')).toEqual([]);
  });

  test('fails for a per-Sliver image', () => {
    const b = baseCloud();
    const other = new Image(b.cloud, 'other');
    b.slice.addSliver('v1', { deployment: b.dep, image: other });
    expect(violationsOf(b.cloud, 'SLC-002').map((v) => v.path)).toEqual(['site1/s1/v1']);
  });
});

describe('SLC-003 every Sliver has one interface per Network of its Slice, in order', () => {
  test('the synthesized layout gives each Sliver eth0.. for owned then joined Networks', () => {
    const b = baseCloud();
    const other = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    const shared = other.addNetwork('shared', { cidr: '10.9.0.0/24', template: b.tpl });
    shared.allowJoin(b.slice);
    b.slice.join(shared);
    b.slice.addNetwork('b-lan', { cidr: '10.1.0.0/24', template: b.tpl });
    b.slice.addNetwork('a-lan', { cidr: '10.2.0.0/24', template: b.tpl });
    b.slice.addSlivers('v', 2, { deployment: b.dep });
    const c = compile(b.cloud);
    expect(c.violations.filter((v) => v.id === 'SLC-003')).toEqual([]);
    const ports = c.layout.stacks[0].resources.filter((r) => r.kind === 'port' && r.attrs.sliver === 'site1/s1/v-1');
    expect(ports.map((p) => [p.attrs.interface, p.attrs.network])).toEqual([
      ['eth0', 'site1/s1/a-lan'],
      ['eth1', 'site1/s1/b-lan'],
      ['eth2', 'site1/s2/shared'],
    ]);
  });

  test('fails when a synthesized Sliver misses an interface', () => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr: '10.1.0.0/24', template: b.tpl });
    b.slice.addSliver('v1', { deployment: b.dep });
    const c = compile(b.cloud);
    const stack = c.layout.stacks[0] as unknown as { resources: unknown[] };
    stack.resources = (stack.resources as { kind: string }[]).filter((r) => r.kind !== 'port');
    const { runRules } = require('../../lib/rules/index');
    const v = runRules(c.built, c.layout, { only: ['SLC-003'] });
    expect(v).toHaveLength(1);
    expect(v[0].message).toContain('has interfaces [] but its Slice\'s Networks are [site1/s1/lan]');
  });
});

describe('SLC-004 a Sliver runs on a declared Node or Deployment', () => {
  test('passes for a Node placement', () => {
    const b = baseCloud();
    b.slice.addSliver('v1', { node: b.site.addNode('n1', { deployment: b.dep }) });
    expect(violationsOf(b.cloud, 'SLC-004')).toEqual([]);
  });

  test('fails for a Sliver with no placement', () => {
    const b = baseCloud();
    b.slice.addSliver('v1', {} as never);
    expect(violationsOf(b.cloud, 'SLC-004').map((v) => v.message)).toEqual(['Sliver v1 has no placement. Give it { node } or { deployment }.']);
  });
});

describe('NET-001 CIDR and port range are valid and large enough', () => {
  test('passes for a /24 with two Slivers and a valid port range', () => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl, ports: '5000-5999' });
    b.slice.addSlivers('v', 2, { deployment: b.dep });
    expect(violationsOf(b.cloud, 'NET-001')).toEqual([]);
  });

  test.each([
    ['10.0.0.300/24', "'10.0.0.300/24' has an octet above 255"],
    ['10.0.0.1/24', 'has host bits set (the block starts at 10.0.0.0/24)'],
    ['not-a-cidr', 'is not a CIDR block'],
  ])('fails for the CIDR %s', (cidr, expected) => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr, template: b.tpl });
    expect(violationsOf(b.cloud, 'NET-001')[0].message).toContain(expected);
  });

  test('fails when the block is too small for its Slivers', () => {
    const b = baseCloud();
    b.slice.addNetwork('tiny', { cidr: '10.0.0.0/30', template: b.tpl });
    b.slice.addSlivers('v', 3, { deployment: b.dep });
    expect(violationsOf(b.cloud, 'NET-001')[0].message).toContain('10.0.0.0/30 has 1 usable addresses but 3 Slivers attach to it');
  });

  test('a derived network that finds no free block is reported on its tenancy, with the fix', () => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    // One Network takes the whole pool derived networks come from.
    b.slice.addNetwork('everything', { cidr: '172.16.0.0/12', template: b.tpl });
    const tenant = new Service(b.cloud, 'tenant', { slices: [b.slice], ports: [80] });
    const provider = new Service(b.cloud, 'provider', { slices: [s2], ports: [80] });
    const t = tenant.tenantOf(provider, { connect: 'shared-private' });
    const v = violationsOf(b.cloud, 'NET-001');
    expect(v.map((x) => x.path)).toEqual([t.key]);
    expect(v[0].message).toContain('has no address block: no /24 of 172.16.0.0/12 is free');
    expect(v[0].message).toContain("cidr: '10.200.0.0/24'");
    expect(v[0].source).toMatch(/slc-net\.test\.ts:\d+$/);
  });

  test('fails for an inverted port range', () => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl, ports: { low: 9000, high: 80 } });
    expect(violationsOf(b.cloud, 'NET-001')[0].message).toContain("port range '9000-80' has its low end above its high end");
  });
});

describe('NET-002 Networks on one Sliver do not overlap', () => {
  test('passes for disjoint blocks', () => {
    const b = baseCloud();
    b.slice.addNetwork('a', { cidr: '10.0.0.0/24', template: b.tpl });
    b.slice.addNetwork('b', { cidr: '10.0.1.0/24', template: b.tpl });
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'NET-002')).toEqual([]);
  });

  test('fails for overlapping blocks on the same Slivers', () => {
    const b = baseCloud();
    b.slice.addNetwork('a', { cidr: '10.0.0.0/16', template: b.tpl });
    b.slice.addNetwork('b', { cidr: '10.0.5.0/24', template: b.tpl });
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'NET-002').map((v) => v.message)).toEqual([
      "Network b (10.0.5.0/24) overlaps Network a (10.0.0.0/16), and the Slivers of Slice 's1' attach to both. Give one of them a block that does not overlap.",
    ]);
  });
});

describe('NET-003 joining needs the owner\'s consent', () => {
  test('passes when the owner allowed the Slice', () => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    s2.join(b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl, allowJoin: [s2] }));
    expect(violationsOf(b.cloud, 'NET-003')).toEqual([]);
  });

  test('fails when a Slice joins without consent, naming the joining Slice by path and pointing at the join', () => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    const lan = b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl });
    // Two Sites with a Slice of the same name: the path tells them apart.
    new Site(b.cloud, 'site2').addSlice('s2', { image: b.image, flavor: b.flavor });
    // The line below, read as xos reads a declaration's (under jest, through jest's source maps).
    const here = declarationSite(capture())!;
    s2.join(lan);
    const [v] = violationsOf(b.cloud, 'NET-003');
    expect(v.path).toBe('site1/s2');
    expect(v.message).toBe('Slice site1/s2 joined Network site1/s1/lan, but its owner Slice site1/s1 does not allow it. Call allowJoin(...) on the Network where it is declared, or remove the join.');
    expect(v.source).toMatch(new RegExp(`slc-net\\.test\\.ts:${here.line + 1}$`));
  });

  describe('joins a tenancy derives', () => {
    const services = (b: ReturnType<typeof baseCloud>) => {
      const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
      const s3 = b.site.addSlice('s3', { image: b.image, flavor: b.flavor });
      const tenant = new Service(b.cloud, 'tenant', { slices: [b.slice], ports: [80] });
      const provider = new Service(b.cloud, 'provider', { slices: [s2], ports: [80] });
      const third = new Service(b.cloud, 'third', { slices: [s3], ports: [80] });
      return { s2, s3, tenant, provider, third };
    };

    test("hold when the Network is the tenant's or the provider's, and never count as the owner's consent", () => {
      const b = baseCloud();
      const { s2, tenant, provider } = services(b);
      const net = s2.addNetwork('shared', { cidr: '10.5.0.0/24', template: b.tpl });
      tenant.tenantOf(provider, { connect: 'shared-private', network: net });
      const c = compile(b.cloud);
      expect(c.violations.filter((v) => v.id === 'NET-003')).toEqual([]);
      const m = c.built.model.networks.find((n) => n.key === net.key)!;
      expect(m.permitted).toEqual([]);
      expect(m.joined).toEqual(['site1/s1']);
      expect(m.derivedJoins).toEqual({ 'site1/s1': 'tenant/tenant-of-provider' });
    });

    test("fail when a tenancy's network belongs to a third Service that never allowed them", () => {
      const b = baseCloud();
      const { s3, tenant, provider } = services(b);
      const theirs = s3.addNetwork('theirs', { cidr: '10.6.0.0/24', template: b.tpl });
      const t = tenant.tenantOf(provider, { connect: 'shared-private', network: theirs });
      const v = violationsOf(b.cloud, 'NET-003');
      expect(v.map((x) => x.path)).toEqual([t.key]);
      expect(v[0].message).toBe(
        "this tenancy joins Slices site1/s1, site1/s2 to Network site1/s3/theirs, owned by Slice site1/s3 (Service third), which is neither the tenant's nor the provider's and never allowed it. Give the tenancy a Network owned by a Slice of tenant or provider, or leave 'network' out to derive one.",
      );
      expect(v[0].source).toMatch(/slc-net\.test\.ts:\d+$/);
    });
  });
});

describe('NET-004 a site-bound Network attaches only Slivers at that Site', () => {
  test('passes when every Sliver is at the Site', () => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl, site: b.site });
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'NET-004')).toEqual([]);
  });

  test('fails when a Sliver at another Site attaches', () => {
    const b = baseCloud();
    const far = new Site(b.cloud, 'far');
    b.dep.allowAcquire(far);
    b.dep.addController('far-ctl', { backend: 'openstack', sites: [far] });
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl, site: b.site });
    b.slice.addSliver('v1', { deployment: b.dep, site: far });
    expect(violationsOf(b.cloud, 'NET-004')[0].message).toContain("Slivers at other Sites attach to it: v1 ('far')");
  });
});

describe('NET-005 public Networks are reachable from the Internet', () => {
  test('says nothing about private Networks', () => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl });
    expect(violationsOf(b.cloud, 'NET-005')).toEqual([]);
  });

  test('warns for a public Network and says a private one would serve', () => {
    const b = baseCloud();
    b.slice.addNetwork('wan', { cidr: '192.0.2.0/24', template: b.tpl, public: true });
    b.slice.addSliver('v1', { deployment: b.dep });
    const v = violationsOf(b.cloud, 'NET-005');
    expect(v).toEqual([expect.objectContaining({ severity: 'warning', path: 'site1/s1/wan' })]);
    expect(v[0].message).toBe('Network wan is public: its 1 Sliver is reachable from the Internet. No tenancy reaches its Slices publicly, so a private Network would serve.');
  });
});

describe('a model read from JSON may reference what it does not declare', () => {
  test('a Sliver of an undeclared Slice is left to the rules, and the layout does not break', () => {
    const { buildLayout } = require('../../lib/synth/layout');
    const { ModelIndex } = require('../../lib/model/index');
    const b = baseCloud();
    b.slice.addSliver('v1', { deployment: b.dep });
    const model = compile(b.cloud).built.model;
    const broken = { ...model, slices: [], slivers: model.slivers.map((v) => ({ ...v, slice: 'site1/gone' })) };
    const layout = buildLayout(broken, new ModelIndex(broken));
    expect(layout.stacks[0].resources.filter((r: { kind: string }) => r.kind === 'sliver')).toEqual([]);
  });
});

describe('SLC-006 derived host names are unique', () => {
  test('fails when Slivers of different Sites and Slices derive the same host name, naming both', () => {
    const b = baseCloud();
    // site1's login base is site1; a Site 'site1-s' with a Slice 'x'... and one named 'site1-S' derive alike.
    b.slice.addSliver('web-vm', { deployment: b.dep });
    const other = b.site.addSlice('s1-web', { image: b.image, flavor: b.flavor });
    other.grant(b.admin, 'admin');
    other.addSliver('vm', { deployment: b.dep });
    const v = violationsOf(b.cloud, 'SLC-006');
    expect(v).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(v[0].message).toMatch(/Sliver site1\/s1\/web-vm gets the host name 'site1-s1-web-vm', which Sliver site1\/s1-web\/vm already has/);
  });

  test('passes when host names differ', () => {
    const b = baseCloud();
    b.slice.addSliver('vm1', { deployment: b.dep });
    b.slice.addSliver('vm2', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'SLC-006')).toEqual([]);
  });
});
