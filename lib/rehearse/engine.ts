/**
 * What every resource type shares, driven by its schema alone: checking a configuration
 * (required, computed-only, nesting and item counts), planning (computed attributes the
 * configuration leaves unset are unknown until apply), and filling what is still unknown at
 * apply with plain values once the type's own rules have set theirs.
 */
import { isObjectValue, newObject, Unknown, UNKNOWN, whollyKnown, type CtyType, type Value, type ValueObject } from './cty';
import { attributeType, type SchemaAttribute, type SchemaBlock } from './schema';

/** A step of an attribute path: an attribute name, or an element's index or key. */
export type PathStep = string | number | { readonly key: string };

export interface Diag {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  readonly path?: readonly PathStep[];
}

export function error(summary: string, detail: string, path?: readonly PathStep[]): Diag {
  return { severity: 'error', summary, detail, ...(path ? { path } : {}) };
}

function pathText(path: readonly PathStep[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'string' ? (s ? `.${p}` : p) : typeof p === 'number' ? `[${p}]` : `[${JSON.stringify(p.key)}]`;
  return s;
}

/** The elements of a nested value (list, set, map: with their steps), known ones only. */
function elements(v: Value): [PathStep, Value][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (isObjectValue(v)) return Object.entries(v).map(([k, x]) => [{ key: k }, x]);
  return [];
}

function checkNestedAttributes(attrs: Readonly<Record<string, SchemaAttribute>>, v: Value, path: readonly PathStep[], out: Diag[]): void {
  if (!isObjectValue(v)) return;
  for (const [name, a] of Object.entries(attrs)) checkAttribute(name, a, v[name] ?? null, [...path, name], out);
}

function checkAttribute(name: string, a: SchemaAttribute, v: Value, path: readonly PathStep[], out: Diag[]): void {
  if (a.required && v === null)
    out.push(error('Missing required argument', `The argument "${name}" is required, but no definition was found.`, path));
  if (a.computed && !a.optional && !a.required && v !== null && !(v instanceof Unknown))
    out.push(error('Value for unconfigurable attribute', `Can't configure a value for "${name}": its value will be decided automatically based on the result of applying this configuration.`, path));
  if (a.nested_type && v !== null && !(v instanceof Unknown)) {
    if (a.nested_type.nesting_mode === 'single') checkNestedAttributes(a.nested_type.attributes, v, path, out);
    else for (const [step, x] of elements(v)) checkNestedAttributes(a.nested_type.attributes, x, [...path, step], out);
  }
}

/**
 * Check a configuration (or a data source's) against a block's schema. Terraform itself
 * decodes configurations by the schema the harness serves (so an unknown argument, a block
 * written as an attribute, a wrong type never reach a provider); these are the checks a
 * provider makes on top, on what it receives. Unknown values pass (they are checked when
 * known, at plan or apply).
 */
export function checkConfig(block: SchemaBlock, v: Value, path: readonly PathStep[] = []): Diag[] {
  const out: Diag[] = [];
  if (!isObjectValue(v)) return out;
  for (const [name, a] of Object.entries(block.attributes ?? {})) checkAttribute(name, a, v[name] ?? null, [...path, name], out);
  for (const [name, nb] of Object.entries(block.block_types ?? {})) {
    const bv = v[name] ?? null;
    const p = [...path, name];
    if (bv instanceof Unknown) continue;
    if (nb.nesting_mode === 'single' || nb.nesting_mode === 'group') {
      if (bv === null) {
        if ((nb.min_items ?? 0) > 0) out.push(error('Missing required block', `A block of type "${name}" is required here.`, p));
        continue;
      }
      out.push(...checkConfig(nb.block, bv, p));
      continue;
    }
    const items = elements(bv);
    // A dynamic block with an unknown for_each leaves the count open until apply.
    if (whollyKnown(bv)) {
      if (nb.min_items && items.length < nb.min_items)
        out.push(error(`Insufficient ${name} blocks`, `At least ${nb.min_items} "${name}" block${nb.min_items === 1 ? ' is' : 's are'} required.`, p));
      if (nb.max_items && items.length > nb.max_items)
        out.push(error(`Too many ${name} blocks`, `No more than ${nb.max_items} "${name}" block${nb.max_items === 1 ? ' is' : 's are'} allowed.`, p));
    }
    for (const [step, x] of items) out.push(...checkConfig(nb.block, x, [...p, step]));
  }
  return out;
}

/** A diagnostic's path as text (`fixed_ip[0].subnet_id`), for messages. */
export function describePath(path: readonly PathStep[] | undefined): string {
  return path && path.length ? pathText(path) : '';
}

/**
 * The planned value of a new object: as proposed (the configuration), with every computed
 * attribute the configuration leaves unset unknown, in nested blocks too.
 */
export function markComputedUnknown(block: SchemaBlock, proposed: Value, config: Value): Value {
  if (!isObjectValue(proposed)) return proposed;
  const cfg = isObjectValue(config) ? config : newObject();
  const out = newObject();
  for (const [k, v] of Object.entries(proposed)) out[k] = v;
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    const c = cfg[name] ?? null;
    if (a.computed && c === null) out[name] = UNKNOWN;
    else if (a.nested_type && c !== null && !(c instanceof Unknown)) out[name] = markNestedType(a, out[name] ?? null, c);
  }
  for (const [name, nb] of Object.entries(block.block_types ?? {})) {
    const pv = out[name] ?? null;
    const cv = cfg[name] ?? null;
    if (pv === null || pv instanceof Unknown) continue;
    if (nb.nesting_mode === 'single' || nb.nesting_mode === 'group') out[name] = markComputedUnknown(nb.block, pv, cv);
    else if (Array.isArray(pv)) out[name] = pv.map((x, i) => markComputedUnknown(nb.block, x, Array.isArray(cv) ? cv[i] ?? null : null));
    else if (isObjectValue(pv)) {
      const m = newObject();
      for (const [k, x] of Object.entries(pv)) m[k] = markComputedUnknown(nb.block, x, isObjectValue(cv) ? cv[k] ?? null : null);
      out[name] = m;
    }
  }
  return out;
}

