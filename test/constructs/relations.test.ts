/**
 * Issue 17: constructs keep their collections private (read through copies), every relation
 * is made through one method that writes both sides, props go through the same methods, and
 * a wrong kind is a usage error naming the object, the value, the fix and the call's file:line.
 */
import { Controller, Deployment, Network, NetworkTemplate, Node, Service, Site, Slice, User } from '../../lib/index';
import { isXosError } from '../../lib/errors';
import { baseCloud, compile } from '../helpers/cloud';

const HERE = 'test/constructs/relations.test.ts';

/** The usage error `fn` throws, checked to be one. */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isXosError(e) && e.kind === 'usage') return e.message;
    throw e;
  }
  throw new Error('no error was thrown');
}


describe('collections are read through copies', () => {
  test("service.slices.push(x) does not type-check, and changes nothing in the model", () => {
    const b = baseCloud();
    const svc = new Service(b.cloud, 'web', { slices: [b.slice] });
    const other = b.site.addSlice('other', { image: b.image, flavor: b.flavor });
    // @ts-expect-error the Slices of a Service are a read-only copy: bind one with addSlice
    svc.slices.push(other);
    expect(svc.slices).toEqual([b.slice]);
    expect(other.service).toBeUndefined();
    expect(compile(b.cloud).built.model.services.find((s) => s.key === 'web')!.slices).toEqual(['site1/s1']);
  });

  test("a Deployment's, a Controller's and a Network's lists are fresh copies each time they are read", () => {
    const b = baseCloud();
    const far = new Site(b.cloud, 'far');
    (b.dep.hostSites as Site[]).push(far);
    (b.dep.acquireSites as Site[]).length = 0;
    const ctl = b.dep.controllers[0];
    (ctl.sites as Site[]).push(far);
    const lan = b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl });
    (lan.permitted as Slice[]).push(b.slice);
    expect(b.dep.hostSites).toEqual([b.site]);
    expect(b.dep.acquireSites).toEqual([b.site]);
    expect(ctl.sites).toEqual([b.site]);
    expect(lan.permitted).toEqual([]);
    expect(b.dep.hostSites).not.toBe(b.dep.hostSites);
    const model = compile(b.cloud).built.model;
    expect(model.deployments[0]).toMatchObject({ hostSites: ['site1'], acquireSites: ['site1'] });
    expect(model.controllers[0].sites).toEqual(['site1']);
    expect(model.networks[0].permitted).toEqual([]);
  });

  test("a Deployment's limits and a Controller's credentials cannot be changed after they were given", () => {
    const b = baseCloud();
    const dep = new Deployment(b.cloud, 'capped', { limits: { instances: 2 } });
    expect(() => ((dep.limits as { instances?: number }).instances = 200)).toThrow(TypeError);
    expect(() => ((b.dep.controllers[0].credentials as Record<string, unknown>).password = 'literal')).toThrow(TypeError);
  });
});

describe('a relation made from either side shows on both', () => {
  test("a Slice's service prop and service.addSlice(slice) both bind the Slice on the Service and the Service on the Slice", () => {
    const b = baseCloud();
    const web = new Service(b.cloud, 'web');
    const db = new Service(b.cloud, 'db');
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor, service: db });
    web.addSlice(b.slice);
    expect(web.slices).toEqual([b.slice]);
    expect(b.slice.service).toBe(web);
    expect(db.slices).toEqual([s2]);
    expect(s2.service).toBe(db);
    const model = compile(b.cloud).built.model;
    expect(model.services.map((s) => [s.key, s.slices])).toEqual([
      ['db', ['site1/s2']],
      ['web', ['site1/s1']],
    ]);
    expect(model.slices.map((s) => [s.key, s.service])).toEqual([
      ['site1/s1', 'web'],
      ['site1/s2', 'db'],
    ]);
  });

  test('slice.join(network) shows on the Slice, on the Network and in the model, however late it is made', () => {
    const b = baseCloud();
    const owner = b.site.addSlice('owner', { image: b.image, flavor: b.flavor });
    const lan = owner.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl, allowJoin: [b.slice] });
    b.slice.join(lan).join(lan);
    expect(b.slice.joined).toEqual([lan]);
    expect(lan.joinedBy).toEqual([b.slice]);
    expect(lan.permitted).toEqual([b.slice]);
    const net = compile(b.cloud).built.model.networks.find((n) => n.key === 'site1/owner/lan')!;
    expect(net.joined).toEqual(['site1/s1']);
    expect(net.permitted).toEqual(['site1/s1']);
  });

  test("a Controller made with deployment.addController() or new Controller({ deployment }) is one of the Deployment's controllers", () => {
    const b = baseCloud();
    const second = new Controller(b.cloud, 'ctl2', { backend: 'openstack', deployment: b.dep, sites: [b.site] });
    expect(b.dep.controllers.map((c) => c.node.id)).toEqual(['ctl1', 'ctl2']);
    expect(second.deployment).toBe(b.dep);
    expect(new Controller(b.cloud, 's3', { backend: 's3' }).deployment).toBeUndefined();
  });

  test('props and methods give the same model: a Deployment declared with props equals one declared with calls', () => {
    const a = baseCloud('same');
    const fromProps = compile(a.cloud).built.model;
    const b = baseCloud('same');
    // baseCloud declares dep1 with props; declare the same through methods in another cloud and compare.
    const dep2 = new Deployment(b.cloud, 'dep2');
    dep2.allowHosting(b.site).allowAcquire(b.site).support(b.image, b.flavor, b.tpl);
    const byCalls = compile(b.cloud).built.model.deployments.find((d) => d.key === 'dep2')!;
    expect({ ...byCalls, key: 'dep1', name: 'dep1' }).toEqual(fromProps.deployments.find((d) => d.key === 'dep1'));
  });
});

