/**
 * TNI: tenant instances. Each rule with a failing and a passing case, on a small Central
 * Office: subscriber Users -> vOLT (a VLAN) -> vCPE (a bundle) -> vBNG (a routable subnet).
 */
import { Cloud, Secret, Service, Site, User } from '../../lib/index';
import { compileModel } from '../../lib/compile';
import { buildModel } from '../../lib/model/build';
import type { XosModel } from '../../lib/model/types';
import { baseCloud, compile, violationsOf } from '../helpers/cloud';

function office() {
  const b = baseCloud();
  const slice = (id: string) => {
    const s = b.site.addSlice(id, { image: b.image, flavor: b.flavor });
    s.grant(b.admin, 'admin');
    s.addSliver(`${id}-1`, { deployment: b.dep });
    return s;
  };
  const volt = new Service(b.cloud, 'vOLT', {
    slices: [slice('volt')],
    acceptsUsers: true,
    instanceSchema: {
      type: 'object',
      required: ['s_tag', 'c_tag'],
      properties: { s_tag: { type: 'integer', minimum: 1, maximum: 4094 }, c_tag: { type: 'integer', minimum: 1, maximum: 4094 }, pin: { type: 'string' } },
      additionalProperties: false,
    },
    unique: [['s_tag', 'c_tag']],
    pools: { c_tag: { range: [2, 4094], per: 's_tag' } },
  });
  const vcpe = new Service(b.cloud, 'vCPE', { slices: [slice('vcpe')], instanceSchema: { type: 'object', required: ['bundle'], properties: { bundle: { enum: ['basic', 'family', 'business'] } } } });
  const vbng = new Service(b.cloud, 'vBNG', { slices: [slice('vbng')], pools: { routable_subnet: { block: '198.18.0.0/24', prefix: 29 } } });
  volt.tenantOf(vcpe, { connect: 'none' });
  vcpe.tenantOf(vbng, { connect: 'none' });
  const subscribe = (name: string, s_tag = 100, extra: Record<string, unknown> = {}) => {
    const user = new User(b.cloud, name, { site: b.site });
    const v = volt.addTenant(`sub-${name}`, { subscriber: user, attributes: { s_tag, ...extra } });
    const c = vcpe.addTenant(`sub-${name}`, { subscriber: v, attributes: { bundle: 'family' } });
    const g = vbng.addTenant(`sub-${name}`, { subscriber: c });
    return { user, v, c, g };
  };
  return { ...b, volt, vcpe, vbng, subscribe };
}

/** The rules over a model edited as a file might be (what a program cannot declare). */
function violationsOfModel(model: XosModel, id: string) {
  return compileModel({ model, meta: { sources: new Map(), acknowledgements: new Map(), buildErrors: [] } }).violations.filter((v) => v.id === id);
}

describe('TNI-001 an instance names a declared provider and subscriber; ids are unique per provider', () => {
  test('passes for chains of declared Users and instances', () => {
    const o = office();
    o.subscribe('alice');
    o.subscribe('bob');
    expect(violationsOf(o.cloud, 'TNI-001')).toEqual([]);
  });

  test('fails for a subscriber declared in another cloud', () => {
    const o = office();
    const other = new Cloud({ name: 'other' });
    const stranger = new User(other, 'mallory', { site: new Site(other, 'elsewhere') });
    o.volt.addTenant('sub-x', { subscriber: stranger, attributes: { s_tag: 100 } });
    expect(violationsOf(o.cloud, 'TNI-001').map((v) => [v.path, v.message])).toEqual([
      ['vOLT/sub-x', "instance sub-x of 'vOLT' is held by 'mallory', which is not a User, Service or tenant instance declared in this model. Give it a subscriber declared in this cloud."],
    ]);
  });

  test('fails at once for an id given twice, naming where the first was declared', () => {
    const o = office();
    const alice = new User(o.cloud, 'alice', { site: o.site });
    o.volt.addTenant('sub-1', { subscriber: alice, attributes: { s_tag: 100 } });
    expect(() => o.volt.addTenant('sub-1', { subscriber: alice, attributes: { s_tag: 101 } })).toThrow(/^Service vOLT already has an instance 'sub-1' \(declared at test\/rules\/tni\.test\.ts:\d+\) \(again at test\/rules\/tni\.test\.ts:\d+\)\. Instance ids are unique within their provider; give this one another id\.$/);
    expect(() => o.volt.addTenant('a/b', { subscriber: alice })).toThrow("Service vOLT: an instance was given the id \"a/b\"; instance ids are non-empty strings without '/'. Give it an id such as 'sub-1042'.");
  });

  test('fails for an instance whose provider is not in a model read from a file', () => {
    const o = office();
    o.subscribe('alice');
    const model = buildModel(o.cloud).model;
    const edited = { ...model, services: model.services.filter((s) => s.key !== 'vBNG') } as XosModel;
    expect(violationsOfModel(edited, 'TNI-001').map((v) => v.path)).toEqual(['vBNG/sub-alice']);
  });
});

