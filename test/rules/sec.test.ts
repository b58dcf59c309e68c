import { Service, Site } from '../../lib/index';
import { baseCloud, violationsOf } from '../helpers/cloud';

describe('SEC-001 no Terraform template sequence in model strings', () => {
  test('fails for ${...} in a location and %{...} in a tenancy attribute, naming the object and the path', () => {
    const b = baseCloud();
    new Site(b.cloud, 'site2', { location: '${file("/home/runner/.ssh/id_rsa")}' });
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    s2.grant(b.admin, 'admin');
    const prov = new Service(b.cloud, 'prov', { slices: [s2] });
    new Service(b.cloud, 'ten', { slices: [b.slice] }).tenantOf(prov, { connect: 'public', attributes: { nested: ['ok', '%{ for x in var.y }'] } });
    const v = violationsOf(b.cloud, 'SEC-001');
    expect(v.map((x) => [x.path, x.message])).toEqual([
      ['site2', expect.stringMatching(/^Site site2: location holds a Terraform template sequence/)],
      ['ten/tenant-of-prov', expect.stringMatching(/^Tenant ten\/tenant-of-prov: attributes\.nested\[1\] holds a Terraform template sequence/)],
    ]);
    expect(v.every((x) => !x.message.includes('id_rsa'))).toBe(true);
  });

  test('passes for dollars and braces apart, and for a tenant schema (never rendered)', () => {
    const b = baseCloud();
    new Site(b.cloud, 'site2', { location: 'costs $5 {approx}' });
    new Service(b.cloud, 'prov', { slices: [b.slice], tenantSchema: { type: 'object', properties: { x: { type: 'string', pattern: '^[$]{1}' } } } });
    expect(violationsOf(b.cloud, 'SEC-001')).toEqual([]);
  });
});