describe('a wrong kind is a usage error naming the object, the value, the fix and the line', () => {
  test('deployment.support(undefined)', () => {
    const b = baseCloud();
    // The line is the one jest runs (its transpiled file keeps no source map Node reads); the CLI's
    // is the program's own, checked in test/bad-inputs/programs/usage-support-undefined.ts.
    const msg = usage(() => b.dep.support(undefined as never));
    expect(msg).toMatch(new RegExp(`^${HERE}:\\d+: `));
    expect(msg.replace(/^[^ ]+ /, '')).toBe(
      `Deployment 'dep1': support() was given undefined, not an Image, Flavor or NetworkTemplate. Pass objects declared in the cloud: new Image(cloud, 'id'), new Flavor(cloud, 'id', { cores, ramMb }) or new NetworkTemplate(cloud, 'id').`,
    );
    // Nothing of it reached the Deployment.
    expect(b.dep.networkTemplates).toEqual([b.tpl]);
  });

  test('a Flavor among the images of a Deployment', () => {
    const b = baseCloud();
    const msg = usage(() => new Deployment(b.cloud, 'dep2', { images: [b.flavor as never] }));
    expect(msg).toMatch(new RegExp(`^${HERE}:\\d+: Deployment 'dep2': new Deployment\\(\\{ images \\}\\) was given Flavor 'small', not an Image\\.`));
    expect(msg).toContain('a Flavor in flavors');
  });

  test('a Site passed to service.addSlice, a Slice passed to slice.join, a NetworkTemplate passed to network.allowJoin', () => {
    const b = baseCloud();
    const svc = new Service(b.cloud, 'web');
    const lan = b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl });
    expect(usage(() => svc.addSlice(b.site as never))).toMatch(new RegExp(`^${HERE}:\\d+: Service 'web': addSlice\\(\\) was given Site 'site1', not a Slice\\. Pass a Slice`));
    expect(usage(() => b.slice.join(b.slice as never))).toMatch(/Slice 'site1\/s1': join\(\) was given Slice 'site1\/s1', not a Network\./);
    expect(usage(() => lan.allowJoin(b.tpl as never))).toMatch(/Network 'site1\/s1\/lan': allowJoin\(\) was given NetworkTemplate 'private', not a Slice\./);
    expect(usage(() => new Service(b.cloud, 'db', { slices: b.slice as never }))).toMatch(/Service 'db': new Service\(\{ slices \}\) was given Slice 'site1\/s1', not a list\./);
    expect(usage(() => b.dep.allowHosting('site1' as never))).toMatch(/Deployment 'dep1': allowHosting\(\) was given 'site1', not a Site\./);
    expect(usage(() => b.dep.controllers[0].addSite(null as never))).toMatch(/Controller 'ctl1': addSite\(\) was given null, not a Site\./);
    expect(usage(() => new Controller(b.cloud, 'ctl9', { backend: 'openstack', deployment: b.site as never }))).toMatch(/Controller 'ctl9': new Controller\(\{ deployment \}\) was given Site 'site1', not a Deployment\./);
    expect(usage(() => new Slice(b.site, 's9', { image: b.image, flavor: b.flavor, service: b.dep as never }))).toMatch(/Slice 'site1\/s9': new Slice\(\{ service \}\) was given Deployment 'dep1', not a Service\./);
  });

  test('an object of another cloud is of the right kind: the rules report it, as before', () => {
    const other = baseCloud('other');
    const b = baseCloud();
    const svc = new Service(b.cloud, 'web', { slices: [other.slice] });
    expect(svc.slices).toEqual([other.slice]);
    expect(compile(b.cloud).violations.filter((v) => v.id === 'TEN-006' || v.id === 'TEN-001' || /not declared/.test(v.message)).length).toBeGreaterThan(0);
  });
});