function markNestedType(a: SchemaAttribute, pv: Value, cv: Value): Value {
  const nt = a.nested_type!;
  const block: SchemaBlock = { attributes: nt.attributes };
  if (nt.nesting_mode === 'single') return markComputedUnknown(block, pv, cv);
  if (Array.isArray(pv)) return pv.map((x, i) => markComputedUnknown(block, x, Array.isArray(cv) ? cv[i] ?? null : null));
  if (isObjectValue(pv)) {
    const m = newObject();
    for (const [k, x] of Object.entries(pv)) m[k] = markComputedUnknown(block, x, isObjectValue(cv) ? cv[k] ?? null : null);
    return m;
  }
  return pv;
}

/** A plain value of a type, for what no rule decides: empty strings and collections, zero, false. */
function plainValue(t: CtyType): Value {
  if (t === 'string') return '';
  if (t === 'number') return 0;
  if (t === 'bool') return false;
  if (t === 'dynamic') return null;
  switch (t[0]) {
    case 'list':
    case 'set':
    case 'tuple':
      return [];
    case 'map':
      return newObject();
    case 'object':
      return null;
  }
}

/** Replace every value still unknown with a plain value of its type. */
export function fillPlain(block: SchemaBlock, v: Value): Value {
  if (!isObjectValue(v)) return v;
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    const x = v[name] ?? null;
    if (x instanceof Unknown) v[name] = plainValue(attributeType(a));
    else if (a.nested_type && x !== null) {
      const inner: SchemaBlock = { attributes: a.nested_type.attributes };
      if (a.nested_type.nesting_mode === 'single') fillPlain(inner, x);
      else for (const [, e] of elements(x)) fillPlain(inner, e);
    } else if (x !== null && !whollyKnown(x)) v[name] = deepFill(x, attributeType(a));
  }
  for (const [name, nb] of Object.entries(block.block_types ?? {})) {
    const x = v[name] ?? null;
    if (x === null) continue;
    if (nb.nesting_mode === 'single' || nb.nesting_mode === 'group') fillPlain(nb.block, x);
    else for (const [, e] of elements(x)) fillPlain(nb.block, e);
  }
  return v;
}

function deepFill(v: Value, t: CtyType): Value {
  if (v instanceof Unknown) return plainValue(t);
  if (typeof t === 'string') return v;
  const [kind, arg] = t;
  if ((kind === 'list' || kind === 'set') && Array.isArray(v)) return v.map((x) => deepFill(x, arg as CtyType));
  if (kind === 'map' && isObjectValue(v)) {
    for (const k of Object.keys(v)) v[k] = deepFill(v[k], arg as CtyType);
    return v;
  }
  if (kind === 'object' && isObjectValue(v)) {
    for (const [k, at] of Object.entries(arg as Record<string, CtyType>)) v[k] = deepFill(v[k] ?? null, at);
    return v;
  }
  return v;
}

/** Set an attribute when (and only when) it is still unknown. */
export function setUnknown(o: ValueObject, name: string, value: () => Value): void {
  if (o[name] instanceof Unknown) o[name] = value();
}

/** A copy of a value deep enough to be changed freely. */
export function copyValue<V extends Value>(v: V): V {
  if (Array.isArray(v)) return v.map(copyValue) as V;
  if (isObjectValue(v)) {
    const out = newObject();
    for (const [k, x] of Object.entries(v)) out[k] = copyValue(x);
    return out as V;
  }
  return v;
}

/** A known string attribute, or undefined. */
export function str(o: Value, name: string): string | undefined {
  if (!isObjectValue(o)) return undefined;
  const v = o[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A known number attribute, or undefined. */
export function num(o: Value, name: string): number | undefined {
  if (!isObjectValue(o)) return undefined;
  const v = o[name];
  return typeof v === 'number' ? v : undefined;
}

/** The objects of a nested block or list attribute (known ones). */
export function objectsOf(o: Value, name: string): ValueObject[] {
  if (!isObjectValue(o)) return [];
  const v = o[name];
  if (Array.isArray(v)) return v.filter(isObjectValue);
  if (isObjectValue(v)) return [v];
  return [];
}
