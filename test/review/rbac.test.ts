import { buildModel, Deployment, Image, Service, Site, User, type XosModel } from '../../lib/index';
import { ModelIndex } from '../../lib/model/index';
import { authorize, diffModels, writeRoles, roleLabel, type Authorization } from '../../lib/review/index';
import { baseCloud, type Base } from '../helpers/cloud';

/**
 * A cloud with one person per role: admin1 (Site admin of site1, Slice admin of site1/s1,
 * from the base helper), root (root admin), pia (Site pi), tina (Site tech), sam (Slice
 * admin of s1 only), dora (Deployment admin of dep1), ada2 (Site admin of site2), nobody.
 */
interface World extends Base {
  site2: Site;
  users: Record<string, User>;
}

function world(edit: (w: World) => void = () => {}): XosModel {
  const b = baseCloud('rbac');
  const site2 = new Site(b.cloud, 'site2');
  const mk = (id: string, site: Site = b.site) => new User(b.cloud, id, { site, publicKeys: [`ssh-ed25519 AAAA ${id}`] });
  const users = { root: mk('root'), pia: mk('pia'), tina: mk('tina'), sam: mk('sam'), dora: mk('dora'), ada2: mk('ada2', site2), nobody: mk('nobody') };
  b.cloud.grant(users.root, 'admin');
  b.site.grant(users.pia, 'pi');
  b.site.grant(users.tina, 'tech');
  b.slice.grant(users.sam, 'admin');
  b.dep.grant(users.dora, 'admin');
  site2.grant(users.ada2, 'admin');
  b.slice.addSliver('v1', { deployment: b.dep });
  const w = { ...b, site2, users };
  edit(w);
  return buildModel(b.cloud).model;
}

/** Check `actor` against the change from the plain world to the edited one. */
function check(actor: string, edit: (w: World) => void, baseEdit: (w: World) => void = () => {}): Authorization {
  const base = world(baseEdit);
  const head = world((w) => {
    baseEdit(w);
    edit(w);
  });
  const bi = new ModelIndex(base);
  const hi = new ModelIndex(head);
  const subjects = diffModels(bi, hi).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
  expect(subjects.length).toBeGreaterThan(0);
  return authorize({ actor, subjects, head: hi, base: bi });
}

const denied = (a: Authorization) => a.checks.filter((c) => !c.allowed);

