/**
 * Compare what the model declares for one resource with what its state holds, attribute by
 * attribute, down to the leaves: `input.name: declared "olt-1", actual "olt-x"`.
 *
 * - References (`${terraform_data.site_co1.id}`) are resolved against the same state; one
 *   that points at a resource missing from state cannot match.
 * - Secrets (`${var.NAME}`) are never compared (their value is not in the model) and never
 *   shown; neither is any value the state marks sensitive.
 * - Attributes the model does not set are drift only when the provider does not compute
 *   them and the state holds a value there (a zero value counts as unset: older providers
 *   write `""`, `0`, `false` for what was never set).
 */
import type { DeclaredResource } from '../synth/declared';
import { formatPath } from '../state/address';
import type { AttrPath, PathStep, StateInstance } from '../state/types';
import type { TargetSchema } from './target-schema';

/** A value as a report shows it. */
export type Shown =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'unset' }
  | { readonly kind: 'sensitive' }
  /** A value that cannot be known from state, with the reason. */
  | { readonly kind: 'unknown'; readonly why: string };

/** One attribute that differs. */
export interface AttrDiff {
  /** The attribute path, for example `input.sites[0]`. */
  readonly path: string;
  readonly declared: Shown;
  readonly actual: Shown;
  /** The reference the declared value comes from, for example `terraform_data.site_co1.id`. */
  readonly via?: string;
}

/** Looks up the current (not deposed) attributes of a resource of the same state. */
export type StateLookup = (address: string) => Readonly<Record<string, unknown>> | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A trie of sensitive paths. A path is covered when it lies above or below a marked one. */
class PathTrie {
  private readonly root = new Map<PathStep, TrieNode>();
  private rootMarked = false;

  public add(path: AttrPath): void {
    if (path.length === 0) {
      this.rootMarked = true;
      return;
    }
    let level = this.root;
    let node: TrieNode | undefined;
    for (const step of path) {
      node = level.get(step);
      if (!node) {
        node = { marked: false, children: new Map() };
        level.set(step, node);
      }
      level = node.children;
    }
    node!.marked = true;
  }

  /** True when a marked path is a prefix of `path`, or `path` is a prefix of a marked one. */
  public covers(path: AttrPath): boolean {
    if (this.rootMarked) return true;
    let level = this.root;
    for (const step of path) {
      const node = level.get(step);
      if (!node) return false;
      if (node.marked) return true;
      level = node.children;
    }
    return true; // path is a prefix of a marked path
  }

  public get empty(): boolean {
    return !this.rootMarked && this.root.size === 0;
  }
}

interface TrieNode {
  marked: boolean;
  children: Map<PathStep, TrieNode>;
}

/** A reference or variable in a Terraform expression string. */
type Evaluated =
  | { readonly kind: 'value'; readonly value: unknown; readonly via?: string }
  | { readonly kind: 'secret' }
  | { readonly kind: 'missing'; readonly ref: string }
  | { readonly kind: 'opaque' };

const TOKEN = /\$\{([^{}]*)\}/g;

/** `[A-Za-z_][A-Za-z0-9_-]*`, checked by character code (this runs once per reference). */
function isIdentifier(s: string): boolean {
  return identifierAt(s, 0, s.length);
}

/** True when s[from, to) is an identifier (as `isIdentifier`), read in place. */
function identifierAt(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (!letter && (i === from || !((c >= 48 && c <= 57) || c === 45))) return false;
  }
  return true;
}

/** Split `a.b[0].c` into steps. */
function splitTraversal(s: string): PathStep[] | undefined {
  if (!s.includes('[')) {
    // Dotted names only (nearly every reference): the same steps as the general reader below,
    // which skips each dot on its own.
    const steps: PathStep[] = [];
    for (const part of s.split('.')) {
      if (part === '') continue;
      if (!isIdentifier(part)) return undefined;
      steps.push(part);
    }
    return steps;
  }
  const steps: PathStep[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|(\.)/g;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s))) {
    if (m.index !== at) return undefined;
    at = re.lastIndex;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else if (m[3] !== undefined) steps.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return at === s.length ? steps : undefined;
}

/** Heads of references that name no resource of the state. */
const NOT_RESOURCES = new Set(['var', 'local', 'each', 'count', 'path', 'terraform', 'module', 'data']);

/**
 * In s[from, to), a reference `type.name.attr` of three identifiers and nothing else (nearly
 * every reference a target writes), whose type names a resource: the position of its second
 * dot (the address is what comes before it), else -1. Read in place, nothing made.
 */
