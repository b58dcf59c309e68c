/**
 * Allocation of pool values to tenant instances (TNI-005): VLAN ids from a range, routable
 * subnets from an address block.
 *
 * Deterministic AND stable. A pure function of the current set of instances cannot be both
 * once a pool is contended: whatever rule picks a value (lowest free, a hash and a probe),
 * removing one instance can hand its value to another, or change who won a collision. Real
 * XOS kept allocations in its data model (vRouter's AddressPool with its addresses in use);
 * here they are kept in a reviewed, committed file beside the program, `xos.allocations.json`,
 * as a lock file is:
 *
 * 1. A value given in the program or the data (an operator's VOLTTenant tags) is used as
 *    given, and only checked (in the pool, unique: the rules).
 * 2. A value recorded in the file is kept, as long as it is still in the pool and no other
 *    recorded value (of an instance earlier by key: two branches allocated it each) holds it.
 *    A given value never takes a recorded one away: the two then collide (TNI-005, naming
 *    both), and the operator picks another value; nobody else's value moves.
 * 3. Only instances with neither get a value: the lowest free one in their pool, in key order.
 * 4. The file is rewritten with exactly the values in use: a removed instance's line goes.
 *
 * So adding or removing one instance changes no other instance's values, by construction: an
 * instance's value changes only when it had none, was given one, or its own pool changed
 * under it; each such change is reported (`changes`), and `--locked` refuses them.
 */
import { formatIp, parseCidr, type Cidr } from './cidr';
import { dict } from './dict';
import type { PoolModel } from './types';

/** `xos.allocations.json`: provider Service key -> attribute -> instance id -> value. */
export interface AllocationLock {
  readonly formatVersion: 1;
  readonly allocations: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number | string>>>>>>;
}

export const ALLOCATIONS_FORMAT_VERSION = 1;

/** One difference between the allocations recorded before and those in use now. */
export interface AllocationChange {
  /** The instance's key, `<provider>/<id>`. */
  readonly instance: string;
  readonly attribute: string;
  /** The value recorded before (absent for a new allocation). */
  readonly from?: number | string;
  /** The value in use now (absent when released). */
  readonly to?: number | string;
  /**
   * `new`: allocated for the first time; `released`: the instance (or its pool) is gone, or it
   * now gives the value itself; `moved`: the recorded value is outside its pool now, or another
   * instance holds it (two branches allocated it each, or a value given in the program took it).
   */
  readonly why: 'new' | 'released' | 'moved';
}

/** An instance as allocation sees it. */
export interface AllocatableInstance {
  readonly key: string;
  readonly id: string;
  readonly provider: string;
  /** The attributes as declared. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface AllocationResult {
  /** Allocated values per instance key (instances with none are absent). */
  readonly allocated: ReadonlyMap<string, Readonly<Record<string, number | string>>>;
  /** The file's content that records exactly the values in use. */
  readonly lock: AllocationLock;
  /** What differs from the allocations given, in instance key order. */
  readonly changes: readonly AllocationChange[];
  /** Pools of a provider that could not be ordered (their `per` attributes form a cycle). */
  readonly problems: readonly { readonly provider: string; readonly message: string }[];
}

/** The values of a pool, numbered from 0: a range of whole numbers, or blocks of a prefix length. */
export interface PoolSlots {
  readonly size: number;
  /** The slot of a value, or undefined when the value is not one of the pool's. */
  slotOf(value: unknown): number | undefined;
  valueOf(slot: number): number | string;
  /** The pool in words: `2-4094`, `/29s of 198.18.0.0/16`. */
  readonly text: string;
}

/** The slots of a pool, or a reason it is not a valid pool. */
export function poolSlots(pool: PoolModel): PoolSlots | string {
  if ('range' in pool) {
    const [low, high] = pool.range;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low > high) return `the range ${JSON.stringify(pool.range)} is not [low, high] with whole numbers low <= high`;
    return {
      size: high - low + 1,
      slotOf: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= low && v <= high ? v - low : undefined),
      valueOf: (s) => low + s,
      text: `${low}-${high}`,
    };
  }
  const block = parseCidr(pool.block);
  if (typeof block === 'string') return `the block ${block}`;
  const prefix = pool.prefix;
  if (!Number.isInteger(prefix) || prefix < block.prefix || prefix > 32) return `the prefix /${prefix} does not fit in ${pool.block} (a whole number from ${block.prefix} to 32)`;
  const sub = 2 ** (32 - prefix);
  const b: Cidr = block;
  return {
    size: 2 ** (prefix - b.prefix),
    slotOf: (v) => {
      if (typeof v !== 'string') return undefined;
      const c = parseCidr(v);
      if (typeof c === 'string' || c.prefix !== prefix || c.base < b.base || c.base >= b.base + b.size) return undefined;
      return (c.base - b.base) / sub;
    },
    valueOf: (s) => `${formatIp(b.base + s * sub)}/${prefix}`,
    text: `/${prefix}s of ${pool.block}`,
  };
}

