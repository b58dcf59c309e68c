import { Image, Service } from '../../lib/index';
import { baseCloud, violationsOf } from '../helpers/cloud';

describe('SEC-001 no Terraform template sequence in what the stacks hold', () => {
  test('fails for ${...} in an Image source and %{...} in a tenancy attribute that reaches Slivers, naming the object and the path, quoting neither', () => {
    const b = baseCloud();
    b.dep.support(new Image(b.cloud, 'evil', { sourceUrl: '${file("/home/runner/.ssh/id_rsa")}' }));
    b.slice.addSliver('v1', { deployment: b.dep });
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    s2.grant(b.admin, 'admin');
    const prov = new Service(b.cloud, 'prov', { slices: [s2] });
    new Service(b.cloud, 'ten', { slices: [b.slice] }).tenantOf(prov, { connect: 'public', attributes: { nested: ['ok', '%{ for x in var.y }'] } });
    const v = violationsOf(b.cloud, 'SEC-001');
    expect(v.map((x) => x.path).sort()).toEqual(['evil', 'site1/s1/v1', 'ten/tenant-of-prov']);
    expect(v.find((x) => x.path === 'evil')!.message).toMatch(/^Image evil: source_url holds a Terraform template sequence/);
    expect(v.find((x) => x.path === 'site1/s1/v1')!.message).toMatch(/^Sliver site1\/s1\/v1: user_data\.tenant_of\.prov\.attributes\.nested\[1\] holds a Terraform template sequence/);
    expect(v.every((x) => !x.message.includes('id_rsa'))).toBe(true);
  });

  test('passes for dollars and braces apart, and for values no stack holds (a description, a tenant schema)', () => {
    const b = baseCloud();
    b.dep.support(new Image(b.cloud, 'img2', { sourceUrl: 'https://x.example/$5/{a}' }));
    b.site.addSlice('s9', { image: b.image, flavor: b.flavor, description: '${not rendered}' });
    new Service(b.cloud, 'prov', { slices: [b.slice], tenantSchema: { type: 'object', properties: { x: { type: 'string', pattern: '^[$]{1}' } } } });
    expect(violationsOf(b.cloud, 'SEC-001')).toEqual([]);
  });
});
