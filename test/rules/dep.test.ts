import { Controller, Deployment, Flavor, Image, NetworkTemplate, Node, Secret, Site } from '../../lib/index';
import { baseCloud, violationsOf } from '../helpers/cloud';

describe('DEP-001 a Node is bound to a declared Site and Deployment', () => {
  test('passes for a Node at a Site bound to a Deployment', () => {
    const b = baseCloud();
    b.site.addNode('n1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-001')).toEqual([]);
  });

  test('fails when a Node has no Deployment', () => {
    const b = baseCloud();
    b.site.addNode('n1', { deployment: undefined as unknown as Deployment });
    expect(violationsOf(b.cloud, 'DEP-001').map((v) => v.message)).toEqual(['Node n1 is bound to no Deployment. Give it { deployment }.']);
  });
});

describe('DEP-002 a Node sits at a Site its Deployment allows to host Nodes', () => {
  test('passes when the Site may host Nodes', () => {
    const b = baseCloud();
    b.site.addNode('n1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-002')).toEqual([]);
  });

  test('fails when the Deployment does not allow the Site to host Nodes', () => {
    const b = baseCloud();
    const other = new Site(b.cloud, 'other');
    other.addNode('n1', { deployment: b.dep });
    const v = violationsOf(b.cloud, 'DEP-002');
    expect(v.map((x) => x.path)).toEqual(['other/n1']);
    expect(v[0].message).toContain("Site 'other', which Deployment dep1 does not allow to host Nodes (allowed: 'site1')");
  });
});

describe('DEP-003 Slivers go only where their Site may acquire resources', () => {
  test('passes when the Slice\'s Site may acquire resources', () => {
    const b = baseCloud();
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-003')).toEqual([]);
  });

  test('fails when the Slice\'s Site may not acquire resources on the Deployment', () => {
    const b = baseCloud();
    const outsider = new Site(b.cloud, 'outsider');
    b.dep.addController('ctl2', { backend: 'openstack', sites: [outsider] });
    const s = outsider.addSlice('s2', { image: b.image, flavor: b.flavor });
    s.addSliver('v1', { deployment: b.dep });
    const v = violationsOf(b.cloud, 'DEP-003');
    expect(v.map((x) => x.path)).toEqual(['outsider/s2']);
    expect(v[0].message).toContain("its Site 'outsider' may not acquire resources there");
  });
});

describe('DEP-004 the Slice\'s Image is supported where it runs', () => {
  test('passes when every Deployment supports the Image', () => {
    const b = baseCloud();
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-004')).toEqual([]);
  });

  test('fails naming the image, the deployment and what it supports', () => {
    const b = baseCloud();
    const other = new Image(b.cloud, 'ubuntu-24');
    const s = b.site.addSlice('cdn', { image: other, flavor: b.flavor });
    s.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-004').map((v) => v.message)).toEqual([
      "Slice cdn: image 'ubuntu-24' is not supported by deployment 'dep1' (supported: img). Add it to the deployment's images or pick one of those.",
    ]);
  });
});

describe('DEP-005 the Flavor is offered and per-Slice limits hold', () => {
  test('passes within the limits', () => {
    const b = baseCloud();
    b.dep.limits; // default: no limits
    b.slice.addSlivers('v', 3, { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-005')).toEqual([]);
  });

  test('fails when the Flavor is not offered', () => {
    const b = baseCloud();
    const big = new Flavor(b.cloud, 'big', { cores: 16, ramMb: 65536 });
    b.site.addSlice('s2', { image: b.image, flavor: big }).addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-005')[0].message).toContain("flavor 'big' is not offered by deployment 'dep1' (offered: small)");
  });

  test('fails when the Slice exceeds the cores and instances limits', () => {
    const b = baseCloud();
    const dep = new Deployment(b.cloud, 'tight', { hostSites: [b.site], acquireSites: [b.site], images: [b.image], flavors: [b.flavor], networkTemplates: [b.tpl], limits: { instances: 2, cores: 4 } });
    dep.addController('tight-ctl', { backend: 'openstack', sites: [b.site] });
    b.slice.addSlivers('v', 3, { deployment: dep });
    const msgs = violationsOf(b.cloud, 'DEP-005').map((v) => v.message);
    expect(msgs).toEqual([
      "Slice s1 has 3 Slivers on deployment 'tight', over its limit of 2 instances per Slice. Remove 1 or raise the limit.",
      "Slice s1 uses 6 cores on deployment 'tight' (3 x 2), over its limit of 4 cores per Slice. Use a smaller flavor or fewer Slivers, or raise the limit.",
    ]);
  });
});

describe('DEP-006 a Network\'s template is supported where it spans', () => {
  test('passes when the Deployment supports the template', () => {
    const b = baseCloud();
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl });
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-006')).toEqual([]);
  });

  test('fails when the template is not supported by a spanned Deployment', () => {
    const b = baseCloud();
    const odd = new NetworkTemplate(b.cloud, 'odd');
    b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: odd });
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-006')[0].message).toContain("template 'odd' is not supported by deployment 'dep1' (supported: private)");
  });
});

describe('DEP-007 every (Deployment, Site) that receives Slivers has a Controller', () => {
  test('passes when a Controller binds the pair', () => {
    const b = baseCloud();
    b.slice.addSliver('v1', { deployment: b.dep });
    expect(violationsOf(b.cloud, 'DEP-007')).toEqual([]);
  });

  test('fails when no Controller binds the Site', () => {
    const b = baseCloud();
    const dep = new Deployment(b.cloud, 'headless', { hostSites: [b.site], acquireSites: [b.site], images: [b.image], flavors: [b.flavor] });
    b.slice.addSlivers('v', 2, { deployment: dep });
    const v = violationsOf(b.cloud, 'DEP-007');
    expect(v.map((x) => x.path)).toEqual(['site1/s1']);
    expect(v[0].message).toContain("Slivers v-1, v-2 go to deployment 'headless' at site 'site1', but no Controller binds that pair");
  });

  test('a Sliver on a Node goes to the Controller of the Node\'s Site', () => {
    const b = baseCloud();
    const n = b.site.addNode('n1', { deployment: b.dep });
    b.slice.addSliver('v1', { node: n as Node });
    expect(violationsOf(b.cloud, 'DEP-007')).toEqual([]);
  });
});

describe('DEP-008 credentials are references, never literals', () => {
  test('passes for Secret.env and Secret.tfVar', () => {
    const b = baseCloud();
    new Controller(b.cloud, 's3', { backend: 's3', credentials: { key: Secret.tfVar('s3_key') } });
    expect(violationsOf(b.cloud, 'DEP-008')).toEqual([]);
  });

  test('fails for a literal password, without repeating it', () => {
    const b = baseCloud();
    new Controller(b.cloud, 'leaky', { backend: 'openstack', credentials: { password: 'hunter2-literal' as unknown as Secret } });
    const v = violationsOf(b.cloud, 'DEP-008');
    expect(v).toHaveLength(1);
    expect(v[0].message).toContain("credential 'password' is a literal value");
    expect(JSON.stringify(v)).not.toContain('hunter2-literal');
  });
});