/** The group of a scoped pool an instance's values put it in (`per` attribute values). */
export function scopeOf(values: Readonly<Record<string, unknown>>, per: readonly string[]): string {
  if (!per.length) return '';
  return per.map((a) => JSON.stringify(own(values, a) ?? null)).join('\u0000');
}

/** `s_tag=100`, for messages. */
export function scopeText(values: Readonly<Record<string, unknown>>, per: readonly string[]): string {
  return per.map((a) => `${a}=${JSON.stringify(own(values, a) ?? null)}`).join(', ');
}

/** Pools in an order where a pool comes after the pools of the attributes it is `per`; or the cycle. */
function orderPools(pools: readonly PoolModel[]): PoolModel[] | string {
  const byAttr = new Map(pools.map((p) => [p.attribute, p]));
  const out: PoolModel[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (p: PoolModel, trail: string[]): string | undefined => {
    const s = state.get(p.attribute);
    if (s === 2) return undefined;
    if (s === 1) return [...trail, p.attribute].join(' -> ');
    state.set(p.attribute, 1);
    for (const a of p.per) {
      const q = byAttr.get(a);
      if (q) {
        const cycle = visit(q, [...trail, p.attribute]);
        if (cycle) return cycle;
      }
    }
    state.set(p.attribute, 2);
    out.push(p);
    return undefined;
  };
  for (const p of pools) {
    const cycle = visit(p, []);
    if (cycle) return cycle;
  }
  return out;
}

/**
 * Allocate every pooled attribute of every instance, keeping what `previous` records where it
 * still holds. Deterministic: the same instances, pools and previous allocations give the
 * same result, whatever order the instances come in.
 */
export function allocate(instances: readonly AllocatableInstance[], poolsOf: (provider: string) => readonly PoolModel[] | undefined, previous?: AllocationLock): AllocationResult {
  const allocated = new Map<string, Record<string, number | string>>();
  // Keyed by names from the program: dictionary objects (ids such as `constructor` are keys like any other).
  const lock = dict<Record<string, Record<string, number | string>>>();
  const changes: AllocationChange[] = [];
  const problems: { provider: string; message: string }[] = [];
  const before = previous?.allocations ?? {};

  const byProvider = new Map<string, AllocatableInstance[]>();
  for (const i of instances) {
    const l = byProvider.get(i.provider);
    if (l) l.push(i);
    else byProvider.set(i.provider, [i]);
  }
  const cmp = (a: AllocatableInstance, b: AllocatableInstance) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  // The group an instance falls in for a pool `per` some attributes: their values so far
  // (declared, or allocated by an earlier pool), without copying the instance's values.
  const scopeFor = (i: AllocatableInstance, per: readonly string[]): string => {
    if (!per.length) return '';
    const a = allocated.get(i.key);
    let out = '';
    for (let n = 0; n < per.length; n++) {
      const v = (a && own(a, per[n])) ?? own(i.attributes, per[n]);
      out += (n ? '\u0000' : '') + JSON.stringify(v ?? null);
    }
    return out;
  };

  for (const provider of [...byProvider.keys()].sort()) {
    const pools = poolsOf(provider);
    if (!pools?.length) continue;
    const ordered = orderPools(pools);
    if (typeof ordered === 'string') {
      problems.push({ provider, message: `its pools are each 'per' another in a cycle (${ordered}), so none can be allocated first. Remove one of those 'per' attributes.` });
      continue;
    }
    const list = byProvider.get(provider)!.sort(cmp);
    const recordedOf = own(before, provider) ?? {};
    for (const pool of ordered) {
      const slots = poolSlots(pool);
      if (typeof slots === 'string') continue; // TNI-005 reports the pool itself
      const recorded = own(recordedOf, pool.attribute) ?? {};
      const kept = dict<number | string>();
      // Per scope: the slots taken (given, recorded or new), and those a recorded value keeps.
      const taken = new Map<string, Set<number>>();
      const takenIn = (scope: string) => {
        let s = taken.get(scope);
        if (!s) taken.set(scope, (s = new Set()));
        return s;
      };
      const recordedSlots = new Map<string, Set<number>>();
      const recordedIn = (scope: string) => {
        let s = recordedSlots.get(scope);
        if (!s) recordedSlots.set(scope, (s = new Set()));
        return s;
      };
      const scopes = new Map<string, string>();
      const waiting: AllocatableInstance[] = [];
      // 1. Values given in the program.
      for (const i of list) {
        const scope = scopeFor(i, pool.per);
        scopes.set(i.key, scope);
        const given = own(i.attributes, pool.attribute);
        if (given === undefined) continue;
        const slot = slots.slotOf(given);
        if (slot !== undefined) takenIn(scope).add(slot);
        const was = own(recorded, i.id);
        if (was !== undefined) changes.push({ instance: i.key, attribute: pool.attribute, from: was, why: 'released' });
      }
      // 2. Values recorded before, while they hold; 3. the lowest free value for the rest.
      for (const i of list) {
        if (own(i.attributes, pool.attribute) !== undefined) continue;
        const was = own(recorded, i.id);
        if (was === undefined) {
          waiting.push(i);
          continue;
        }
        const slot = slots.slotOf(was);
        const scope = scopes.get(i.key)!;
        const held = recordedIn(scope);
        if (slot !== undefined && !held.has(slot)) {
          held.add(slot);
          takenIn(scope).add(slot);
          give(i, pool.attribute, was);
        } else waiting.push(i);
      }
      const next = new Map<string, number>();
      for (const i of waiting) {
        const scope = scopes.get(i.key)!;
        const set = takenIn(scope);
        let s = next.get(scope) ?? 0;
        while (s < slots.size && set.has(s)) s++;
        next.set(scope, s + 1);
        const was = own(recorded, i.id);
        if (s >= slots.size) {
          // Exhausted: TNI-005 names the pool, its size and the demand.
          if (was !== undefined) changes.push({ instance: i.key, attribute: pool.attribute, from: was, why: 'released' });
          continue;
        }
        set.add(s);
        const value = slots.valueOf(s);
        give(i, pool.attribute, value);
        changes.push(was === undefined ? { instance: i.key, attribute: pool.attribute, to: value, why: 'new' } : { instance: i.key, attribute: pool.attribute, from: was, to: value, why: 'moved' });
      }
      // 4. Recorded values of instances that are gone.
      const present = new Set(list.map((i) => i.id));
      for (const id of Object.keys(recorded).sort()) if (!present.has(id)) changes.push({ instance: `${provider}/${id}`, attribute: pool.attribute, from: recorded[id], why: 'released' });
      for (const i of list) {
        const v = allocated.get(i.key)?.[pool.attribute];
        if (v !== undefined) kept[i.id] = v;
      }
      if (Object.keys(kept).length) (lock[provider] ??= dict())[pool.attribute] = kept;
    }
    // Pools no longer declared: their recorded values are released.
    for (const attr of Object.keys(recordedOf).sort()) {
      if (pools.some((p) => p.attribute === attr)) continue;
      for (const id of Object.keys(recordedOf[attr]).sort()) changes.push({ instance: `${provider}/${id}`, attribute: attr, from: recordedOf[attr][id], why: 'released' });
    }
  }
  // Providers with no instance (or no pool) left.
  for (const provider of Object.keys(before).sort()) {
    if (byProvider.has(provider) && poolsOf(provider)?.length) continue;
    for (const attr of Object.keys(before[provider]).sort())
      for (const id of Object.keys(before[provider][attr]).sort()) changes.push({ instance: `${provider}/${id}`, attribute: attr, from: before[provider][attr][id], why: 'released' });
  }

  function give(i: AllocatableInstance, attribute: string, value: number | string): void {
    // Plain objects (pool attributes are few names); defined, not assigned, so no name is special.
    const a = allocated.get(i.key);
    if (a) Object.defineProperty(a, attribute, { value, enumerable: true, writable: true, configurable: true });
    else allocated.set(i.key, attribute === '__proto__' ? dict([[attribute, value]]) : { [attribute]: value });
  }

  changes.sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0));
  // The file's content is made on first ask: only `xos synth` (to write it) and --locked compare it.
  let sorted: AllocationLock | undefined;
  return {
    allocated,
    get lock(): AllocationLock {
      return (sorted ??= { formatVersion: ALLOCATIONS_FORMAT_VERSION, allocations: sortedLock(lock) });
    },
    changes,
    problems,
  };
}

/** An own member of a record read from a file or the program (never one of Object.prototype's). */
function own<T>(o: Readonly<Record<string, T>>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function sortedLock(lock: Record<string, Record<string, Record<string, number | string>>>): AllocationLock['allocations'] {
  const out = dict<Record<string, Record<string, number | string>>>();
  for (const p of Object.keys(lock).sort()) {
    out[p] = dict();
    for (const a of Object.keys(lock[p]).sort()) {
      const ids = Object.keys(lock[p][a]).sort();
      const m = dict<number | string>();
      for (const id of ids) m[id] = lock[p][a][id];
      out[p][a] = m;
    }
  }
  return out;
}

/** The change in words: `vOLT/sub-1042 c_tag 7 (new)`, `... 7 -> 12 (moved)`. */
export function changeText(c: AllocationChange): string {
  const v = (x: number | string | undefined) => (x === undefined ? '' : String(x));
  if (c.why === 'new') return `${c.instance} ${c.attribute} ${v(c.to)} (new)`;
  if (c.why === 'released') return `${c.instance} ${c.attribute} ${v(c.from)} (released)`;
  return `${c.instance} ${c.attribute} ${v(c.from)} -> ${v(c.to)} (moved)`;
}
