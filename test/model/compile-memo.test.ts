/**
 * CompileMemo (--watch): a model the same as the previous one, content for content, is not
 * laid out or checked again; anything else is, and what depends on more than the model
 * (declaration sites) is always made anew.
 */
import { Controller, Service } from '../../lib/index';
import { buildModel } from '../../lib/model/build';
import { compileModel, CompileMemo, type Compiled } from '../../lib/compile';
import { baseCloud } from '../helpers/cloud';

function twoServices(schema?: Readonly<Record<string, unknown>>) {
  const b = baseCloud();
  const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
  s2.grant(b.admin, 'admin');
  const tenant = new Service(b.cloud, 'web', { slices: [b.slice] });
  const provider = new Service(b.cloud, 'db', { slices: [s2], ports: [5432], ...(schema ? { tenantSchema: schema } : {}) });
  b.slice.addSliver('w1', { deployment: b.dep });
  s2.addSliver('d1', { deployment: b.dep });
  return { ...b, s2, tenant, provider };
}

const compiled = (cloud: ReturnType<typeof twoServices>['cloud'], memo?: CompileMemo): Compiled => compileModel(buildModel(cloud), { relativeTo: process.cwd(), memo });
const shown = (c: Compiled) => c.violations.map((v) => `${v.id} ${v.path} ${v.message} ${v.source ?? ''}`);

describe('CompileMemo', () => {
  test('the same model again: the one already checked stands for it, with the same violations', () => {
    const memo = new CompileMemo();
    const first = compiled(twoServices().cloud, memo);
    const again = compiled(twoServices().cloud, memo);
    expect(again.built.model).toBe(first.built.model);
    expect(again.layout).toBe(first.layout);
    expect(shown(again)).toEqual(shown(compiled(twoServices().cloud)));
  });

  test('a changed schema is checked again', () => {
    const memo = new CompileMemo();
    const make = (maximum: number) => {
      const t = twoServices({ type: 'object', required: ['vlan'], properties: { vlan: { type: 'integer', maximum } } });
      t.tenant.tenantOf(t.provider, { connect: 'public', attributes: { vlan: 100 } });
      return t.cloud;
    };
    expect(compiled(make(4094), memo).violations.filter((v) => v.id === 'TEN-004')).toEqual([]);
    const after = compiled(make(10), memo);
    expect(after.violations.filter((v) => v.id === 'TEN-004').map((v) => v.message)).toEqual(['attributes.vlan must be <= 10 (schema of provider db, at #/properties/vlan/maximum).']);
    // (Declared at another line: the call of make.)
    const found = (c: Compiled) => c.violations.map((v) => `${v.id} ${v.path} ${v.message}`);
    expect(found(after)).toEqual(found(compiled(make(10))));
  });

  test('a rule that asks where objects were declared runs again: the same model declared in another order', () => {
    // A cycle of three tenancies, reported on the one declared last.
    const memo = new CompileMemo();
    const t1 = twoServices();
    const c1 = new Service(t1.cloud, 'cache', { controller: new Controller(t1.cloud, 'ext', { backend: 'external' }) });
    t1.tenant.tenantOf(t1.provider, { connect: 'public' });
    t1.provider.tenantOf(c1, { connect: 'public' });
    c1.tenantOf(t1.tenant, { connect: 'public' });
    const first = compiled(t1.cloud, memo);
    const t2 = twoServices();
    const c2 = new Service(t2.cloud, 'cache', { controller: new Controller(t2.cloud, 'ext', { backend: 'external' }) });
    c2.tenantOf(t2.tenant, { connect: 'public' });
    t2.provider.tenantOf(c2, { connect: 'public' });
    t2.tenant.tenantOf(t2.provider, { connect: 'public' });
    const second = compiled(t2.cloud, memo);
    expect(second.built.model).toBe(first.built.model);
    const ten002 = (c: Compiled) => c.violations.filter((v) => v.id === 'TEN-002').map((v) => v.path);
    expect(ten002(first)).toEqual(['cache/tenant-of-web']);
    expect(ten002(second)).toEqual(['web/tenant-of-db']);
    expect(shown(second)).toEqual(shown(compiled(t2.cloud)));
  });

  test('a model that cannot be serialized is never reused', () => {
    const memo = new CompileMemo();
    const t = twoServices();
    const built = buildModel(t.cloud);
    const odd = { ...built, model: { ...built.model, extra: () => 1 } as unknown as typeof built.model };
    const a = compileModel(odd, { memo });
    const b = compileModel(odd, { memo });
    expect(b.layout).not.toBe(a.layout);
    expect(shown(b)).toEqual(shown(a));
  });

  test('one more object: a new model, checked anew', () => {
    const memo = new CompileMemo();
    const a = twoServices();
    const first = compiled(a.cloud, memo);
    const b = twoServices();
    new Controller(b.cloud, 'ext', { backend: 'external' });
    const second = compiled(b.cloud, memo);
    expect(second.built.model).not.toBe(first.built.model);
    expect(second.built.model.controllers.length).toBe(first.built.model.controllers.length + 1);
  });
});