describe('single-object props are checked like method arguments', () => {
  test('a Flavor as a Slice\'s image, an Image as its flavor, a Site as a Node\'s deployment, a Deployment as a User\'s site', () => {
    const b = baseCloud();
    expect(usage(() => b.site.addSlice('s9', { image: b.flavor as never, flavor: b.flavor }))).toMatch(
      new RegExp(`^${HERE}:\\d+: Slice 'site1/s9': new Slice\\(\\{ image \\}\\) was given Flavor 'small', not an Image\\. Pass an Image`),
    );
    expect(usage(() => b.site.addSlice('s9', { image: b.image, flavor: b.image as never }))).toMatch(/Slice 'site1\/s9': new Slice\(\{ flavor \}\) was given Image 'img', not a Flavor\./);
    expect(usage(() => new Node(b.site, 'n9', { deployment: b.site as never }))).toMatch(/Node 'site1\/n9': new Node\(\{ deployment \}\) was given Site 'site1', not a Deployment\./);
    expect(usage(() => new User(b.cloud, 'u9', { site: b.dep as never }))).toMatch(/User 'u9': new User\(\{ site \}\) was given Deployment 'dep1', not a Site\./);
    // Nothing half-made reached the model: the refused constructs are not there.
    const model = compile(b.cloud).built.model;
    expect(model.slices.map((s) => s.key)).toEqual(['site1/s1']);
    expect(model.users.map((u) => u.key)).toEqual(['admin1']);
  });

  test("a Network's template and site, a Sliver's placement, a Service's controller and a tenancy's network and template", () => {
    const b = baseCloud();
    const lan = b.slice.addNetwork('lan', { cidr: '10.0.0.0/24', template: b.tpl });
    expect(usage(() => b.slice.addNetwork('n9', { cidr: '10.0.1.0/24', template: b.image as never }))).toMatch(/Network 'site1\/s1\/n9': new Network\(\{ template \}\) was given Image 'img', not a NetworkTemplate\./);
    expect(usage(() => b.slice.addNetwork('n9', { cidr: '10.0.1.0/24', template: b.tpl, site: b.slice as never }))).toMatch(/new Network\(\{ site \}\) was given Slice 'site1\/s1', not a Site\./);
    expect(usage(() => b.slice.addSliver('v9', { node: b.site as never }))).toMatch(/Sliver 'site1\/s1\/v9': site1\/s1\.addSliver\('v9', \{ node \}\) was given Site 'site1', not a Node\./);
    expect(usage(() => b.slice.addSliver('v9', { deployment: b.dep, site: b.dep as never }))).toMatch(/addSliver\('v9', \{ site \}\) was given Deployment 'dep1', not a Site\./);
    expect(usage(() => b.slice.addSliver('v9', { deployment: b.dep, image: b.flavor as never }))).toMatch(/addSliver\('v9', \{ image \}\) was given Flavor 'small', not an Image\./);
    expect(usage(() => new Service(b.cloud, 'web', { controller: b.site as never }))).toMatch(/Service 'web': new Service\(\{ controller \}\) was given Site 'site1', not a Controller\./);
    const db = new Service(b.cloud, 'db', { slices: [b.slice] });
    const web = new Service(b.cloud, 'web2');
    expect(usage(() => web.tenantOf(db, { connect: 'shared-private', network: b.slice as never }))).toMatch(/tenantOf\(\{ network \}\) was given Slice 'site1\/s1', not a Network\./);
    expect(usage(() => web.tenantOf(db, { connect: 'interconnect-private', template: lan as never }))).toMatch(/tenantOf\(\{ template \}\) was given Network 'site1\/s1\/lan', not a NetworkTemplate\./);
    // A Sliver placed right keeps its placement, as a copy the program cannot change afterwards.
    const where = { deployment: b.dep };
    const v = b.slice.addSliver('v1', where);
    (where as { deployment: unknown }).deployment = b.site;
    expect(v.placement.deployment).toBe(b.dep);
  });

  test('a Slice bound to a second Service is refused where it is bound, from either side', () => {
    const b = baseCloud();
    const a = new Service(b.cloud, 'a', { slices: [b.slice] });
    const other = new Service(b.cloud, 'b');
    expect(usage(() => other.addSlice(b.slice))).toMatch(
      new RegExp(`^${HERE}:\\d+: Service 'b': addSlice\\(\\) was given Slice 'site1/s1', which already implements Service 'a'\\. A Slice implements one Service`),
    );
    expect(usage(() => new Service(b.cloud, 'c', { slices: [b.slice] }))).toMatch(/Service 'c': new Service\(\{ slices \}\) was given Slice 'site1\/s1', which already implements Service 'a'\./);
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor, service: other });
    expect(usage(() => a.addSlice(s2))).toMatch(/which already implements Service 'b'/);
    // Binding the same pair again changes nothing; both sides agree.
    a.addSlice(b.slice);
    expect(a.slices).toEqual([b.slice]);
    expect(other.slices).toEqual([s2]);
    expect(b.slice.service).toBe(a);
    const model = compile(b.cloud).built.model;
    expect(model.services.find((s) => s.key === 'b')!.slices).toEqual(['site1/s2']);
    expect(model.slices.find((s) => s.key === 'site1/s1')!.service).toBe('a');
  });

  test('an object whose constructor refused a prop leaves nothing behind: not in the cloud, not in a relation', () => {
    const b = baseCloud();
    expect(usage(() => new Service(b.cloud, 'half', { slices: [b.slice, b.site as never] }))).toMatch(/Service 'half': new Service\(\{ slices \}\) was given Site 'site1', not a Slice\./);
    // The first Slice was bound before the second was refused: the binding is undone with the Service.
    expect(b.slice.service).toBeUndefined();
    const web = new Service(b.cloud, 'half', { slices: [b.slice] });
    expect(b.slice.service).toBe(web);
    expect(usage(() => new Deployment(b.cloud, 'dep9', { hostSites: [b.site], images: [b.flavor as never] }))).toContain("Deployment 'dep9'");
    const model = compile(b.cloud).built.model;
    expect(model.deployments.map((d) => d.key)).toEqual(['dep1']);
    expect(model.services.map((s) => [s.key, s.slices])).toEqual([['half', ['site1/s1']]]);
  });

  test("acknowledgements, tenancy attributes and an instance's attributes are copies", () => {
    const b = baseCloud();
    b.slice.acknowledge('NET-005', 'by design');
    (b.slice.acknowledgements as unknown as { rule: string; reason: string }[]).push({ rule: 'RBAC-004', reason: 'slipped in' });
    (b.slice.acknowledgements[0] as { reason: string }).reason = 'changed';
    expect(b.slice.acknowledgements).toEqual([{ rule: 'NET-005', reason: 'by design' }]);
    const db = new Service(b.cloud, 'db', { acceptsUsers: true });
    const attrs: Record<string, unknown> = { plan: 'gold' };
    const t = new Service(b.cloud, 'web').tenantOf(db, { connect: 'none', attributes: attrs });
    const row: Record<string, unknown> = { bundle: 'family' };
    const i = db.addTenant('sub-1', { subscriber: b.admin, attributes: row });
    attrs.plan = 'tin';
    row.bundle = 'business';
    expect(t.attributes).toEqual({ plan: 'gold' });
    expect(i.attributes).toEqual({ bundle: 'family' });
    i.acknowledge('TNI-006', 'one finding', { finding: 'TNI-006@db/sub-1' });
    expect(i.acknowledgements).toEqual([{ rule: 'TNI-006', reason: 'one finding', finding: 'TNI-006@db/sub-1' }]);
    expect(() => i.acknowledge('TNI-006', 'x', { finding: 'NET-005@db/sub-1' })).toThrow(/needs its id as reports print it, 'TNI-006@<path>'/);
    expect(db.instance('sub-1')).toBe(i);
    expect(db.instance('sub-2')).toBeUndefined();
  });
});