describe('RBAC-006: change authorization', () => {
  const addSliver = (w: World) => void w.slice.addSliver('v2', { deployment: w.dep });

  test('a Slice admin may add a Sliver to their Slice', () => {
    const a = check('sam', addSliver);
    expect(a.checks.map((c) => [c.id, c.key, c.status, c.allowed])).toEqual([['RBAC-006', 'site1/s1/v2', 'added', true]]);
    expect(a.denied).toBe(0);
  });

  test('a Slice admin may not add a Slice to the Site, and the finding names who may approve', () => {
    const a = check('sam', (w) => void w.site.addSlice('s2', { image: w.image, flavor: w.flavor }));
    const d = denied(a);
    expect(d.map((c) => [c.id, c.key])).toEqual([['RBAC-006', 'site1/s2']]);
    expect(d[0].approvers).toEqual([
      { role: 'Site admin of site1', users: ['admin1'] },
      { role: 'Site pi of site1', users: ['pia'] },
      { role: 'root admin', users: ['root'] },
    ]);
    expect(d[0].message).toContain('sam may not add Slice site1/s2');
  });

  test('a Site tech may add a Node at the Site but not a Slice', () => {
    expect(check('tina', (w) => void w.site.addNode('n9', { deployment: w.dep })).denied).toBe(0);
    expect(check('tina', (w) => void w.site.addSlice('s3', { image: w.image, flavor: w.flavor })).denied).toBe(1);
  });

  test('Slice access grants no write scope at all', () => {
    const a = check('nobody', addSliver, (w) => void w.slice.grant(w.users.nobody, 'access'));
    expect(a.actorRoles).toEqual(['Slice access of site1/s1']);
    expect(a.denied).toBe(1);
  });

  test('a Deployment admin may change the Deployment and an Image only it offers, but not one another Deployment shares', () => {
    expect(check('dora', (w) => void w.dep.allowHosting(w.site2)).denied).toBe(0);
    const withImage = (url: string, shared: boolean) => (w: World) => {
      const img2 = new Image(w.cloud, 'img2', { sourceUrl: url });
      w.dep.support(img2);
      if (shared) new Deployment(w.cloud, 'dep2', { images: [img2] });
    };
    for (const shared of [false, true]) {
      const bi = new ModelIndex(world(withImage('https://images.example/a.qcow2', shared)));
      const hi = new ModelIndex(world(withImage('https://images.example/b.qcow2', shared)));
      const subjects = diffModels(bi, hi).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
      expect(subjects).toEqual([{ key: 'img2', kind: 'Image', status: 'changed' }]);
      const a = authorize({ actor: 'dora', subjects, head: hi, base: bi });
      expect(a.denied).toBe(shared ? 1 : 0);
      if (shared) expect(a.checks[0].approvers.map((x) => x.role)).toEqual(['root admin']);
    }
  });

  test('an object that moves between scopes needs a role covering both', () => {
    // User 'mover' moves from site1 to site2; ada2 is admin of site2 only.
    const a = check(
      'ada2',
      (w) => void new User(w.cloud, 'mover', { site: w.site2, publicKeys: [] }),
      () => {},
    );
    expect(a.checks.find((c) => c.key === 'mover')!.allowed).toBe(true);
    const moved = (site: 'site' | 'site2') => (w: World) => void new User(w.cloud, 'mover', { site: w[site], publicKeys: [] });
    const base = world(moved('site'));
    const head = world(moved('site2'));
    const bi = new ModelIndex(base);
    const hi = new ModelIndex(head);
    const subjects = diffModels(bi, hi).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
    expect(subjects).toEqual([{ key: 'mover', kind: 'User', status: 'changed' }]);
    const r = authorize({ actor: 'ada2', subjects, head: hi, base: bi });
    expect(r.checks[0].allowed).toBe(false);
    expect(r.checks[0].approvers.map((x) => x.role)).toEqual(['root admin']);
    expect(authorize({ actor: 'root', subjects, head: hi, base: bi }).denied).toBe(0);
  });

  test('a root admin may make every change', () => {
    const a = check('root', (w) => {
      addSliver(w);
      w.site.addSlice('s2', { image: w.image, flavor: w.flavor });
      w.site2.grant(w.users.nobody, 'pi');
      new Service(w.cloud, 'svc', { slices: [w.slice] });
    });
    expect(a.checks.length).toBeGreaterThanOrEqual(4);
    expect(a.denied).toBe(0);
  });

  test('an actor who is not a User of the base model holds no role and needs approval for everything', () => {
    const a = check('mallory', addSliver);
    expect(a.actorKey).toBeUndefined();
    expect(a.notes.join(' ')).toContain("'mallory' is not a User of the base model");
    expect(a.denied).toBe(a.checks.length);
  });
});

describe('RBAC-007: grant authorization', () => {
  test('a Slice admin may grant Slice roles on their Slice', () => {
    const a = check('sam', (w) => void w.slice.grant(w.users.nobody, 'access'));
    expect(a.checks.map((c) => [c.id, c.allowed])).toEqual([['RBAC-007', true]]);
  });

  test('a Site pi may grant Slice roles on the Site\'s Slices but not Site roles', () => {
    expect(check('pia', (w) => void w.slice.grant(w.users.nobody, 'admin')).denied).toBe(0);
    const a = check('pia', (w) => void w.site.grant(w.users.nobody, 'tech'));
    expect(denied(a).map((c) => c.id)).toEqual(['RBAC-007']);
    expect(denied(a)[0].approvers.map((x) => x.role)).toEqual(['Site admin of site1', 'root admin']);
  });

  test('only a root admin may grant root roles', () => {
    const a = check('admin1', (w) => void w.cloud.grant(w.users.nobody, 'admin'));
    expect(denied(a)[0]).toMatchObject({ id: 'RBAC-007', approvers: [{ role: 'root admin', users: ['root'] }] });
  });

  test('a change cannot authorize itself: roles are read from the base model', () => {
    // nobody grants themselves Site admin and, in the same change, adds a Slice.
    const a = check('nobody', (w) => {
      w.site.grant(w.users.nobody, 'admin');
      w.site.addSlice('s2', { image: w.image, flavor: w.flavor });
    });
    expect(a.rolesFrom).toBe('base');
    expect(denied(a).map((c) => c.id).sort()).toEqual(['RBAC-006', 'RBAC-007']);
  });

  test('revoking a privilege is checked (RBAC-006) against the same roles that may grant it', () => {
    const bi = new ModelIndex(world((w) => void w.slice.grant(w.users.nobody, 'access')));
    const hi = new ModelIndex(world());
    const subjects = diffModels(bi, hi).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
    expect(subjects.map((x) => [x.kind, x.status])).toEqual([['Privilege', 'removed']]);
    expect(authorize({ actor: 'sam', subjects, head: hi, base: bi }).checks.map((c) => [c.id, c.allowed])).toEqual([['RBAC-006', true]]);
    expect(authorize({ actor: 'tina', subjects, head: hi, base: bi }).checks.map((c) => [c.id, c.allowed])).toEqual([['RBAC-006', false]]);
  });
});