describe('TNI-002 a chain follows the service graph', () => {
  test('passes for subscriber -> vOLT -> vCPE -> vBNG along declared tenancies', () => {
    const o = office();
    o.subscribe('alice');
    expect(violationsOf(o.cloud, 'TNI-002')).toEqual([]);
  });

  test('fails for a link the tenancy graph does not declare', () => {
    const o = office();
    const { v } = o.subscribe('alice');
    o.vbng.addTenant('shortcut', { subscriber: v });
    expect(violationsOf(o.cloud, 'TNI-002').map((x) => x.message)).toEqual([
      'instance vBNG/shortcut (held by instance vOLT/sub-alice): an instance of vOLT holds an instance of vBNG, but vOLT is not declared a tenant of vBNG. Declare vOLT.tenantOf(vBNG, { connect }), or subscribe it to an instance of a Service that is a tenant of vBNG.',
    ]);
  });

  test('fails for a User subscribing to a provider that accepts no Users', () => {
    const o = office();
    const alice = new User(o.cloud, 'alice', { site: o.site });
    o.vcpe.addTenant('direct', { subscriber: alice, attributes: { bundle: 'basic' } });
    expect(violationsOf(o.cloud, 'TNI-002').map((x) => x.message)).toEqual([
      'instance vCPE/direct (held by User alice): User alice subscribes to vCPE directly, but vCPE does not accept User subscribers. Give vCPE acceptsUsers: true, or subscribe the User to the first Service of the chain.',
    ]);
  });

  test('fails for a Service holding an instance of a provider it is not a tenant of', () => {
    const o = office();
    const cdn = new Service(o.cloud, 'CDN', { abstract: true });
    o.vbng.addTenant('cdn', { subscriber: cdn });
    expect(violationsOf(o.cloud, 'TNI-002').map((x) => x.message)).toEqual(['instance vBNG/cdn (held by Service CDN): Service CDN is not declared a tenant of vBNG. Declare CDN.tenantOf(vBNG, { connect }) first.']);
    cdn.tenantOf(o.vbng, { connect: 'none' });
    expect(violationsOf(o.cloud, 'TNI-002')).toEqual([]);
  });

  test('fails for a chain that comes back to itself in a model read from a file', () => {
    const o = office();
    o.subscribe('alice');
    const model = buildModel(o.cloud).model;
    const edited = { ...model, instances: model.instances.map((i) => (i.key === 'vOLT/sub-alice' ? { ...i, subscriber: 'vBNG/sub-alice' } : i)) } as XosModel;
    const msgs = violationsOfModel(edited, 'TNI-002').map((v) => v.message);
    expect(msgs).toContain('the chain of vOLT/sub-alice comes back to vOLT/sub-alice: vOLT/sub-alice -> vBNG/sub-alice -> vCPE/sub-alice -> vOLT/sub-alice. A chain ends at a User or a Service; break the cycle.');
  });
});

