/**
 * Attribute-level differences between a resource's `before` and `after`, with Terraform's
 * sensitivity and unknown-value trees applied: a sensitive value never leaves this module
 * in plain text, only as `(sensitive)`. Time and space are linear in the size of the values.
 */
import { setKey } from '../model/dict';
import type { MarkTree, PathStep } from './types';

const hasOwn = Object.prototype.hasOwnProperty;

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';

/** One changed attribute. `before`/`after` are absent when the attribute did not exist. */
export interface AttributeChange {
  /** Printable path: `input.user_data.ssh_keys[1]`, `tags["Name"]`. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The value is sensitive on either side (both sides are then masked). */
  readonly sensitive?: true;
  /** The new value is only known after apply. */
  readonly unknown?: true;
  /** Changing it forces the resource to be replaced (`replace_paths`). */
  readonly forcesReplacement?: true;
}

export interface DiffInput {
  readonly before: unknown;
  readonly after: unknown;
  readonly beforeSensitive?: MarkTree;
  readonly afterSensitive?: MarkTree;
  readonly afterUnknown?: MarkTree;
  readonly replacePaths?: readonly (readonly PathStep[])[];
}

/** `[A-Za-z_][A-Za-z0-9_-]*`, by character code (this runs for every attribute of every change). */
function isIdent(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) continue;
    if (i > 0 && ((c >= 48 && c <= 57) || c === 45)) continue;
    return false;
  }
  return true;
}

/** Append one step to a printable path. */
export function joinPath(path: string, step: PathStep): string {
  if (typeof step === 'number') return `${path}[${step}]`;
  if (isIdent(step)) return path ? `${path}.${step}` : step;
  return `${path}[${JSON.stringify(step)}]`;
}

/** A printable path from its steps. */
export function formatPath(steps: readonly PathStep[]): string {
  let p = '';
  for (const s of steps) p = joinPath(p, s);
  return p;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function child(tree: MarkTree | undefined, step: PathStep): MarkTree | undefined {
  if (tree === true) return true;
  if (!tree || typeof tree !== 'object') return undefined;
  return (tree as Record<string | number, MarkTree>)[step as never];
}

/** True when some value at or below this point of the tree is marked. */
export function anyMarked(tree: MarkTree | undefined): boolean {
  if (tree === true) return true;
  if (!tree || typeof tree !== 'object') return false;
  // Without Object.values: this runs on every change's sensitivity trees, mostly `{}`.
  if (Array.isArray(tree)) {
    for (const v of tree as readonly MarkTree[]) if (anyMarked(v)) return true;
    return false;
  }
  const t = tree as Readonly<Record<string, MarkTree>>;
  for (const k in t) if (hasOwn.call(t, k) && anyMarked(t[k])) return true;
  return false;
}

/** Deep equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!(k in bo) || !jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/** True when a mark tree marks nothing at this point or below without looking further (absent or `false`). */
function unmarked(tree: MarkTree | undefined): boolean {
  return tree === undefined || tree === false;
}

/**
 * `value` with every sensitive part replaced by `(sensitive)` and, when an unknown tree is
 * given, every unknown part by `(known after apply)`. Only the objects and lists on the way
 * to a replaced part are copied: the parts that nothing marks are `value`'s own (a plan's
 * values are read-only data; copying them all made every create cost a deep copy).
 */
export function maskValue(value: unknown, sensitive: MarkTree | undefined, unknown?: MarkTree): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (unmarked(sensitive) && unmarked(unknown)) return value;
  if (Array.isArray(value)) {
    // Unknown list elements past the known ones are not in `value`: nothing to add.
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const m = maskValue(v, child(sensitive, i), child(unknown, i));
      if (out) out.push(m);
      else if (m !== v) {
        out = value.slice(0, i);
        out.push(m);
      }
    }
    return out ?? value;
  }
  if (isPlain(value)) {
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = value[k];
      const m = maskValue(v, child(sensitive, k), child(unknown, k));
      if (out) setKey(out, k, m);
      else if (m !== v) {
        out = {};
        for (let j = 0; j < i; j++) setKey(out, keys[j], value[keys[j]]);
        setKey(out, k, m);
      }
    }
    // Attributes only known after apply may be absent from `after`; show them.
    if (unknown && typeof unknown === 'object' && !Array.isArray(unknown)) {
      for (const k of Object.keys(unknown)) {
        if (!(k in (out ?? value)) && (unknown as Record<string, MarkTree>)[k] === true) {
          out ??= { ...value };
          setKey(out, k, UNKNOWN);
        }
      }
    }
    return out ?? value;
  }
  return value;
}

