/**
 * Attribute-level differences between a resource's `before` and `after`, with Terraform's
 * sensitivity and unknown-value trees applied: a sensitive value never leaves this module
 * in plain text, only as `(sensitive)`. Time and space are linear in the size of the values.
 */
import type { MarkTree, PathStep } from './types';

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
  for (const v of Object.values(tree)) if (anyMarked(v as MarkTree)) return true;
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

/**
 * A copy of `value` with every sensitive part replaced by `(sensitive)` and, when an
 * unknown tree is given, every unknown part by `(known after apply)`.
 */
export function maskValue(value: unknown, sensitive: MarkTree | undefined, unknown?: MarkTree): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value)) {
    const out = value.map((v, i) => maskValue(v, child(sensitive, i), child(unknown, i)));
    // Unknown list elements past the known ones are not in `value`: nothing to add.
    return out;
  }
  if (isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = maskValue(value[k], child(sensitive, k), child(unknown, k));
    // Attributes only known after apply may be absent from `after`; show them.
    if (unknown && typeof unknown === 'object' && !Array.isArray(unknown)) {
      for (const k of Object.keys(unknown)) if (!(k in out) && (unknown as Record<string, MarkTree>)[k] === true) out[k] = UNKNOWN;
    }
    return out;
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
  const forces = rep === true ? { forcesReplacement: true as const } : {};
  if (bs === true || as === true) {
    if (hasB !== hasA || !jsonEqual(b, a) || unk === true)
      out.push({ path: path || '(value)', ...(hasB ? { before: SENSITIVE } : {}), ...(hasA || unk === true ? { after: unk === true ? UNKNOWN : SENSITIVE } : {}), sensitive: true, ...(unk === true ? { unknown: true as const } : {}), ...forces });
    return;
  }
  if (unk === true) {
    out.push({ path: path || '(value)', ...(hasB ? { before: maskValue(b, bs) } : {}), after: UNKNOWN, unknown: true, ...forces });
    return;
  }
  const bObj = hasB && isPlain(b);
  const aObj = hasA && isPlain(a);
  if ((bObj || !hasB) && (aObj || !hasA) && (bObj || aObj)) {
    const bo = (bObj ? b : {}) as Record<string, unknown>;
    const ao = (aObj ? a : {}) as Record<string, unknown>;
    const keys = new Set<string>(Object.keys(bo));
    for (const k of Object.keys(ao)) keys.add(k);
    if (unk && typeof unk === 'object' && !Array.isArray(unk)) for (const k of Object.keys(unk)) keys.add(k);
    for (const k of keys) {
      const cb = bo[k];
      const ca = ao[k];
      const chb = cb !== null && cb !== undefined;
      const cha = ca !== null && ca !== undefined;
      const cu = child(unk, k);
      if (!chb && !cha && cu !== true) {
        // null <-> absent is no change worth reading; an unknown child still is.
        if (!anyMarked(cu)) continue;
      }
      walk(out, joinPath(path, k), cb, ca, chb, cha, child(bs, k), child(as, k), cu, child(rep, k));
    }
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
  out.push({
    path: path || '(value)',
    ...(hasB ? { before: maskValue(b, bs) } : {}),
    ...(hasA ? { after: maskValue(a, as, unk) } : {}),
    ...(anyMarked(bs) || anyMarked(as) ? { sensitive: true as const } : {}),
    ...forces,
  });
}