describe('TNI-003 instance attributes match the provider schema', () => {
  test('passes for valid attributes, allocated values included, and a secret where a string goes', () => {
    const o = office();
    o.subscribe('alice', 100, { pin: Secret.env('ALICE_PIN') });
    expect(violationsOf(o.cloud, 'TNI-003')).toEqual([]);
  });

  test('fails naming the attribute path, the instance and its subscriber', () => {
    const o = office();
    o.subscribe('alice', 5000);
    o.subscribe('bob', 100, { colour: 'red' });
    expect(violationsOf(o.cloud, 'TNI-003').map((v) => v.message)).toEqual([
      'attributes.s_tag must be <= 4094 (instance vOLT/sub-alice (held by User alice); schema of vOLT, at #/properties/s_tag/maximum).',
      'attributes.colour is not allowed (instance vOLT/sub-bob (held by User bob); schema of vOLT, at #/additionalProperties).',
    ]);
  });

  test('fails for a hundred instances with the same problem in a bounded number of lines', () => {
    const o = office();
    for (let i = 0; i < 100; i++) o.subscribe(`s${i}`, 9999);
    const v = violationsOf(o.cloud, 'TNI-003');
    expect(v).toHaveLength(21);
    expect(v[20]).toMatchObject({ path: 'vOLT', message: 'and 80 more instances of vOLT failing #/properties/s_tag/maximum (100 in all; the first 20 are listed).' });
  });
});

describe('TNI-004 uniqueness constraints hold across a provider\'s instances', () => {
  test('passes for distinct (s_tag, c_tag) pairs', () => {
    const o = office();
    o.subscribe('alice', 100, { c_tag: 7 });
    o.subscribe('bob', 101, { c_tag: 7 });
    expect(violationsOf(o.cloud, 'TNI-004')).toEqual([]);
  });

  test('fails naming both instances that share a pair', () => {
    const o = office();
    const other = new Service(o.cloud, 'legacy', { abstract: true, acceptsUsers: true, unique: ['circuit'] });
    const alice = new User(o.cloud, 'alice', { site: o.site });
    other.addTenant('a', { subscriber: alice, attributes: { circuit: 'C-1' } });
    other.addTenant('b', { subscriber: alice, attributes: { circuit: 'C-1' } });
    expect(violationsOf(o.cloud, 'TNI-004').map((v) => [v.path, v.message])).toEqual([
      ['legacy/b', 'instances legacy/a and legacy/b of legacy share circuit "C-1", which legacy requires to be unique. Give one of them other values.'],
    ]);
  });
});

