/**
 * Properties of tenant instances, over random cases:
 * - random chains that follow the service graph validate clean;
 * - allocation is deterministic, and stable under random insertions and deletions: no
 *   instance that had a value ever loses it or gets another, however contended the pool;
 * - adding or removing one subscriber adds or removes exactly that subscriber's resources in
 *   the synthesized stacks, and changes nothing else;
 * - the review (`xos review --format json`) of a plan that adds and removes random subscribers
 *   shows exactly those subscribers, created or deleted, and nothing else.
 */
import fc from 'fast-check';
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Service, Site, User, type TenantInstance } from '../../lib/index';
import { compileCloud } from '../../lib/compile';
import { allocate, poolSlots, scopeOf, type AllocationLock } from '../../lib/model/allocate';
import type { PoolModel } from '../../lib/model/types';
import { localBody } from '../../lib/synth/local';
import { normalizePlan } from '../../lib/plan/index';
import { buildReview, checkModel } from '../../lib/review/index';
import { writeJson } from '../../lib/util/json-stream';
import { syntheticPlans } from '../review/synthetic';

describe('random chains', () => {
  /** Services S0..Sn, each a tenant of some later ones; chains from Users walk those edges. */
  const spec = fc.record({
    services: fc.integer({ min: 2, max: 6 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
    chains: fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { maxLength: 5 })), { maxLength: 20 }),
  });

  test('that follow the service graph validate clean', () => {
    fc.assert(
      fc.property(spec, ({ services, edges, chains }) => {
        Cloud.reset();
        const cloud = new Cloud({ name: 'chains' });
        const site = new Site(cloud, 'co');
        const svcs = Array.from({ length: services }, (_, i) => new Service(cloud, `S${i}`, { abstract: true, acceptsUsers: i === 0, pools: { vlan: { range: [1, 4094] } }, unique: ['vlan'] }));
        const providersOf = new Map<number, number[]>();
        for (const [a, b] of edges) {
          const from = a % services;
          const to = from + 1 + (b % Math.max(1, services - from - 1));
          if (to >= services || providersOf.get(from)?.includes(to)) continue;
          providersOf.set(from, [...(providersOf.get(from) ?? []), to]);
          svcs[from].tenantOf(svcs[to], { connect: 'none' });
        }
        chains.forEach(([_, steps], n) => {
          const user = new User(cloud, `u${n}`, { site });
          let at: TenantInstance = svcs[0].addTenant(`c${n}`, { subscriber: user });
          let service = 0;
          for (const step of steps) {
            const next = providersOf.get(service);
            if (!next?.length) break;
            service = next[step % next.length];
            at = svcs[service].addTenant(`c${n}`, { subscriber: at });
          }
        });
        const c = compileCloud(cloud);
        expect(c.violations.filter((v) => !v.acknowledged)).toEqual([]);
        // Every chain ends at its User, and every value drawn from a pool is unique.
        for (const i of c.built.model.instances) expect(c.index.get(c.index.chainOf(i).root)?.kind).toBe('User');
        for (const [, list] of c.index.instancesByProvider) expect(new Set(list.map((i) => i.allocated?.vlan)).size).toBe(list.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('allocation', () => {
  // A contended pool: 6 values per s_tag, two s_tags; and a /29 pool of 8 subnets.
  const POOLS: PoolModel[] = [
    { attribute: 'c_tag', per: ['s_tag'], range: [2, 7] },
    { attribute: 'subnet', per: [], block: '198.18.0.0/26', prefix: 29 },
  ];
  type Op = { insert: boolean; id: number; sTag: number; given?: number };
  const op = fc.record({ insert: fc.boolean(), id: fc.integer({ min: 0, max: 15 }), sTag: fc.constantFrom(100, 101), given: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }) });

  type Present = Map<string, { sTag: number; given?: number }>;
  const instances = (present: Present) =>
    [...present].map(([id, v]) => ({ key: `vOLT/${id}`, id, provider: 'vOLT', attributes: { s_tag: v.sTag, ...(v.given !== undefined ? { c_tag: v.given } : {}) } }));

  test('is stable under random insertions and deletions: no instance that had a value ever loses or changes it', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops: Op[]) => {
        const present: Present = new Map();
        let lock: AllocationLock | undefined;
        let before = new Map<string, Readonly<Record<string, number | string>>>();
        for (const o of ops) {
          const id = `sub-${o.id}`;
          if (o.insert) {
            if (present.has(id)) continue;
            present.set(id, { sTag: o.sTag, ...(o.given !== undefined && o.given % 3 === 0 ? { given: o.given } : {}) });
          } else present.delete(id);
          const r = allocate(instances(present), () => POOLS, lock);
          // Stable: every instance still here keeps every value it had.
          for (const [key, had] of before) {
            if (!present.has(key.slice('vOLT/'.length))) continue;
            const now = r.allocated.get(key) ?? {};
            for (const [attr, v] of Object.entries(had)) expect({ key, attr, v: now[attr] }).toEqual({ key, attr, v });
          }
          // Sound: values in their pools; a pool leaves an instance without a value only when full.
          for (const pool of POOLS) {
            const slots = poolSlots(pool);
            if (typeof slots === 'string') throw new Error(slots);
            const used = new Map<string, Set<number>>();
            const missing = new Map<string, number>();
            for (const i of instances(present)) {
              const values = { ...i.attributes, ...(r.allocated.get(i.key) ?? {}) };
              const scope = scopeOf(values, pool.per);
              const v = (values as Record<string, unknown>)[pool.attribute];
              if (v === undefined) {
                missing.set(scope, (missing.get(scope) ?? 0) + 1);
                continue;
              }
              const slot = slots.slotOf(v);
              if (r.allocated.get(i.key)?.[pool.attribute] !== undefined) expect(slot).toBeDefined();
              if (slot !== undefined) (used.get(scope) ?? used.set(scope, new Set()).get(scope)!).add(slot);
            }
            for (const [scope, n] of missing) if (n) expect(used.get(scope)?.size ?? 0).toBe(slots.size);
          }
          // The lock records exactly the values allocated.
          for (const i of instances(present)) expect(r.lock.allocations.vOLT?.c_tag?.[i.id]).toEqual(r.allocated.get(i.key)?.c_tag);
          lock = r.lock;
          before = new Map([...r.allocated].map(([k, v]) => [k, { ...v }]));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('is deterministic: the same instances and recorded values, in any order, give the same allocation', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.integer(), (ops: Op[], shuffle: number) => {
        const present: Present = new Map();
        for (const o of ops) if (o.insert) present.set(`sub-${o.id}`, { sTag: o.sTag });
        const list = instances(present);
        const rotated = list.map((_, i) => list[(i + Math.abs(shuffle)) % list.length]);
        const a = allocate(list, () => POOLS);
        const b = allocate(rotated.reverse(), () => POOLS);
        expect(JSON.stringify(b.lock)).toBe(JSON.stringify(a.lock));
        const again = allocate(list, () => POOLS, a.lock);
        expect(again.changes).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  test('a given value never moves a recorded one: the two collide and both are named', () => {
    const first = allocate(instances(new Map([['sub-1', { sTag: 100 }]])), () => POOLS);
    expect(first.allocated.get('vOLT/sub-1')).toMatchObject({ c_tag: 2 });
    const second = allocate(instances(new Map<string, { sTag: number; given?: number }>([['sub-1', { sTag: 100 }], ['sub-2', { sTag: 100, given: 2 }]])), () => POOLS, first.lock);
    expect(second.allocated.get('vOLT/sub-1')).toMatchObject({ c_tag: 2 });
    expect(second.changes.filter((c) => c.instance === 'vOLT/sub-1')).toEqual([]);
  });
});

/**
 * A small office whose three Services (vOLT -> vCPE -> vBNG, control plane only) have a Slice
 * and a Sliver each, with the pools of central-office; no subscriber yet.
 */
function emptyOffice() {
  Cloud.reset();
  const cloud = new Cloud({ name: 'office' });
  const site = new Site(cloud, 'co', { loginBase: 'co' });
  const image = new Image(cloud, 'img');
  const flavor = new Flavor(cloud, 'f', { cores: 1, ramMb: 1024 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const dep = new Deployment(cloud, 'pod', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController('ctl', { backend: 'openstack', sites: [site] });
  const admin = new User(cloud, 'admin', { site });
  site.grant(admin, 'admin');
  const svc = (name: string, props: object) => {
    const slice = site.addSlice(name.toLowerCase(), { image, flavor });
    slice.grant(admin, 'admin');
    slice.addSliver(`${name.toLowerCase()}-1`, { deployment: dep });
    return new Service(cloud, name, { slices: [slice], ...props });
  };
  const volt = svc('vOLT', { acceptsUsers: true, pools: { c_tag: { range: [2, 40], per: 's_tag' } }, onInstance: () => [{ id: 'vlan', type: 'config' }] });
  const vcpe = svc('vCPE', {});
  const vbng = svc('vBNG', { pools: { subnet: { block: '198.18.0.0/24', prefix: 29 } } });
  volt.tenantOf(vcpe, { connect: 'none' });
  vcpe.tenantOf(vbng, { connect: 'none' });
  return { cloud, site, volt, vcpe, vbng };
}

describe('one subscriber more or less', () => {
  /** A small office whose three Services have Slivers, and `n` subscribers with their chains. */
  function office(ids: readonly number[]) {
    const { cloud, site, volt, vcpe, vbng } = emptyOffice();
    for (const n of ids) {
      const user = new User(cloud, `u${n}`, { site });
      const v = volt.addTenant(`sub-${n}`, { subscriber: user, attributes: { s_tag: 100 + (n % 2) } });
      const c = vcpe.addTenant(`sub-${n}`, { subscriber: v, attributes: { bundle: n % 3 ? 'basic' : 'family' } });
      vbng.addTenant(`sub-${n}`, { subscriber: c });
    }
    return cloud;
  }
  /** Every resource of every stack: name -> its local-target body, and the model key it comes from. */
  function resources(ids: readonly number[], lock?: AllocationLock) {
    const c = compileCloud(office(ids), lock ? { allocations: lock } : {});
    expect(c.errors).toBe(0);
    const out = new Map<string, { body: string; model: string }>();
    for (const s of c.layout.stacks) for (const r of s.resources) out.set(`${s.name} ${r.name}`, { body: JSON.stringify(localBody(r)), model: r.model });
    return { out, lock: c.built.meta.allocation!.lock };
  }
  const sub = (n: number) => new Set([`vOLT/sub-${n}`, `vCPE/sub-${n}`, `vBNG/sub-${n}`]);

  test('adds or removes exactly that subscriber\'s resources, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 25 }), fc.integer({ min: 0, max: 50 }), (ids, extra) => {
        const add = !ids.includes(extra);
        const before = resources(ids);
        const after = resources(add ? [...ids, extra] : ids.filter((i) => i !== extra), before.lock);
        const added = [...after.out.keys()].filter((k) => !before.out.has(k));
        const removed = [...before.out.keys()].filter((k) => !after.out.has(k));
        const changed = [...after.out.keys()].filter((k) => before.out.has(k) && before.out.get(k)!.body !== after.out.get(k)!.body);
        expect(changed).toEqual([]);
        const touched = add ? added.map((k) => after.out.get(k)!.model) : removed.map((k) => before.out.get(k)!.model);
        expect(new Set(touched)).toEqual(sub(extra));
        expect(add ? removed : added).toEqual([]);
        // Its three records and the vOLT's addition: four resources per subscriber.
        expect(touched).toHaveLength(4);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the review of subscribers added and removed', () => {
  /** A subscriber: its chain's length from vOLT (1: vOLT; 2: to vCPE; 3: to vBNG) and its attributes. */
  interface Subscriber {
    readonly n: number;
    readonly links: 1 | 2 | 3;
    readonly sTag: number;
    readonly bundle: string;
  }
  const LINKS = ['vOLT', 'vCPE', 'vBNG'] as const;

  /** An office like the one above, whose subscribers' chains have random lengths and attributes. */
  function office(subscribers: readonly Subscriber[]) {
    const { cloud, site, volt, vcpe, vbng } = emptyOffice();
    for (const s of subscribers) {
      const user = new User(cloud, `u${s.n}`, { site });
      let at: TenantInstance = volt.addTenant(`sub-${s.n}`, { subscriber: user, attributes: { s_tag: s.sTag } });
      if (s.links >= 2) at = vcpe.addTenant(`sub-${s.n}`, { subscriber: at, attributes: { bundle: s.bundle } });
      if (s.links >= 3) vbng.addTenant(`sub-${s.n}`, { subscriber: at });
    }
    return cloud;
  }

  /** The model `xos synth` writes (xos-model.json), read back as `xos review` reads it. */
  function model(subscribers: readonly Subscriber[], lock?: AllocationLock) {
    const c = compileCloud(office(subscribers), lock ? { allocations: lock } : {});
    expect(c.errors).toBe(0);
    return { model: checkModel(JSON.parse(JSON.stringify(c.built.model)), 'xos-model.json'), lock: c.built.meta.allocation?.lock };
  }

  const subscriber = fc.record({
    n: fc.integer({ min: 0, max: 40 }),
    links: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
    sTag: fc.constantFrom(100, 101),
    bundle: fc.constantFrom('basic', 'family', 'business'),
  });
  /** Each subscriber is kept, only before the change (removed) or only after it (added). */
  const change = fc.uniqueArray(fc.tuple(subscriber, fc.constantFrom('kept', 'removed', 'added')), { selector: ([s]) => s.n, minLength: 1, maxLength: 14 });

  test('shows exactly the added and removed subscribers: their Users and instances, created or deleted, and nothing else', () => {
    fc.assert(
      fc.property(change, (subs) => {
        const before = model(subs.filter(([, w]) => w !== 'added').map(([s]) => s));
        const after = model(subs.filter(([, w]) => w !== 'removed').map(([s]) => s), before.lock);
        const plans = [...syntheticPlans(before.model, after.model)].map(([stack, doc]) => ({ plan: normalizePlan(doc, `${stack}.json`) }));
        let text = '';
        writeJson((t) => (text += t), buildReview({ plans, head: after.model, base: before.model, actor: 'admin' }));
        const review = JSON.parse(text) as { objects: { key: string; kind: string; status: string; resources: { action: string; address: string }[] }[]; unmapped: unknown[]; summary: { total: Record<string, number> } };

        // What the change should show: each added or removed subscriber's User (no resources of
        // its own) and the instances of its chain, with their records (and the vOLT's addition).
        type Shown = { kind: string; status: string; resources: string[] };
        const expected = new Map<string, Shown>();
        for (const [s, w] of subs) {
          if (w === 'kept') continue;
          const [status, action] = w === 'added' ? ['added', 'create'] : ['removed', 'delete'];
          expected.set(`u${s.n}`, { kind: 'User', status, resources: [] });
          for (const p of LINKS.slice(0, s.links))
            expected.set(`${p}/sub-${s.n}`, {
              kind: 'Instance',
              status,
              resources: [...(p === 'vOLT' ? [`terraform_data.addition_vOLT__sub-${s.n}__vlan ${action}`] : []), `terraform_data.instance_${p}__sub-${s.n} ${action}`],
            });
        }
        // And one thing more, only where a Service gets its first instance or loses its last: its
        // store of instance records comes or goes, and its Sliver learns (or forgets) where it is.
        const reaches = (w: string, p: number) => subs.some(([s, x]) => x !== w && s.links > p);
        LINKS.forEach((p, at) => {
          const [had, has] = [reaches('added', at), reaches('removed', at)];
          if (had === has) return;
          expected.set(p, { kind: 'Service', status: 'affected', resources: [`terraform_data.store_${p} ${has ? 'create' : 'delete'}`] });
          const slice = p.toLowerCase();
          expected.set(`co/${slice}/${slice}-1`, { kind: 'Sliver', status: 'affected', resources: [`terraform_data.sliver_co__${slice}__${slice}-1 update`] });
        });
        const shown = new Map(review.objects.map((o) => [o.key, { kind: o.kind, status: o.status, resources: o.resources.map((r) => `${r.address} ${r.action}`).sort() }]));
        expect(shown).toEqual(expected);
        expect(review.unmapped).toEqual([]);
        const all = [...expected.values()].flatMap((o) => o.resources.map((r) => r.split(' ')[1]));
        expect(review.summary.total).toMatchObject({ create: all.filter((a) => a === 'create').length, delete: all.filter((a) => a === 'delete').length, update: all.filter((a) => a === 'update').length, replace: 0 });
      }),
      { numRuns: 60 },
    );
  });
});
