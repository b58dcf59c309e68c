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