/** Merge `paths` into a sensitivity tree as fully sensitive. */
export function markPaths(tree: MarkTree | undefined, paths: readonly (readonly PathStep[])[]): MarkTree {
  let out: MarkTree = tree ?? false;
  for (const p of paths) out = markOne(out, p, 0);
  return out;
}

function markOne(tree: MarkTree, path: readonly PathStep[], i: number): MarkTree {
  if (tree === true) return true;
  if (i === path.length) return true;
  const step = path[i];
  if (typeof step === 'number') {
    const arr: MarkTree[] = Array.isArray(tree) ? [...(tree as MarkTree[])] : [];
    arr[step] = markOne(arr[step] ?? false, path, i + 1);
    for (let j = 0; j < arr.length; j++) if (arr[j] === undefined) arr[j] = false;
    return arr;
  }
  const obj: Record<string, MarkTree> = isPlain(tree) ? { ...(tree as Record<string, MarkTree>) } : {};
  obj[step] = markOne(obj[step] ?? false, path, i + 1);
  return obj;
}

/** Paths whose change forces replacement, as a mark tree. */
function replaceTree(paths: readonly (readonly PathStep[])[] | undefined): MarkTree | undefined {
  return paths && paths.length ? markPaths(false, paths) : undefined;
}

/**
 * The attributes that differ between `before` and `after`, leaf by leaf where both sides
 * are objects (or lists of the same length), masked by the sensitivity trees. On a create,
 * every attribute with a value is listed; attributes that are `null` on both sides (or on
 * the only side) are not.
 */
export function diffAttributes(input: DiffInput): AttributeChange[] {
  const out: AttributeChange[] = [];
  const hasBefore = input.before !== null && input.before !== undefined;
  const hasAfter = input.after !== null && input.after !== undefined;
  walk(out, '', input.before, input.after, hasBefore, hasAfter, input.beforeSensitive, input.afterSensitive, input.afterUnknown, replaceTree(input.replacePaths));
  return out;
}

/**
 * One changed attribute, its fields always in the same order (path, before, after,
 * sensitive, unknown, forcesReplacement) whichever are present: the review prints them in
 * that order. Built by assignment, not by spreading optional parts (this runs per leaf).
 */
function change(path: string, hasBefore: boolean, before: unknown, hasAfter: boolean, after: unknown, sensitive: boolean, unknown: boolean, forces: boolean): AttributeChange {
  const p = path || '(value)';
  // The common shapes are made whole, each by its own literal: one allocation, one hidden class.
  if (!sensitive && !forces) {
    if (!unknown) {
      if (hasBefore && hasAfter) return { path: p, before, after };
      if (hasAfter) return { path: p, after };
      if (hasBefore) return { path: p, before };
    } else if (hasAfter) {
      if (hasBefore) return { path: p, before, after, unknown: true };
      return { path: p, after, unknown: true };
    }
  } else if (sensitive && !unknown && !forces) {
    if (hasBefore && hasAfter) return { path: p, before, after, sensitive: true };
    if (hasAfter) return { path: p, after, sensitive: true };
    if (hasBefore) return { path: p, before, sensitive: true };
  }
  const c: { -readonly [K in keyof AttributeChange]: AttributeChange[K] } = { path: p };
  if (hasBefore) c.before = before;
  if (hasAfter) c.after = after;
  if (sensitive) c.sensitive = true;
  if (unknown) c.unknown = true;
  if (forces) c.forcesReplacement = true;
  return c;
}