describe('TNI-005 pool values lie in the pool and are unique; a pool too small is named', () => {
  test('passes for values the pools allocate, each once, per s_tag', () => {
    const o = office();
    o.subscribe('alice', 100);
    o.subscribe('bob', 100);
    o.subscribe('carl', 101);
    const c = compile(o.cloud);
    expect(c.violations.filter((v) => v.id === 'TNI-005')).toEqual([]);
    const alloc = Object.fromEntries(c.built.model.instances.map((i) => [i.key, i.allocated]));
    expect(alloc['vOLT/sub-alice']).toEqual({ c_tag: 2 });
    expect(alloc['vOLT/sub-bob']).toEqual({ c_tag: 3 });
    expect(alloc['vOLT/sub-carl']).toEqual({ c_tag: 2 });
    expect(alloc['vBNG/sub-alice']).toEqual({ routable_subnet: '198.18.0.0/29' });
    expect(alloc['vBNG/sub-carl']).toEqual({ routable_subnet: '198.18.0.16/29' });
  });

  test('fails for a given value outside the pool, and for two instances given one value', () => {
    const o = office();
    o.subscribe('alice', 100, { c_tag: 1 });
    o.subscribe('bob', 100, { c_tag: 9 });
    o.subscribe('carl', 100, { c_tag: 9 });
    expect(violationsOf(o.cloud, 'TNI-005').map((v) => v.message)).toEqual([
      'instances vOLT/sub-bob and vOLT/sub-carl of vOLT both have c_tag 9 (s_tag=100); a pool\'s values are unique. Give one of them another value, or leave it out to have one allocated.',
      "c_tag 1 of instance vOLT/sub-alice (held by User alice) is outside vOLT's pool (2-4094). Give a value inside the pool, or leave it out and let the pool allocate one.",
    ]);
  });

  test('fails for a pool too small for its demand, naming its size and the demand', () => {
    const o = office();
    for (let i = 0; i < 34; i++) o.subscribe(`s${i}`, 100 + (i % 2));
    expect(violationsOf(o.cloud, 'TNI-005').map((v) => v.message)).toEqual([
      "Service vBNG's pool for routable_subnet (/29s of 198.18.0.0/24) has 32 values, and 34 instances draw from it: 2 got none. Widen the pool.",
    ]);
  });

  test('fails under --locked for a value xos.allocations.json does not record', () => {
    const o = office();
    o.subscribe('alice');
    const first = compile(o.cloud).built.meta.allocation!.lock;
    o.subscribe('bob');
    const { compileCloud } = require('../../lib/compile');
    const locked = compileCloud(o.cloud, { allocations: first, locked: true }).violations.filter((v: { id: string }) => v.id === 'TNI-005');
    expect(locked.map((v: { path: string; message: string }) => [v.path, v.message])).toEqual([
      ['vBNG/sub-bob', 'routable_subnet of vBNG/sub-bob is recorded nowhere in xos.allocations.json, and --locked allocates nothing (it would get 198.18.0.8/29). Run xos synth without --locked to record it, review and commit xos.allocations.json.'],
      ['vOLT/sub-bob', 'c_tag of vOLT/sub-bob is recorded nowhere in xos.allocations.json, and --locked allocates nothing (it would get 3). Run xos synth without --locked to record it, review and commit xos.allocations.json.'],
    ]);
    expect(compileCloud(o.cloud, { allocations: compile(o.cloud).built.meta.allocation!.lock, locked: true }).violations.filter((v: { id: string }) => v.id === 'TNI-005')).toEqual([]);
  });
});

describe('TNI-006 orphans after an edit', () => {
  test('warns for a subscriber User left holding nothing', () => {
    const o = office();
    o.subscribe('alice');
    new User(o.cloud, 'gone', { site: o.site });
    expect(violationsOf(o.cloud, 'TNI-006').map((v) => [v.severity, v.path, v.message])).toEqual([
      ['warning', 'gone', 'User gone holds no tenant instance and no role: a subscriber whose instances were removed? Remove the User, or acknowledge TNI-006 on it with the reason it stays.'],
    ]);
  });

  test('warns for instances whose chain ends at nobody in a model read from a file', () => {
    const o = office();
    o.subscribe('alice');
    const model = buildModel(o.cloud).model;
    const edited = { ...model, users: model.users.filter((u) => u.key !== 'alice') } as XosModel;
    expect(violationsOfModel(edited, 'TNI-006').map((v) => v.path)).toEqual(['vBNG/sub-alice', 'vCPE/sub-alice']);
  });

  test('an acknowledged orphan is reported as acknowledged, and a cloud without User subscribers says nothing', () => {
    const o = office();
    o.subscribe('alice');
    new User(o.cloud, 'staff', { site: o.site }).acknowledge('TNI-006', 'a new hire, subscribed next week');
    expect(violationsOf(o.cloud, 'TNI-006')).toEqual([expect.objectContaining({ path: 'staff', acknowledged: 'a new hire, subscribed next week' })]);
    const b = baseCloud();
    new User(b.cloud, 'idle', { site: b.site });
    expect(violationsOf(b.cloud, 'TNI-006')).toEqual([]);
  });
});