function simpleReferenceAt(s: string, from: number, to: number): number {
  const d1 = s.indexOf('.', from);
  const d2 = d1 >= 0 && d1 < to ? s.indexOf('.', d1 + 1) : -1;
  if (d2 < 0 || d2 >= to) return -1;
  const d3 = s.indexOf('.', d2 + 1);
  if (d3 >= 0 && d3 < to) return -1;
  if (!identifierAt(s, from, d1) || !identifierAt(s, d1 + 1, d2) || !identifierAt(s, d2 + 1, to) || NOT_RESOURCES.has(s.slice(from, d1))) return -1;
  return d2;
}

/** `type.name.attr` evaluated without splitting (see `simpleReferenceAt`); undefined for any other expression. */
function evalSimpleReference(expr: string, lookup: StateLookup): Evaluated | undefined {
  const d2 = simpleReferenceAt(expr, 0, expr.length);
  if (d2 < 0) return undefined;
  const attrs = lookup(expr.slice(0, d2));
  if (!attrs) return { kind: 'missing', ref: expr };
  return isObject(attrs) ? { kind: 'value', value: attrs[expr.slice(d2 + 1)], via: expr } : { kind: 'opaque' };
}

function evalToken(expr: string, lookup: StateLookup): Evaluated {
  const simple = evalSimpleReference(expr, lookup);
  if (simple) return simple;
  const steps = splitTraversal(expr.trim());
  if (!steps || steps.length < 2 || typeof steps[0] !== 'string') return { kind: 'opaque' };
  if (steps[0] === 'var') return { kind: 'secret' };
  if (steps[0] === 'local' || steps[0] === 'each' || steps[0] === 'count' || steps[0] === 'path' || steps[0] === 'terraform' || steps[0] === 'module') return { kind: 'opaque' };
  const isData = steps[0] === 'data';
  const head = isData ? 3 : 2;
  if (steps.length < head + 1 || steps.slice(0, head).some((s) => typeof s !== 'string')) return { kind: 'opaque' };
  let address = steps.slice(0, head).join('.');
  let rest = steps.slice(head);
  // An instance of a resource with count or for_each: `type.name[0].id`.
  if (rest.length > 1 && typeof rest[0] === 'number') {
    address += `[${rest[0]}]`;
    rest = rest.slice(1);
  }
  const attrs = lookup(address);
  const ref = expr.trim();
  if (!attrs) return { kind: 'missing', ref };
  let v: unknown = attrs;
  for (const step of rest) {
    if (Array.isArray(v) && typeof step === 'number') v = v[step];
    else if (isObject(v) && typeof step === 'string') v = v[step];
    else return { kind: 'opaque' };
  }
  return { kind: 'value', value: v, via: ref };
}

/** The expression of a string that is one `${...}` and nothing else (no braces inside), else undefined. */
function wholeToken(s: string): string | undefined {
  if (!s.startsWith('${') || s.charCodeAt(s.length - 1) !== 125 /* } */ || s.length < 3) return undefined;
  const inner = s.slice(2, -1);
  return inner.includes('{') || inner.includes('}') ? undefined : inner;
}

/** Evaluate a declared string: plain, one whole reference, or text with references in it. */
export function evaluateString(s: string, lookup: StateLookup): Evaluated {
  if (!s.includes('${')) return { kind: 'value', value: s };
  const whole = wholeToken(s);
  if (whole !== undefined) return evalToken(whole, lookup);
  let out = '';
  let last = 0;
  const vias: string[] = [];
  for (const m of s.matchAll(TOKEN)) {
    const e = evalToken(m[1], lookup);
    if (e.kind !== 'value') return e;
    if (typeof e.value !== 'string' && typeof e.value !== 'number' && typeof e.value !== 'boolean') return { kind: 'opaque' };
    out += s.slice(last, m.index) + String(e.value);
    last = (m.index ?? 0) + m[0].length;
    if (e.via) vias.push(e.via);
  }
  return { kind: 'value', value: out + s.slice(last), via: vias.join(', ') };
}

/** A declared value with every reference resolved; undefined when a secret or an unknowable part is in it. */
function resolveDeep(v: unknown, lookup: StateLookup): { value: unknown; missing?: string } | undefined {
  if (typeof v === 'string') {
    const e = evaluateString(v, lookup);
    if (e.kind === 'value') return { value: e.value };
    if (e.kind === 'missing') return { value: `(${e.ref}: not in state)`, missing: e.ref };
    return undefined;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    let missing: string | undefined;
    for (const x of v) {
      const r = resolveDeep(x, lookup);
      if (!r) return undefined;
      missing ??= r.missing;
      out.push(r.value);
    }
    return { value: out, ...(missing ? { missing } : {}) };
  }
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    let missing: string | undefined;
    for (const [k, x] of Object.entries(v)) {
      const r = resolveDeep(x, lookup);
      if (!r) return undefined;
      missing ??= r.missing;
      out[k] = r.value;
    }
    return { value: out, ...(missing ? { missing } : {}) };
  }
  return { value: v };
}

