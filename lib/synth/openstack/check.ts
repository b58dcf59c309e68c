/**
 * The OpenStack schema checker: every `openstack_*` resource, data source and provider block
 * of a synthesized stack is validated against the vendored provider schema (required
 * arguments present, no unknown or computed-only argument, types right). The JSON Schemas it
 * runs through ajv are generated from the provider schema, one per type, and compiled once.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
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

let validators: { resource: Map<string, ValidateFunction>; data: Map<string, ValidateFunction>; provider: ValidateFunction } | undefined;

function compiled(): NonNullable<typeof validators> {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addVocabulary(['x-tf']);
  const resource = new Map<string, ValidateFunction>();
  const data = new Map<string, ValidateFunction>();
  for (const [type, s] of Object.entries(OPENSTACK_SCHEMA.resource_schemas)) resource.set(type, ajv.compile(blockSchema(s.block, META)));
  for (const [type, s] of Object.entries(OPENSTACK_SCHEMA.data_source_schemas)) data.set(type, ajv.compile(blockSchema(s.block, META)));
  const provider = ajv.compile(blockSchema(OPENSTACK_SCHEMA.provider.block, { alias: { type: 'string' } }));
  validators = { resource, data, provider };
  return validators;
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
  const v = compiled();
  const problems: SchemaProblem[] = [];
  for (const [mode, table, schemas] of [
    ['resource', v.resource, OPENSTACK_SCHEMA.resource_schemas],
    ['data', v.data, OPENSTACK_SCHEMA.data_source_schemas],
  ] as const) {
    for (const [type, byName] of Object.entries((tf[mode] ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!type.startsWith('openstack_')) continue;
      for (const [name, body] of Object.entries(byName)) {
        const address = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
        const validate = table.get(type);
        if (!validate) {
          problems.push({ address, path: '', message: `the vendored OpenStack schema has no ${mode === 'data' ? 'data source' : 'resource'} type '${type}'` });
          continue;
        }
        problems.push(...run(validate, schemas[type].block, address, body));
      }
    }
  }
  const providers = (tf.provider?.openstack ?? []) as unknown[];
  providers.forEach((p, i) => problems.push(...run(v.provider, OPENSTACK_SCHEMA.provider.block, `provider.openstack[${i}]`, p)));
  return problems;
}

/** One line per problem, for messages. */
export function formatProblems(stack: string, problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `${stack}: ${p.address}${p.path ? ` ${p.path}` : ''}: ${p.message}`).join('\n');
}
