import { Cloud, Site, User } from '../../lib/index';
import { baseCloud, violationsOf } from '../helpers/cloud';

describe('RBAC-001 every User is homed at one declared Site', () => {
  test('passes when the User is homed at a Site of the same cloud', () => {
    const b = baseCloud();
    expect(violationsOf(b.cloud, 'RBAC-001')).toEqual([]);
  });

  test('fails when a User has no home Site', () => {
    const b = baseCloud();
    new User(b.cloud, 'drifter', { site: undefined as unknown as Site });
    const v = violationsOf(b.cloud, 'RBAC-001');
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ severity: 'error', path: 'drifter' });
    expect(v[0].message).toContain('has no home Site');
  });

  test('fails when the home Site belongs to another cloud', () => {
    const b = baseCloud();
    const other = new Cloud({ name: 'other' });
    const elsewhere = new Site(other, 'elsewhere');
    new User(b.cloud, 'visitor', { site: elsewhere });
    const v = violationsOf(b.cloud, 'RBAC-001');
    expect(v.map((x) => x.path)).toEqual(['visitor']);
    expect(v[0].message).toContain("'elsewhere' is not declared in this model");
  });
});

describe('RBAC-002 a role is valid for its scope', () => {
  test('passes for admin, pi and tech at a Site', () => {
    const b = baseCloud();
    b.site.grant(b.admin, 'pi');
    b.site.grant(b.admin, 'tech');
    expect(violationsOf(b.cloud, 'RBAC-002')).toEqual([]);
  });

  test('fails when a Slice role is granted at a Site', () => {
    const b = baseCloud();
    b.site.grant(b.admin, 'access' as never);
    const v = violationsOf(b.cloud, 'RBAC-002');
    expect(v).toHaveLength(1);
    expect(v[0].message).toBe("role 'access' is not a site role (valid: admin, pi, tech). Grant one of those.");
  });

  test('fails when a Deployment is given a pi', () => {
    const b = baseCloud();
    b.dep.grant(b.admin, 'pi' as never);
    expect(violationsOf(b.cloud, 'RBAC-002').map((x) => x.message)).toEqual(["role 'pi' is not a deployment role (valid: admin). Grant one of those."]);
  });
});

describe('RBAC-003 grants name declared users and objects, once', () => {
  test('passes for single grants to declared users', () => {
    const b = baseCloud();
    expect(violationsOf(b.cloud, 'RBAC-003')).toEqual([]);
  });

  test('fails when the same role is granted twice', () => {
    const b = baseCloud();
    b.slice.grant(b.admin, 'admin');
    const v = violationsOf(b.cloud, 'RBAC-003');
    expect(v).toHaveLength(1);
    expect(v[0].path).toBe('site1/s1/grant-admin1-admin-2');
    expect(v[0].message).toContain('again (already granted by site1/s1/grant-admin1-admin)');
  });

  test('fails when a role is granted to a User of another cloud', () => {
    const b = baseCloud();
    const other = new Cloud();
    const stranger = new User(other, 'stranger', { site: new Site(other, 'x') });
    b.slice.grant(stranger, 'access');
    const v = violationsOf(b.cloud, 'RBAC-003');
    expect(v).toHaveLength(1);
    expect(v[0].message).toContain("'stranger', which is not a User declared in this model");
  });
});

describe('RBAC-004 every Slice has a Slice admin', () => {
  test('passes when the Slice has an admin', () => {
    expect(violationsOf(baseCloud().cloud, 'RBAC-004')).toEqual([]);
  });

  test('warns when the Slice has only access users', () => {
    const b = baseCloud();
    const lonely = b.site.addSlice('lonely', { image: b.image, flavor: b.flavor });
    lonely.grant(b.admin, 'access');
    const v = violationsOf(b.cloud, 'RBAC-004');
    expect(v).toEqual([expect.objectContaining({ severity: 'warning', path: 'site1/lonely' })]);
  });

  test('an acknowledged warning carries the reason and does not count', () => {
    const b = baseCloud();
    b.site.addSlice('lonely', { image: b.image, flavor: b.flavor }).acknowledge('RBAC-004', 'managed by the site admins');
    const v = violationsOf(b.cloud, 'RBAC-004');
    expect(v).toEqual([expect.objectContaining({ acknowledged: 'managed by the site admins' })]);
  });
});

describe('RBAC-005 every hosting Site has a Site admin', () => {
  test('passes when the Site has an admin', () => {
    expect(violationsOf(baseCloud().cloud, 'RBAC-005')).toEqual([]);
  });

  test('warns when a Site hosts Nodes but has no admin', () => {
    const b = baseCloud();
    const bare = new Site(b.cloud, 'bare');
    b.dep.allowHosting(bare);
    bare.addNode('n1', { deployment: b.dep });
    const v = violationsOf(b.cloud, 'RBAC-005');
    expect(v).toEqual([expect.objectContaining({ severity: 'warning', path: 'bare' })]);
  });

  test('does not warn for a Site that hosts nothing', () => {
    const b = baseCloud();
    new Site(b.cloud, 'empty');
    expect(violationsOf(b.cloud, 'RBAC-005')).toEqual([]);
  });
});
