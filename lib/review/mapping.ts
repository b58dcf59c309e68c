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

/** One model, laid out and indexed, with its address maps. */
export interface ModelSide {
  readonly model: XosModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
  /** stack name -> address -> declared resource. */
  readonly stacks: ReadonlyMap<string, ReadonlyMap<string, DeclaredSecrets>>;
}

/** A declared resource with the attribute paths that carry the model's secrets. */
export interface DeclaredSecrets extends DeclaredResource {
  readonly secretPaths: readonly (readonly PathStep[])[];
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
  const stacks = new Map<string, Map<string, DeclaredSecrets>>();
  const add = (declared: Map<string, DeclaredResource[]>) => {
    for (const [stack, rs] of declared) {
      const m = stacks.get(stack) ?? new Map<string, DeclaredSecrets>();
      for (const d of rs) if (!m.has(d.address)) m.set(d.address, withSecretPaths(d));
      stacks.set(stack, m);
    }
  };
  add(declaredResources(layout, target));
  for (const s of layout.stacks) if (!stacks.has(s.name)) stacks.set(s.name, new Map());
  const side: ModelSide = { model, index, layout, stacks };
  if (target === 'local' && layout.stacks.some(hasRealTarget)) {
    pendingRealTargets.set(side, () => {
      try {
        // `auto`: each stack as its back-end's own target maps it.
        add((declaredResources as (l: Layout, t: string) => Map<string, DeclaredResource[]>)(layout, 'auto'));
      } catch {
        // A target that cannot be loaded here maps nothing; its plans fall back to `xos_key`.
      }
    });
    if (options.realTargets !== 'later') indexRealTargets(side);
  }
  return side;
}

/** True when `xos synth` (target auto) renders the stack with a real target, not `local`. */
function hasRealTarget(s: StackLayout): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require('../synth/targets') as typeof import('../synth/targets')).targetOf(s) !== 'local';
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

/** True while a side has real targets' addresses not yet indexed. */
export function realTargetsPending(side: ModelSide): boolean {
  return pendingRealTargets.has(side);
}

/**
 * True when some address of an assigned plan is declared by no side in the plan's stack: only
 * then can the real targets' addresses (indexed later) change how the plans map.
 */
export function needsRealTargets(assigned: readonly PlanStack[], sides: readonly ModelSide[]): boolean {
  for (const { plan, stack } of assigned) {
    const maps = sides.map((s) => s.stacks.get(stack)).filter((m): m is ReadonlyMap<string, DeclaredSecrets> => m !== undefined);
    const known = (a: string | undefined) => a === undefined || maps.some((m) => m.has(a));
    for (const c of plan.changes) if (!known(c.address) || !known(c.previousAddress)) return true;
    for (const c of plan.drift) if (!known(c.address) || !known(c.previousAddress)) return true;
    for (const a of plan.configuredAddresses) if (!known(a)) return true;
  }
  return false;
}

const NO_PATHS: readonly (readonly PathStep[])[] = [];

/**
 * A declared resource with its secret paths read (the same fields, in the same order). Its
 * attributes are read through, when someone reads them: the review itself never does.
 */
function withSecretPaths(d: DeclaredResource): DeclaredSecrets {
  return {
    address: d.address,
    type: d.type,
    name: d.name,
    model: d.model,
    kind: d.kind,
    get attrs() {
      return d.attrs;
    },
    sensitive: d.sensitive,
    secretPaths: d.sensitive.length ? d.sensitive.map(parseDotted) : NO_PATHS,
  };
}

/** `input.secrets` -> ['input', 'secrets']. */
function parseDotted(p: string): PathStep[] {
  return p.split('.').filter(Boolean);
}

/** Which model object a plan change belongs to, and how that was found. */
export interface ObjectRef {
  readonly key: string;
  readonly kind: ModelObject['kind'] | undefined;
  /** How the key was found. */
  readonly via: 'head' | 'base' | 'xos_key';
  readonly declared?: DeclaredSecrets;
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

/**
 * Address -> the stacks declaring it (of any side), in the order first seen: one stack name
 * for most addresses, a set only for those several stacks declare.
 */
function ownersOf(sides: readonly ModelSide[]): Map<string, string | Set<string>> {
  const owners = new Map<string, string | Set<string>>();
  for (const side of sides) {
    for (const [stack, m] of side.stacks) {
      for (const a of m.keys()) {
        const o = owners.get(a);
        if (o === undefined) owners.set(a, stack);
        else if (typeof o === 'string') {
          if (o !== stack) owners.set(a, new Set([o, stack]));
        } else o.add(stack);
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
  const owners = plans.some((p) => !p.stack) ? ownersOf(sides) : new Map<string, string | Set<string>>();
  const out: PlanStack[] = [];
  const taken = new Map<string, string>();
  for (const { plan, stack } of plans) {
    let result: PlanStack;
    if (stack) {
      result = { plan, stack, how: 'named' };
    } else {
      const votes = new Map<string, number>();
      const seen = new Set<string>();
      const vote = (a: string | undefined) => {
        if (!a || seen.has(a)) return;
        seen.add(a);
        const o = owners.get(a);
        if (typeof o === 'string') votes.set(o, (votes.get(o) ?? 0) + 1);
        else if (o) for (const s of o) votes.set(s, (votes.get(s) ?? 0) + 1);
      };
      for (const c of plan.changes) {
        vote(c.address);
        vote(c.previousAddress);
      }
      for (const a of plan.configuredAddresses) vote(a);
      let best: string | undefined;
      let bestVotes = 0;
      let tie: string | undefined;
      for (const [s, n] of votes) {
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

/** The `xos_key` a local-target resource carries in its `input`, on either side. */
function xosKey(c: PlanChange): string | undefined {
  for (const v of [c.after, c.before]) {
    const input = v && typeof v === 'object' ? (v as { input?: unknown }).input : undefined;
    const key = input && typeof input === 'object' ? (input as { xos_key?: unknown }).xos_key : undefined;
    if (typeof key === 'string') return key;
  }
  return undefined;
}

/**
 * Map a change to its model object: by address in the head layout, then in the base layout
 * (objects the change deletes), then (moved resources) by the previous address, then by the
 * `xos_key` the local target writes into each resource. Undefined when nothing matches.
 */
export function mapChange(c: PlanChange, stack: string, head: ModelSide, base: ModelSide | undefined): ObjectRef | undefined {
  const kindOf = (key: string) => head.index.get(key)?.kind ?? base?.index.get(key)?.kind;
  for (const address of [c.address, c.previousAddress]) {
    if (!address) continue;
    const h = head.stacks.get(stack)?.get(address);
    if (h) return { key: h.model, kind: kindOf(h.model), via: 'head', declared: h };
    const b = base?.stacks.get(stack)?.get(address);
    if (b) return { key: b.model, kind: kindOf(b.model), via: 'base', declared: b };
  }
  const key = xosKey(c);
  if (key !== undefined) return { key, kind: kindOf(key), via: 'xos_key' };
  return undefined;
}
