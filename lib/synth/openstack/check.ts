/**
 * The OpenStack schema checker: every `openstack_*` resource, data source and provider block
 * of a synthesized stack is validated against the vendored provider schema (required
 * arguments present, no unknown or computed-only argument, types right). The JSON Schemas it
 * runs through ajv are generated from the provider schema, one per type. Synthesis checks
 * every element against them by a fast walk beside the provider schema; ajv compiles a type's
 * schema only when an element fails, to say exactly what is wrong.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { OPENSTACK_SCHEMA, type TfAttribute, type TfBlock, type TfNestedBlock, type TfType } from './provider-schema';

export interface SchemaProblem {
  /** `openstack_compute_instance_v2.sliver_x`, `data.openstack_...`, or `provider.openstack[0]`. */
  readonly address: string;
  /** Where in the element: `network/0/port`, or '' for the element itself. */
  readonly path: string;
  readonly message: string;
}

/** A whole-value Terraform expression: stands for a value of any type. */
const EXPRESSION = '^\\$\\{[\\s\\S]*\\}$';

/** Arguments every resource or data source may carry besides the provider's own. */
const META: Record<string, object> = {
  '//': { type: 'object' },
  provider: { type: 'string' },
  depends_on: { type: 'array', items: { type: 'string' } },
  count: { type: ['number', 'string'] },
  for_each: {},
  lifecycle: { type: 'object' },
  connection: { type: 'object' },
  provisioner: { type: 'array' },
};

function describe(t: TfType): string {
  return typeof t === 'string' ? t : t[0] === 'object' ? 'object' : `${t[0]}(${describe(t[1] as TfType)})`;
}

/** A JSON Schema for a value of Terraform type `t`, where a `${...}` expression stands for any. */
export function typeSchema(t: TfType): Record<string, unknown> {
  const expr = (base: Record<string, unknown>, jsonType: string) => ({
    'x-tf': describe(t),
    type: [jsonType, 'string'],
    if: { type: 'string' },
    then: { 'x-tf': describe(t), pattern: EXPRESSION },
    else: base,
  });
  if (t === 'string') return { 'x-tf': 'string', type: 'string' };
  if (t === 'number') return expr({}, 'number');
  if (t === 'bool') return expr({}, 'boolean');
  if (Array.isArray(t) && (t[0] === 'list' || t[0] === 'set')) return expr({ items: typeSchema(t[1] as TfType) }, 'array');
  if (Array.isArray(t) && t[0] === 'map') return expr({ additionalProperties: typeSchema(t[1] as TfType) }, 'object');
  if (Array.isArray(t) && t[0] === 'object') {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t[1] as Record<string, TfType>)) props[k] = typeSchema(v);
    return expr({ properties: props, additionalProperties: false }, 'object');
  }
  return {};
}

function settable(a: TfAttribute): boolean {
  return !!(a.required || a.optional);
}

/** A JSON Schema for a block: its settable attributes and nested blocks. */
export function blockSchema(b: TfBlock, meta: Record<string, object> = {}): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...meta };
  const required: string[] = [];
  for (const [name, a] of Object.entries(b.attributes ?? {})) {
    if (!settable(a)) continue;
    properties[name] = typeSchema(a.type);
    if (a.required) required.push(name);
  }
  for (const [name, nb] of Object.entries(b.block_types ?? {})) {
    properties[name] = nestedSchema(nb);
    if ((nb.min_items ?? 0) > 0) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function nestedSchema(nb: TfNestedBlock): Record<string, unknown> {
  const inner = blockSchema(nb.block);
  if (nb.nesting_mode === 'single' || nb.nesting_mode === 'group') return inner;
  if (nb.nesting_mode === 'map') return { type: 'object', additionalProperties: inner };
  return {
    'x-tf': `${nb.nesting_mode} of blocks`,
    type: 'array',
    items: inner,
    ...(nb.min_items ? { minItems: nb.min_items } : {}),
    ...(nb.max_items ? { maxItems: nb.max_items } : {}),
  };
}

const PROVIDER_META: Record<string, object> = { alias: { type: 'string' } };

/** The ajv validator of each schema, compiled on first use (only to explain a failure). */
const compiledValidators = new Map<string, ValidateFunction>();
let ajv: import('ajv').default | undefined;

function ajvValidator(mode: 'resource' | 'data' | 'provider', type: string): ValidateFunction {
  const key = `${mode} ${type}`;
  let v = compiledValidators.get(key);
  if (!v) {
    if (!ajv) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const Ajv = (require('ajv') as typeof import('ajv')).default;
      ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
      ajv.addVocabulary(['x-tf']);
    }
    v = ajv.compile(mode === 'provider' ? blockSchema(OPENSTACK_SCHEMA.provider.block, PROVIDER_META) : blockSchema(schemaOf(mode, type)!.block, META));
    compiledValidators.set(key, v);
  }
  return v;
}