/** Paths of the declared leaves that are secrets (`${var.NAME}`). */
function secretPaths(v: unknown, prefix: PathStep[], out: AttrPath[]): void {
  if (typeof v === 'string') {
    if (v.includes('${') && /\$\{\s*var\./.test(v)) out.push([...prefix]);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => {
      prefix.push(i);
      secretPaths(x, prefix, out);
      prefix.pop();
    });
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      prefix.push(k);
      secretPaths(x, prefix, out);
      prefix.pop();
    }
  }
}

/** Order-free text of a JSON value: object keys sorted. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** Values equal as Terraform sees them (null and absent alike). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonical(a) === canonical(b);
}

/** Unset, or a zero value that older providers write for what was never set. */
function isUnsetLike(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

class Comparer {
  public readonly diffs: AttrDiff[] = [];
  private readonly masked = new PathTrie();

  constructor(
    private readonly lookup: StateLookup,
    sensitive: readonly AttrPath[],
    private readonly sets: ReadonlySet<string> | undefined,
    private readonly nested: NestedFacts = NO_NESTED,
  ) {
    for (const p of sensitive) this.masked.add(p);
  }

  public maskSecretsOf(name: string, declared: unknown): void {
    const paths: AttrPath[] = [];
    secretPaths(declared, [name], paths);
    for (const p of paths) this.masked.add(p);
  }

  /** A value is hidden when it lies in, or holds, a sensitive value. */
  private hidden(path: AttrPath): boolean {
    return !this.masked.empty && this.masked.covers(path);
  }

  private push(path: AttrPath, declared: Shown, actual: Shown, via?: string): void {
    const hide = this.hidden(path);
    const mask = (s: Shown): Shown => (hide && s.kind === 'value' ? { kind: 'sensitive' } : s);
    this.diffs.push({ path: formatPath(path), declared: mask(declared), actual: mask(actual), ...(via && !hide ? { via } : {}) });
  }

  private shownActual(v: unknown): Shown {
    return v === undefined || v === null ? { kind: 'unset' } : { kind: 'value', value: v };
  }

  /** Compare a declared value with the actual one at `path`. */
  public compare(decl: unknown, act: unknown, path: PathStep[]): void {
    if (typeof decl === 'string' && decl.includes('${')) {
      const e = evaluateString(decl, this.lookup);
      if (e.kind === 'secret' || e.kind === 'opaque') return;
      if (e.kind === 'missing') {
        this.push(path, { kind: 'unknown', why: `${e.ref}, not in state` }, this.shownActual(act));
        return;
      }
      if (!sameValue(e.value, act)) this.push(path, this.shownActual(e.value), this.shownActual(act), e.via);
      return;
    }
    if (isObject(decl) && Array.isArray(act) && act.length === 1 && isObject(act[0])) {
      // One nested block written as an object (Terraform JSON allows it); the state holds a list of one.
      path.push(0);
      this.compare(decl, act[0], path);
      path.pop();
      return;
    }
    if (isObject(decl) && isObject(act)) {
      for (const k of Object.keys(decl)) {
        path.push(k);
        this.compare(decl[k], act[k], path);
        path.pop();
      }
      for (const k of Object.keys(act)) {
        if (k in decl || act[k] === null || act[k] === undefined) continue;
        path.push(k);
        if (!this.nested.notDrift(path, act[k])) this.push(path, { kind: 'unset' }, { kind: 'value', value: act[k] });
        path.pop();
      }
      return;
    }
    if (Array.isArray(decl) && Array.isArray(act)) {
      const isSet = !!this.sets?.has(dottedPath(path));
      if (isSet || decl.length !== act.length) {
        const r = resolveDeep(decl, this.lookup);
        if (!r) return;
        const same = isSet ? [...r.value as unknown[]].map(canonical).sort().join('\n') === this.setElements(r.value as unknown[], act, path).map(canonical).sort().join('\n') : sameValue(r.value, act);
        if (!same) this.push(path, r.missing ? { kind: 'unknown', why: `${r.missing}, not in state` } : { kind: 'value', value: r.value }, { kind: 'value', value: act });
        return;
      }
      decl.forEach((d, i) => {
        path.push(i);
        this.compare(d, act[i], path);
        path.pop();
      });
      return;
    }
    if (sameValue(decl, act)) return;
    const r = resolveDeep(decl, this.lookup);
    if (!r) return;
    this.push(path, r.value === undefined || r.value === null ? { kind: 'unset' } : r.missing ? { kind: 'unknown', why: `${r.missing}, not in state` } : { kind: 'value', value: r.value }, this.shownActual(act));
  }

  /**
   * The elements of a set of blocks as the state holds them, without the members no declared
   * element sets that are no drift (computed by the provider, unset-like, its default): an
   * application credential's access rule gets an `id` from keystone.
   */
  private setElements(decl: readonly unknown[], act: readonly unknown[], path: PathStep[]): unknown[] {
    if (!this.nested.any) return [...act];
    const declared = new Set<string>();
    for (const d of decl) if (isObject(d)) for (const k in d) declared.add(k);
    return act.map((a) => {
      if (!isObject(a)) return a;
      const out: Record<string, unknown> = {};
      for (const k in a) {
        path.push(0, k);
        const drop = !declared.has(k) && this.nested.notDrift(path, a[k]);
        path.length -= 2;
        if (!drop) out[k] = a[k];
      }
      return out;
    });
  }

  /** An attribute the model does not set, holding a value in state. */
  public extra(name: string, act: unknown): void {
    this.push([name], { kind: 'unset' }, { kind: 'value', value: act });
  }
}

const NOT_SIMPLE = Symbol('not a simple reference');
const MISSING = Symbol('not in state');
const OPAQUE = Symbol('cannot be known');

/**
 * The value of a string that is one `${type.name.attr}` and nothing else, read from the state
 * as `evaluateString` would, without the objects it makes: the value, MISSING (the resource is
 * not in state), OPAQUE, or NOT_SIMPLE for any other string.
 */
function wholeSimpleReference(s: string, lookup: StateLookup): unknown {
  const end = s.length - 1;
  if (end < 7 || s.charCodeAt(0) !== 36 || s.charCodeAt(1) !== 123 || s.charCodeAt(end) !== 125) return NOT_SIMPLE;
  const d2 = simpleReferenceAt(s, 2, end);
  if (d2 < 0) return NOT_SIMPLE;
  const attrs = lookup(s.slice(2, d2));
  if (!attrs) return MISSING;
  if (!isObject(attrs)) return OPAQUE;
  // `id`, nearly always, read without making the name.
  return end - d2 === 3 && s.charCodeAt(d2 + 1) === 105 && s.charCodeAt(d2 + 2) === 100 ? attrs.id : attrs[s.slice(d2 + 1, end)];
}

/**
 * True when comparing `decl` with `act` (as `Comparer.compare` does) finds nothing: the same
 * walk, with no paths, masks or reports made. False means "maybe not": the full comparison
 * decides. Nearly every resource of a status run is in sync, and this is what they cost.
 */
function surelySame(decl: unknown, act: unknown, lookup: StateLookup, sets: ReadonlySet<string> | undefined, path: PathStep[], nested: NestedFacts = NO_NESTED): boolean {
  if (typeof decl === 'string') {
    if (!decl.includes('${')) return decl === act;
    const v = wholeSimpleReference(decl, lookup);
    if (v !== NOT_SIMPLE) return v === OPAQUE || (v !== MISSING && sameValue(v, act));
    const e = evaluateString(decl, lookup);
    if (e.kind === 'secret' || e.kind === 'opaque') return true;
    return e.kind === 'value' && sameValue(e.value, act);
  }
  if (Array.isArray(decl)) {
    if (!Array.isArray(act) || decl.length !== act.length || (sets !== undefined && sets.has(dottedPath(path)))) return false;
    for (let i = 0; i < decl.length; i++) {
      path.push(i);
      const same = surelySame(decl[i], act[i], lookup, sets, path, nested);
      path.pop();
      if (!same) return false;
    }
    return true;
  }
  if (isObject(decl)) {
    // One nested block written as an object (Terraform JSON allows it); the state holds a list of one.
    if (Array.isArray(act) && act.length === 1 && isObject(act[0])) {
      path.push(0);
      const same = surelySame(decl, act[0], lookup, sets, path, nested);
      path.pop();
      return same;
    }
    if (!isObject(act)) return false;
    for (const k in decl) {
      path.push(k);
      const same = surelySame(decl[k], act[k], lookup, sets, path, nested);
      path.pop();
      if (!same) return false;
    }
    // Members of the actual value the model does not set are drift unless null, computed by the provider, or its default.
    for (const k in act) {
      if (k in decl || act[k] === null || act[k] === undefined) continue;
      if (!nested.any) return false;
      path.push(k);
      const fine = nested.notDrift(path, act[k]);
      path.pop();
      if (!fine) return false;
    }
    return true;
  }
  return sameValue(decl, act);
}

/** The names of a path, without indexes: `statement.actions` for `statement[1].actions`. */
function dottedPath(path: readonly PathStep[]): string {
  if (path.length === 1) return String(path[0]);
  let s = '';
  for (const p of path) if (typeof p === 'string') s = s ? `${s}.${p}` : p;
  return s;
}

/**
 * The attributes in which a resource's state differs from its declaration; empty when in
 * sync. `lookup` resolves references to other resources of the same state.
 */
export function compareResource(declared: DeclaredResource, instance: StateInstance, schema: TargetSchema, lookup: StateLookup): AttrDiff[] {
  const key = schemaKey(declared);
  const nested = nestedFacts(schema, key);
  if (inSync(declared, instance, schema, lookup, key, nested)) return [];
  // Sensitive: what the state marks, what the target declares (dotted paths such as
  // `input.secrets`), and every leaf the model fills from a variable.
  const c = new Comparer(lookup, [...instance.sensitivePaths, ...declared.sensitive.map((p) => p.split('.'))], schema.sets?.(key), nested);
  for (const [name, v] of Object.entries(declared.attrs)) c.maskSecretsOf(name, v);
  for (const [name, v] of Object.entries(declared.attrs)) c.compare(v, instance.attributes[name], [name]);
  const computed = schema.computed(key);
  // A data source reads the cloud: what it answers beyond its arguments is never drift.
  if (computed && !key.startsWith('data.')) {
    for (const [name, v] of Object.entries(instance.attributes)) {
      if (name in declared.attrs || computed.has(name) || isUnsetLike(v) || nested.isDefault(name, v)) continue;
      c.extra(name, v);
    }
  }
  return c.diffs;
}

/** The schema a declared element is read by: `data.<type>` for a data source. */
function schemaKey(declared: DeclaredResource): string {
  return declared.address.startsWith('data.') ? `data.${declared.type}` : declared.type;
}

/** True when `compareResource` would find no difference (see `surelySame`). */
function inSync(declared: DeclaredResource, instance: StateInstance, schema: TargetSchema, lookup: StateLookup, key: string, nested: NestedFacts): boolean {
  const attrs = declared.attrs;
  const actual = instance.attributes;
  const sets = schema.sets?.(key);
  const path: PathStep[] = [];
  for (const name in attrs) {
    path[0] = name;
    path.length = 1;
    if (!surelySame(attrs[name], actual[name], lookup, sets, path, nested)) return false;
  }
  const computed = schema.computed(key);
  if (computed && !key.startsWith('data.')) for (const name in actual) if (!(name in attrs) && !computed.has(name) && !isUnsetLike(actual[name]) && !nested.isDefault(name, actual[name])) return false;
  return true;
}

/** What a type's schema says about values inside its nested blocks, and its defaults. */
interface NestedFacts {
  /** True when there is anything to ask (else nested members the model leaves unset are drift, as before). */
  readonly any: boolean;
  /** A value the model does not set at `path` (indexes ignored) that is not drift: computed, unset-like, or the default. */
  notDrift(path: readonly PathStep[], v: unknown): boolean;
  /** A top-level value equal to the provider's default for it. */
  isDefault(name: string, v: unknown): boolean;
}

const NO_NESTED: NestedFacts = { any: false, notDrift: () => false, isDefault: () => false };

function nestedFacts(schema: TargetSchema, key: string): NestedFacts {
  const computed = schema.nestedComputed?.(key);
  const defaults = schema.defaults?.(key);
  if (!computed?.size && !defaults?.size) return NO_NESTED;
  const dotted = dottedPath;
  const isDefault = (p: string, v: unknown) => defaults !== undefined && defaults.has(p) && sameValue(defaults.get(p), v);
  return {
    any: true,
    notDrift: (path, v) => {
      const p = dotted(path);
      return path.length > 1 && (!!computed?.has(p) || isUnsetLike(v) || isDefault(p, v));
    },
    isDefault,
  };
}

/** A value for people: JSON text, cut to `max` characters. */
export function showValue(s: Shown, max = 80): string {
  switch (s.kind) {
    case 'unset':
      return '(unset)';
    case 'sensitive':
      return '(sensitive)';
    case 'unknown':
      return `(${s.why})`;
    case 'value': {
      const t = JSON.stringify(s.value) ?? 'null';
      return t.length > max ? `${t.slice(0, max - 1)}…` : t;
    }
  }
}