describe('RBAC-008: own home Site', () => {
  test('a Site pi of both Sites may move another User but not themselves', () => {
    const both = (w: World) => void w.site2.grant(w.users.pia, 'pi');
    const base = world(both);
    const headModel = (mutate: (m: XosModel) => XosModel) => mutate(world(both));
    const moveUser = (key: string) => (m: XosModel): XosModel => ({ ...m, users: m.users.map((u) => (u.key === key ? { ...u, site: 'site2' } : u)) });
    const bi = new ModelIndex(base);
    const self = new ModelIndex(headModel(moveUser('pia')));
    const subjects = diffModels(bi, self).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
    expect(subjects).toEqual([{ key: 'pia', kind: 'User', status: 'changed' }]);
    const a = authorize({ actor: 'pia', subjects, head: self, base: bi });
    expect(a.checks.map((c) => [c.id, c.allowed])).toEqual([
      ['RBAC-006', true],
      ['RBAC-008', false],
    ]);
    expect(a.checks[1].approvers).toEqual([{ role: 'root admin', users: ['root'] }]);

    const other = new ModelIndex(headModel(moveUser('tina')));
    const s2 = diffModels(bi, other).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
    expect(authorize({ actor: 'pia', subjects: s2, head: other, base: bi }).denied).toBe(0);
    expect(authorize({ actor: 'root', subjects: subjects, head: self, base: bi }).denied).toBe(0);
  });
});

describe('write scopes where the table is silent', () => {
  test('a tenancy follows its tenant Service, an Addition its Sliver, and a Service the admins of its Slices', () => {
    const m = world((w) => {
      const provider = new Service(w.cloud, 'prov', { controller: w.dep.addController('prov-api', { backend: 'external' }), onTenantInstance: () => [{ id: 'vol', type: 'volume' }] });
      const tenant = new Service(w.cloud, 'ten', { slices: [w.slice] });
      tenant.tenantOf(provider, { connect: 'public' });
    });
    const index = new ModelIndex(m);
    const labels = (key: string) => writeRoles(index.get(key)!, index).map(roleLabel);
    expect(labels('ten')).toEqual(['Slice admin of site1/s1', 'Site admin of site1', 'Site pi of site1', 'root admin']);
    const tenancy = m.tenants[0].key;
    expect(labels(tenancy)).toEqual(labels('ten'));
    expect(m.additions).toHaveLength(1);
    expect(labels(m.additions[0].key)).toEqual(labels('site1/s1/v1'));
    expect(labels('site1/s1/v1')).toEqual(['Slice admin of site1/s1', 'Site admin of site1', 'Site pi of site1', 'root admin']);
    expect(labels('prov')).toEqual(['Deployment admin of dep1', 'root admin']);
    expect(labels('site1')).toEqual(['root admin']);
  });
});