function schemaOf(mode: 'resource' | 'data', type: string): { readonly block: TfBlock } | undefined {
  const all = mode === 'data' ? OPENSTACK_SCHEMA.data_source_schemas : OPENSTACK_SCHEMA.resource_schemas;
  return Object.prototype.hasOwnProperty.call(all, type) ? all[type] : undefined;
}

// ---------------------------------------------------------------------------------------------
// The fast path: the same JSON Schemas (typeSchema, blockSchema), decided by walking the value
// beside the provider schema, with no compilation. Only an element that fails it goes through
// ajv, for the messages. A test checks that both agree on random valid and broken elements.

const EXPRESSION_RE = new RegExp(EXPRESSION, 'u'); // as ajv compiles `pattern`

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

type Fits = (v: unknown) => boolean;

const anything: Fits = () => true;
const isString: Fits = (v) => typeof v === 'string';
const isExpression: Fits = (v) => typeof v === 'string' && EXPRESSION_RE.test(v);

/** A check of `typeSchema(t)`: a value of the type, or (for a type not a string) a `${...}` expression. */
function typeFits(t: TfType): Fits {
  if (t === 'string') return isString;
  const kind = Array.isArray(t) ? t[0] : t;
  const inner = Array.isArray(t) ? (t as readonly [string, unknown])[1] : undefined;
  let base: Fits;
  if (kind === 'number') base = isNumber;
  else if (kind === 'bool') base = (v) => typeof v === 'boolean';
  else if (kind === 'list' || kind === 'set') {
    const item = typeFits(inner as TfType);
    base = (v) => Array.isArray(v) && v.every(item);
  } else if (kind === 'map') {
    const item = typeFits(inner as TfType);
    base = (v) => {
      if (!isObject(v)) return false;
      for (const k in v) if (!item(v[k])) return false;
      return true;
    };
  } else if (kind === 'object') {
    const props = new Map(Object.entries(inner as Readonly<Record<string, TfType>>).map(([k, x]) => [k, typeFits(x)] as const));
    base = (v) => {
      if (!isObject(v)) return false;
      for (const k in v) {
        const f = props.get(k);
        if (!f || (v[k] !== undefined && !f(v[k]))) return false;
      }
      return true;
    };
  } else return anything;
  return (v) => (typeof v === 'string' ? isExpression(v) : base(v));
}

/** Meta-arguments as `META` describes them. */
const META_FITS: Readonly<Record<string, Fits>> = {
  '//': isObject,
  provider: isString,
  depends_on: (v) => Array.isArray(v) && v.every(isString),
  count: (v) => isNumber(v) || typeof v === 'string',
  for_each: anything,
  lifecycle: isObject,
  connection: isObject,
  provisioner: Array.isArray,
};
const PROVIDER_META_FITS: Readonly<Record<string, Fits>> = { alias: isString };
const NO_META: Readonly<Record<string, Fits>> = {};

/** Checks of blocks, built once per block and meta-arguments. */
const blockChecks = new WeakMap<TfBlock, Map<Readonly<Record<string, Fits>>, Fits>>();

/**
 * A check of `blockSchema(b, meta)`: every key known (a nested block before an attribute
 * before a meta-argument, as the schema's properties override each other), its value of
 * the right type, and the required ones present.
 */
function blockFits(b: TfBlock, meta: Readonly<Record<string, Fits>>): Fits {
  let byMeta = blockChecks.get(b);
  if (!byMeta) blockChecks.set(b, (byMeta = new Map()));
  const known = byMeta.get(meta);
  if (known) return known;
  const fields = new Map<string, Fits>(Object.entries(meta));
  const required: string[] = [];
  for (const [name, a] of Object.entries(b.attributes ?? {})) {
    if (!settable(a)) continue;
    fields.set(name, typeFits(a.type));
    if (a.required) required.push(name);
  }
  for (const [name, nb] of Object.entries(b.block_types ?? {})) {
    fields.set(name, nestedFits(nb));
    if ((nb.min_items ?? 0) > 0) required.push(name);
  }
  const check: Fits = (v) => {
    if (!isObject(v)) return false;
    for (const k in v) {
      const f = fields.get(k);
      if (!f) return false;
      const x = v[k];
      if (x !== undefined && !f(x)) return false;
    }
    for (const r of required) if (v[r] === undefined) return false;
    return true;
  };
  byMeta.set(meta, check);
  return check;
}