/** The side of an object that does not exist: read like `{}` (lookups fall through to its prototype as before). */
const NO_OBJECT: Record<string, unknown> = {};

function walk(
  out: AttributeChange[],
  path: string,
  b: unknown,
  a: unknown,
  hasB: boolean,
  hasA: boolean,
  bs: MarkTree | undefined,
  as: MarkTree | undefined,
  unk: MarkTree | undefined,
  rep: MarkTree | undefined,
): void {
  const forces = rep === true;
  if (bs === true || as === true) {
    if (hasB !== hasA || !jsonEqual(b, a) || unk === true) out.push(change(path, hasB, SENSITIVE, hasA || unk === true, unk === true ? UNKNOWN : SENSITIVE, true, unk === true, forces));
    return;
  }
  if (unk === true) {
    out.push(change(path, hasB, hasB ? maskValue(b, bs) : undefined, true, UNKNOWN, false, true, forces));
    return;
  }
  const bObj = hasB && isPlain(b);
  const aObj = hasA && isPlain(a);
  if ((bObj || !hasB) && (aObj || !hasA) && (bObj || aObj)) {
    const bo = (bObj ? b : NO_OBJECT) as Record<string, unknown>;
    const ao = (aObj ? a : NO_OBJECT) as Record<string, unknown>;
    const uo = unk && typeof unk === 'object' && !Array.isArray(unk) ? (unk as Record<string, MarkTree>) : undefined;
    // Every key of either side and of the unknown tree, once each, in that order.
    if (bObj) for (const k of Object.keys(bo)) walkKey(out, path, k, bo, ao, bs, as, unk, rep);
    if (aObj) for (const k of Object.keys(ao)) if (!bObj || !hasOwn.call(bo, k)) walkKey(out, path, k, bo, ao, bs, as, unk, rep);
    if (uo) for (const k of Object.keys(uo)) if ((!bObj || !hasOwn.call(bo, k)) && (!aObj || !hasOwn.call(ao, k))) walkKey(out, path, k, bo, ao, bs, as, unk, rep);
    return;
  }
  if (hasB && hasA && Array.isArray(b) && Array.isArray(a) && b.length === a.length && !anyMarked(unk)) {
    for (let i = 0; i < b.length; i++) {
      const cb = b[i];
      const ca = a[i];
      walk(out, joinPath(path, i), cb, ca, cb !== null && cb !== undefined, ca !== null && ca !== undefined, child(bs, i), child(as, i), child(unk, i), child(rep, i));
    }
    return;
  }
  if (hasB === hasA && jsonEqual(b, a)) return;
  out.push(change(path, hasB, hasB ? maskValue(b, bs) : undefined, hasA, hasA ? maskValue(a, as, unk) : undefined, anyMarked(bs) || anyMarked(as), false, forces));
}

/** The walk of one key of an object (or of its unknown tree). */
function walkKey(
  out: AttributeChange[],
  path: string,
  k: string,
  bo: Record<string, unknown>,
  ao: Record<string, unknown>,
  bs: MarkTree | undefined,
  as: MarkTree | undefined,
  unk: MarkTree | undefined,
  rep: MarkTree | undefined,
): void {
  const cb = bo[k];
  const ca = ao[k];
  const chb = cb !== null && cb !== undefined;
  const cha = ca !== null && ca !== undefined;
  const cu = child(unk, k);
  // null <-> absent is no change worth reading; an unknown child still is.
  if (!chb && !cha && cu !== true && !anyMarked(cu)) return;
  walk(out, joinPath(path, k), cb, ca, chb, cha, child(bs, k), child(as, k), cu, child(rep, k));
}
