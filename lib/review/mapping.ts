/**
 * From Terraform addresses to model objects. Each model (head, and base when given) is laid
 * out as `xos synth` lays it out; each stack's declared resources give address -> model key.
 * A plan is matched to its stack by name (`--plan STACK=FILE`) or by its addresses.
 */
import * as path from 'path';
import { usageError } from '../errors';
import { ModelIndex } from '../model/index';
import type { ModelObject, XosModel } from '../model/types';
import type { PathStep, Plan, PlanChange } from '../plan/types';
import { declaredResources, type DeclaredResource, type TargetName } from '../synth/declared';
import { buildLayout, type Layout, type StackLayout } from '../synth/layout';
import { targetOf } from '../synth/target-choice';

/** One model, laid out and indexed, with its address maps. */
export interface ModelSide {
  readonly model: XosModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
  /** stack name -> address -> declared resource. */
  readonly stacks: ReadonlyMap<string, ReadonlyMap<string, DeclaredResource>>;
}

/** How a model side indexes the real targets' addresses: at once, or on first need. */
export interface ModelSideOptions {
  /**
   * `now`: index the addresses of each stack's own target (openstack, aws) at once.
   * `later`: only when `indexRealTargets` is called: the real targets render the whole layout
   * through cdktf, seconds for a large cloud, which a review of local-target plans never needs.
   * @default 'now'
   */
  readonly realTargets?: 'now' | 'later';
  /** The model's index and layout when already made (by compileModel): not made again. */
  readonly compiled?: { readonly index: ModelIndex; readonly layout: Layout };
}

/** Sides whose real targets' addresses are still to be indexed, with the step that does it. */
const pendingRealTargets = new WeakMap<ModelSide, () => void>();

/**
 * Lay out a model and index its declared resources by stack and address. `xos synth` maps
 * each stack either by its back-end's target (`auto`) or to `local`; the review does not know
 * which, so it indexes both (their addresses never collide: the same address always means
 * the same model object). The local addresses come first, so they win where both declare one.
 */
export function modelSide(model: XosModel, target: TargetName = 'local', options: ModelSideOptions = {}): ModelSide {
  const index = options.compiled?.index ?? new ModelIndex(model);
  const layout = options.compiled?.layout ?? buildLayout(model, index);
  const stacks = new Map<string, Map<string, DeclaredResource>>();
  // The declared resources themselves are stored (not copies): one per resource of the cloud.
  const add = (declared: Map<string, DeclaredResource[]>) => {
    for (const [stack, rs] of declared) {
      let m = stacks.get(stack);
      if (!m) {
        m = new Map<string, DeclaredResource>();
        stacks.set(stack, m);
      }
      for (const d of rs) if (!m.has(d.address)) m.set(d.address, d);
    }
  };
  add(declaredResources(layout, target));
  for (const s of layout.stacks) if (!stacks.has(s.name)) stacks.set(s.name, new Map());
  const side: ModelSide = { model, index, layout, stacks };
  if (target === 'local') {
    const addRealTargets = () => {
      try {
        // `auto`: each stack as its back-end's own target maps it.
        add((declaredResources as (l: Layout, t: string) => Map<string, DeclaredResource[]>)(layout, 'auto'));
      } catch {
        // A target that cannot be loaded here maps nothing: its plans' changes need root admin.
      }
    };
    if (options.realTargets !== 'later') {
      if (layout.stacks.some(hasRealTarget)) addRealTargets();
    } else {
      // Which back-ends have a real target is asked only when the addresses are needed:
      // asking loads the targets (and cdktf with them), which plans that map by the local
      // addresses alone never need.
      pendingRealTargets.set(side, () => {
        if (layout.stacks.some(hasRealTarget)) addRealTargets();
      });
    }
  }
  return side;
}

/** True when `xos synth` (target auto) renders the stack with a real target, not `local`. */
function hasRealTarget(s: StackLayout): boolean {
  try {
    return targetOf(s) !== 'local';
  } catch {
    // A back-end without a target: let the mapping say so (it maps nothing then).
    return true;
  }
}

/** Index the real targets' addresses of a side made with `realTargets: 'later'` (once; no-op after). */
export function indexRealTargets(side: ModelSide): void {
  const pending = pendingRealTargets.get(side);
  if (!pending) return;
  pendingRealTargets.delete(side);
  pending();
}