describe('RBAC-009: tenant instances', () => {
  /**
   * vOLT on Slice s1 (sam and admin1 are its Slice admins) takes User subscribers; vCPE on
   * Slice s2 (nobody's) is its tenant. alice and bob each hold a chain vOLT -> vCPE.
   */
  let volt: Service;
  const offices = (w: World): void => {
    const s2 = w.site.addSlice('s2', { image: w.image, flavor: w.flavor });
    volt = new Service(w.cloud, 'vOLT', { slices: [w.slice], acceptsUsers: true });
    const vcpe = new Service(w.cloud, 'vCPE', { slices: [s2] });
    vcpe.tenantOf(volt, { connect: 'none' });
    for (const [id, s] of [['alice', 100], ['bob', 101]] as const) {
      const v = volt.addTenant(`sub-${id}`, { subscriber: new User(w.cloud, id, { site: w.site }), attributes: { s_tag: s } });
      vcpe.addTenant(`sub-${id}`, { subscriber: v, attributes: { bundle: 'family' } });
    }
  };
  /** `actor` against the office changed in its model: an instance's attributes or subscriber. */
  const changed = (actor: string, mutate: (i: XosModel['instances'][number]) => XosModel['instances'][number] | undefined): Authorization => {
    const bi = new ModelIndex(world(offices));
    const head = world(offices);
    const hi = new ModelIndex({ ...head, instances: head.instances.map((i) => mutate(i) ?? i) });
    const subjects = diffModels(bi, hi).map((d) => ({ key: d.key, kind: d.kind, status: d.status }));
    expect(subjects.length).toBeGreaterThan(0);
    return authorize({ actor, subjects, head: hi, base: bi });
  };
  const bundle = (key: string, b: string) => (i: XosModel['instances'][number]) => (i.key === key ? { ...i, attributes: { ...i.attributes, bundle: b } } : undefined);
  const rows = (a: Authorization) => a.checks.map((c) => [c.id, c.key, c.status, c.allowed]);

  test('the subscribing User may change an instance of their own chain, also one held by another instance of it (passing)', () => {
    expect(rows(changed('alice', bundle('vCPE/sub-alice', 'business')))).toEqual([['RBAC-009', 'vCPE/sub-alice', 'changed', true]]);
  });

  test("a subscriber may not change another subscriber's instance; the finding names who may (failing)", () => {
    const a = changed('alice', bundle('vCPE/sub-bob', 'business'));
    expect(rows(a)).toEqual([['RBAC-009', 'vCPE/sub-bob', 'changed', false]]);
    // vCPE's Slice s2 has no admin: bob and root admin may.
    expect(a.checks[0].approvers).toEqual([
      { role: 'subscriber bob', users: ['bob'] },
      { role: 'root admin', users: ['root'] },
    ]);
    expect(a.checks[0].message).toBe('alice may not change tenant instance vCPE/sub-bob. Approval from one of: subscriber bob (bob); root admin (root).');
  });

  test("a Slice admin of the provider may add and change its instances, not another provider's (passing and failing)", () => {
    const add = check('sam', (w) => void volt.addTenant('sub-carol', { subscriber: new User(w.cloud, 'carol', { site: w.site }), attributes: { s_tag: 102 } }), offices);
    expect(rows(add).filter((r) => r[0] === 'RBAC-009')).toEqual([['RBAC-009', 'vOLT/sub-carol', 'added', true]]);
    expect(rows(changed('sam', (i) => (i.key === 'vOLT/sub-bob' ? { ...i, attributes: { s_tag: 105 } } : undefined)))).toEqual([['RBAC-009', 'vOLT/sub-bob', 'changed', true]]);
    expect(rows(changed('sam', bundle('vCPE/sub-alice', 'business')))).toEqual([['RBAC-009', 'vCPE/sub-alice', 'changed', false]]);
    const index = new ModelIndex(world(offices));
    expect(writeRoles(index.get('vOLT/sub-bob')!, index).map(roleLabel)).toEqual(['subscriber bob', 'Slice admin of site1/s1', 'root admin']);
  });

  test('a Site pi, who may add a Sliver to the Slice, may not change its tenant instances: the rule names Slice admins (failing)', () => {
    expect(check('pia', (w) => void w.slice.addSliver('v2', { deployment: w.dep }), offices).denied).toBe(0);
    const a = changed('pia', bundle('vCPE/sub-alice', 'business'));
    expect(rows(a)).toEqual([['RBAC-009', 'vCPE/sub-alice', 'changed', false]]);
  });

  test('moving an instance to another chain needs both subscribers: alice may not take over a chain of bob (failing), root admin may (passing)', () => {
    const move = (i: XosModel['instances'][number]) => (i.key === 'vOLT/sub-bob' ? { ...i, subscriber: 'alice' } : undefined);
    const a = changed('alice', move);
    expect(rows(a)).toEqual([['RBAC-009', 'vOLT/sub-bob', 'changed', false]]);
    expect(a.checks[0].message).toContain('it moves between scopes');
    expect(changed('root', move).denied).toBe(0);
  });

  test('roles come from the base: a User the change itself adds holds no subscriber role yet (failing)', () => {
    const a = check('zed', (w) => void volt.addTenant('sub-zed', { subscriber: new User(w.cloud, 'zed', { site: w.site }), attributes: { s_tag: 103 } }), offices);
    expect(rows(a).filter((r) => r[0] === 'RBAC-009')).toEqual([['RBAC-009', 'vOLT/sub-zed', 'added', false]]);
  });
});