function nestedFits(nb: TfNestedBlock): Fits {
  const inner = blockFits(nb.block, NO_META);
  if (nb.nesting_mode === 'single' || nb.nesting_mode === 'group') return inner;
  if (nb.nesting_mode === 'map')
    return (v) => {
      if (!isObject(v)) return false;
      for (const k in v) if (!inner(v[k])) return false;
      return true;
    };
  const min = nb.min_items;
  const max = nb.max_items;
  return (v) => Array.isArray(v) && !(min && v.length < min) && !(max && v.length > max) && v.every(inner);
}

/** Whether an element passes its type's JSON Schema, decided fast (`ajv: true`: by ajv, for tests). */
export function elementFits(mode: 'resource' | 'data' | 'provider', type: string, body: unknown, options: { ajv?: boolean } = {}): boolean {
  if (options.ajv) return ajvValidator(mode, type)(body) as boolean;
  if (mode === 'provider') return blockFits(OPENSTACK_SCHEMA.provider.block, PROVIDER_META_FITS)(body);
  const s = schemaOf(mode, type);
  if (!s) throw new Error(`the vendored OpenStack schema has no ${mode} type '${type}'`);
  return blockFits(s.block, META_FITS)(body);
}

/** Find the provider-schema attribute at an ajv instance path, to say whether it is computed. */
function attributeAt(block: TfBlock, parts: string[]): TfAttribute | undefined {
  let b: TfBlock | undefined = block;
  for (let i = 0; i < parts.length && b; i++) {
    const p = parts[i];
    if (i === parts.length - 1) return b.attributes?.[p];
    const nb: TfNestedBlock | undefined = b.block_types?.[p];
    if (!nb) return undefined;
    b = nb.block;
    if (nb.nesting_mode === 'list' || nb.nesting_mode === 'set') i++;
  }
  return undefined;
}

function messageOf(e: ErrorObject, block: TfBlock, value: unknown): string | undefined {
  const where = e.instancePath.replace(/^\//, '');
  switch (e.keyword) {
    case 'required':
      return `missing required argument '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const parts = [...(where ? where.split('/') : []), extra];
      const a = attributeAt(block, parts);
      if (a && a.computed && !settable(a)) return `'${extra}' is computed by the provider and cannot be set`;
      return `unknown argument '${extra}'`;
    }
    case 'type':
    case 'pattern': {
      const tf = (e.parentSchema as { 'x-tf'?: string } | undefined)?.['x-tf'];
      if (e.keyword === 'pattern' && !e.schemaPath.includes('/then/')) return `does not match ${e.schema}`;
      return `must be a ${tf ?? (e.params as { type?: string }).type} (or a \${...} expression), got ${JSON.stringify(value)}`;
    }
    case 'if':
      return undefined; // reported by the branch that failed
    case 'minItems':
    case 'maxItems':
      return `${e.message} (got ${Array.isArray(value) ? value.length : 0})`;
    default:
      return e.message ?? e.keyword;
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const p of pointer.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}

function run(validate: ValidateFunction, block: TfBlock, address: string, value: unknown): SchemaProblem[] {
  if (validate(value)) return [];
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const msg = messageOf(e, block, valueAt(value, e.instancePath));
    if (!msg) continue;
    const path = e.instancePath.replace(/^\//, '');
    const key = `${path}\u0000${msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ address, path, message: msg });
  }
  return out;
}

/**
 * Check every OpenStack element of one synthesized stack (the parsed `cdk.tf.json`).
 * Returns the problems found; an empty list means the stack is valid against the schema.
 */
export function checkOpenstackStack(tf: Record<string, any>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const mode of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries((tf[mode] ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!type.startsWith('openstack_')) continue;
      const schema = schemaOf(mode, type);
      for (const [name, body] of Object.entries(byName)) {
        const address = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
        if (!schema) {
          problems.push({ address, path: '', message: `the vendored OpenStack schema has no ${mode === 'data' ? 'data source' : 'resource'} type '${type}'` });
          continue;
        }
        if (!blockFits(schema.block, META_FITS)(body)) problems.push(...run(ajvValidator(mode, type), schema.block, address, body));
      }
    }
  }
  const providers = (tf.provider?.openstack ?? []) as unknown[];
  providers.forEach((p, i) => {
    if (!blockFits(OPENSTACK_SCHEMA.provider.block, PROVIDER_META_FITS)(p)) problems.push(...run(ajvValidator('provider', ''), OPENSTACK_SCHEMA.provider.block, `provider.openstack[${i}]`, p));
  });
  return problems;
}

/** One line per problem, for messages. */
export function formatProblems(stack: string, problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `${stack}: ${p.address}${p.path ? ` ${p.path}` : ''}: ${p.message}`).join('\n');
}
