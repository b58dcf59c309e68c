/**
 * What a change does to the model: the objects it adds, removes and changes, with the
 * changed attributes in the model's words. Secret references are masked. Linear in the
 * size of the two models.
 */
import { setKey } from '../model/dict';
import type { ModelIndex } from '../model/index';
import type { Kind, ModelObject } from '../model/types';
import { diffAttributes, jsonEqual, type AttributeChange } from '../plan/diff';

export const SECRET = '(secret)';

export type ObjectStatus = 'added' | 'removed' | 'changed';

export interface ObjectDiff {
  readonly key: string;
  readonly kind: Kind;
  readonly status: ObjectStatus;
  /** Changed attributes (for `changed`), secrets masked. */
  readonly attributes: readonly AttributeChange[];
}

/** True for a SecretRef: `{ secret: 'env' | 'tfvar' | 'literal', ... }`. */
function isSecretRef(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const s = (v as { secret?: unknown }).secret;
  return s === 'env' || s === 'tfvar' || s === 'literal';
}

/** A copy with every secret reference replaced by `(secret)`. */
export function maskSecrets(v: unknown): unknown {
  if (isSecretRef(v)) return SECRET;
  if (Array.isArray(v)) return v.map(maskSecrets);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setKey(out, k, maskSecrets(x));
    return out;
  }
  return v;
}

/**
 * Every object that differs between base and head, in the order of the head model's
 * collections (removed objects after, in the base's order).
 */
export function diffModels(base: ModelIndex, head: ModelIndex): ObjectDiff[] {
  const out: ObjectDiff[] = [];
  for (const [key, h] of head.byKey) {
    const b = base.byKey.get(key);
    if (!b) out.push({ key, kind: h.kind, status: 'added', attributes: [] });
    else if (b.kind !== h.kind) {
      out.push({ key, kind: b.kind, status: 'removed', attributes: [] });
      out.push({ key, kind: h.kind, status: 'added', attributes: [] });
    } else if (!jsonEqual(b, h)) out.push({ key, kind: h.kind, status: 'changed', attributes: attributeChanges(b, h) });
  }
  for (const [key, b] of base.byKey) if (!head.byKey.has(key)) out.push({ key, kind: b.kind, status: 'removed', attributes: [] });
  return out;
}

/** The changed attributes of one object, secret references masked (a changed secret shows as changed). */
export function attributeChanges(b: ModelObject, h: ModelObject): AttributeChange[] {
  const mb = maskSecrets(b) as Record<string, unknown>;
  const mh = maskSecrets(h) as Record<string, unknown>;
  const changes = diffAttributes({ before: mb, after: mh });
  // A secret reference that now points elsewhere masks to the same text on both sides.
  for (const k of Object.keys({ ...b, ...h })) {
    const bv = (b as unknown as Record<string, unknown>)[k];
    const hv = (h as unknown as Record<string, unknown>)[k];
    if (jsonEqual(mb[k], mh[k]) && !jsonEqual(bv, hv)) changes.push({ path: k, before: SECRET, after: `${SECRET}, changed`, sensitive: true });
  }
  return changes;
}