test('every construct kind renders its own part of the model', () => {
  const b = baseCloud();
  const kinds = new Set<string>();
  for (const c of b.cloud.node.findAll()) {
    const k = (c as { kind?: string }).kind;
    if (k && typeof (c as { toModel?: unknown }).toModel === 'function') kinds.add(k);
  }
  expect([...kinds].sort()).toEqual(['Controller', 'Deployment', 'Flavor', 'Image', 'NetworkTemplate', 'Privilege', 'Site', 'Slice', 'User']);
  expect(NetworkTemplate.prototype).toHaveProperty('toModel');
  expect(Network.prototype).toHaveProperty('toModel');
});

test('a grant to something that is not a User, and a tenancy of something that is not a Service, are usage errors too', () => {
  const b = baseCloud();
  const svc = new Service(b.cloud, 'web');
  expect(usage(() => b.cloud.grant(b.site as never, 'admin'))).toMatch(/the Cloud: grant\(\) was given Site 'site1', not a User\. Grant the role to a User/);
  expect(usage(() => b.slice.grant(undefined as never, 'admin'))).toMatch(/Slice 'site1\/s1': grant\(\) was given undefined, not a User\./);
  expect(usage(() => svc.tenantOf(b.slice as never, { connect: 'public' }))).toMatch(/Service 'web': tenantOf\(\) was given Slice 'site1\/s1', not a Service\. Pass the provider Service/);
  // Nothing was recorded: no grant, no tenancy.
  expect(svc.tenancies).toEqual([]);
  expect(b.slice.node.children.filter((c) => (c as { kind?: string }).kind === 'Privilege')).toHaveLength(1);
});