/** True while a side (made with `realTargets: 'later'`) may have real targets' addresses not yet indexed. */
export function realTargetsPending(side: ModelSide): boolean {
  return pendingRealTargets.has(side);
}

/**
 * True when some address of an assigned plan is declared by no side in the plan's stack: only
 * then can the real targets' addresses (indexed later) change how the plans map.
 */
export function needsRealTargets(assigned: readonly PlanStack[], sides: readonly ModelSide[]): boolean {
  for (const { plan, stack } of assigned) {
    const maps: ReadonlyMap<string, DeclaredResource>[] = [];
    for (const s of sides) {
      const m = s.stacks.get(stack);
      if (m) maps.push(m);
    }
    const known = (a: string | undefined): boolean => {
      if (a === undefined) return true;
      for (const m of maps) if (m.has(a)) return true;
      return false;
    };
    for (const c of plan.changes) if (!known(c.address) || !known(c.previousAddress)) return true;
    for (const c of plan.drift) if (!known(c.address) || !known(c.previousAddress)) return true;
    for (const a of plan.configuredAddresses) if (!known(a)) return true;
  }
  return false;
}

const NO_PATHS: readonly (readonly PathStep[])[] = [];

/** Parsed secret paths by the declared `sensitive` list they come from: resources share their lists. */
const parsedPaths = new WeakMap<readonly string[], readonly (readonly PathStep[])[]>();

/** The attribute paths of a declared resource that carry the model's secrets (none without one). */
export function secretPathsOf(d: DeclaredResource | undefined): readonly (readonly PathStep[])[] {
  if (!d || !d.sensitive.length) return NO_PATHS;
  let paths = parsedPaths.get(d.sensitive);
  if (!paths) {
    paths = d.sensitive.map(parseDotted);
    parsedPaths.set(d.sensitive, paths);
  }
  return paths;
}

/** `input.secrets` -> ['input', 'secrets']. */
function parseDotted(p: string): PathStep[] {
  return p.split('.').filter(Boolean);
}

/** Which model object a plan change belongs to, and how that was found. */
export interface ObjectRef {
  readonly key: string;
  readonly kind: ModelObject['kind'] | undefined;
  /** Which layout declares the address. */
  readonly via: 'head' | 'base';
  /** The declared resource of that address (its secret paths: `secretPathsOf`). */
  readonly declared?: DeclaredResource;
}

/** The stack a plan belongs to. */
export interface PlanStack {
  readonly plan: Plan;
  /** The stack name, or a label made from the file name when no stack matched. */
  readonly stack: string;
  /** How the stack was decided. */
  readonly how: 'named' | 'addresses' | 'unmatched';
}

/** Split `--plan` values into an optional stack name and a file. */
export function parsePlanArg(arg: string, exists: (f: string) => boolean): { stack?: string; file: string } {
  const eq = arg.indexOf('=');
  if (eq > 0 && !exists(arg)) {
    const stack = arg.slice(0, eq);
    if (/^[A-Za-z0-9_.-]+$/.test(stack)) return { stack, file: arg.slice(eq + 1) };
  }
  return { file: arg };
}

/** One stack's votes while a plan is matched: `round` says which plan `n` counts for. */
interface Tally {
  readonly stack: string;
  n: number;
  round: number;
}

/** The stacks declaring an address (one for most addresses), and the last plan that voted with it. */
interface Owner {
  tallies: Tally | Tally[];
  round: number;
}

/**
 * Address -> the stacks declaring it (of any side), in the order first seen. Each stack's
 * votes are counted on one shared tally, and each address remembers the plan that last voted
 * with it: matching a plan then costs one map lookup per address.
 */
function ownersOf(sides: readonly ModelSide[]): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  const tallies = new Map<string, Tally>();
  for (const side of sides) {
    for (const [stack, m] of side.stacks) {
      let t = tallies.get(stack);
      if (!t) {
        t = { stack, n: 0, round: 0 };
        tallies.set(stack, t);
      }
      for (const a of m.keys()) {
        const o = owners.get(a);
        if (o === undefined) owners.set(a, { tallies: t, round: 0 });
        else if (Array.isArray(o.tallies)) {
          if (!o.tallies.includes(t)) o.tallies.push(t);
        } else if (o.tallies !== t) o.tallies = [o.tallies, t];
      }
    }
  }
  return owners;
}

/**
 * Decide each plan's stack: the name given, else the stack (of the head or base layout)
 * whose declared addresses the plan's addresses match most. Two plans for one stack, or a
 * tie, are usage errors that say how to name the stack.
 */
export function assignStacks(plans: readonly { plan: Plan; stack?: string }[], sides: readonly ModelSide[]): PlanStack[] {
  const owners = plans.some((p) => !p.stack) ? ownersOf(sides) : new Map<string, Owner>();
  const out: PlanStack[] = [];
  const taken = new Map<string, string>();
  let round = 0;
  for (const { plan, stack } of plans) {
    let result: PlanStack;
    if (stack) {
      result = { plan, stack, how: 'named' };
    } else {
      // Each distinct address votes once for every stack declaring it; stacks in the order first voted for.
      const r = ++round;
      const voted: Tally[] = [];
      const count = (t: Tally) => {
        if (t.round !== r) {
          t.round = r;
          t.n = 0;
          voted.push(t);
        }
        t.n++;
      };
      const vote = (a: string | undefined) => {
        if (!a) return;
        const o = owners.get(a);
        if (o === undefined || o.round === r) return;
        o.round = r;
        if (Array.isArray(o.tallies)) for (const t of o.tallies) count(t);
        else count(o.tallies);
      };
      for (const c of plan.changes) {
        vote(c.address);
        vote(c.previousAddress);
      }
      for (const a of plan.configuredAddresses) vote(a);
      let best: string | undefined;
      let bestVotes = 0;
      let tie: string | undefined;
      for (const { stack: s, n } of voted) {
        if (n > bestVotes) {
          best = s;
          bestVotes = n;
          tie = undefined;
        } else if (n === bestVotes) tie = s;
      }
      if (best && tie)
        throw usageError(`plan ${plan.file} matches stacks '${best}' and '${tie}' equally (${bestVotes} addresses each). Name its stack: --plan STACK=${plan.file}`);
      result = best ? { plan, stack: best, how: 'addresses' } : { plan, stack: path.basename(plan.file).replace(/\.json$/i, ''), how: 'unmatched' };
    }
    const prev = taken.get(result.stack);
    if (prev !== undefined)
      throw usageError(`plans ${prev} and ${plan.file} are both for stack '${result.stack}'. Give one plan per stack${result.how === 'named' ? '' : ', naming each: --plan STACK=FILE'}.`);
    taken.set(result.stack, plan.file);
    out.push(result);
  }
  return out;
}

/**
 * Map a change to its model object by address: in the head layout, then in the base layout
 * (objects the change deletes), then (moved resources) by the previous address. Never by a
 * value the plan itself carries (a resource's `xos_key` says whatever its configuration
 * says). Undefined when no layout declares the address in the plan's stack.
 */
export function mapChange(c: PlanChange, stack: string, head: ModelSide, base: ModelSide | undefined): ObjectRef | undefined {
  return changeMapper(stack, head, base)(c);
}

/** `mapChange` for the changes of one stack: the stack's address maps are looked up once. */
export function changeMapper(stack: string, head: ModelSide, base: ModelSide | undefined): (c: PlanChange) => ObjectRef | undefined {
  const owners = ownerFinder(stack, head, base);
  return (c) => (c.address ? owners.head(c.address) ?? owners.base(c.address) : undefined) ?? (c.previousAddress ? owners.head(c.previousAddress) ?? owners.base(c.previousAddress) : undefined);
}

/** The owners of addresses of one stack, in the head layout and in the base layout. */
export interface OwnerFinder {
  head(address: string): ObjectRef | undefined;
  base(address: string): ObjectRef | undefined;
}

export function ownerFinder(stack: string, head: ModelSide, base: ModelSide | undefined): OwnerFinder {
  const hm = head.stacks.get(stack);
  const bm = base?.stacks.get(stack);
  const kindOf = (key: string) => head.index.get(key)?.kind ?? base?.index.get(key)?.kind;
  return {
    head: (address) => {
      const h = hm?.get(address);
      return h ? { key: h.model, kind: head.index.get(h.model)?.kind ?? kindOf(h.model), via: 'head', declared: h } : undefined;
    },
    base: (address) => {
      const b = bm?.get(address);
      return b ? { key: b.model, kind: base!.index.get(b.model)?.kind ?? kindOf(b.model), via: 'base', declared: b } : undefined;
    },
  };
}
