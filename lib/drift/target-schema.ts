/**
 * What a target knows about the resources it writes, for the differ: which attributes the
 * provider computes (never drift when the model leaves them unset), which are sets (compared
 * without order), and how a resource in state names the model object it came from.
 *
 * Each target registers its own (`registerTargetSchema`); the facts come from the provider
 * schema (`terraform providers schema -json`, read by `schemaFromProviderSchema`). The local
 * target's only resource is Terraform's built-in `terraform_data`, whose schema is fixed.
 */
import type { TargetName } from '../synth/declared';
import type { LayoutKind } from '../synth/layout';
import type { StateInstance } from '../state/types';

export interface TargetSchema {
  /**
   * Attributes of a resource type that the provider computes: computed-only, or optional
   * and computed. `undefined` when the type is unknown: then only the attributes the model
   * sets are compared. Data sources are asked for as `data.<type>` (a data source and a
   * resource of one name have different schemas).
   */
  computed(type: string): ReadonlySet<string> | undefined;
  /** Attributes and blocks of a type whose values are sets (their order means nothing): top-level names, and dotted paths inside nested blocks. */
  sets?(type: string): ReadonlySet<string> | undefined;
  /**
   * Attributes inside nested blocks (and nested attributes) that the provider computes, as
   * dotted paths of names without indexes (`network.fixed_ip_v4`).
   */
  nestedComputed?(type: string): ReadonlySet<string> | undefined;
  /**
   * The values a provider gives arguments the configuration leaves unset (its `Default`s),
   * by dotted path: in state they are not drift.
   */
  defaults?(type: string): ReadonlyMap<string, unknown> | undefined;
  /** The model key a resource in state records about itself, when the target writes one. */
  modelKey?(instance: StateInstance): string | undefined;
  /** The kind of model object (`Sliver`, `Network` ...) a resource in state records about itself. */
  modelKind?(instance: StateInstance): string | undefined;
}

/** Terraform's built-in resources: `terraform_data` computes `id` and `output`. */
const BUILTIN_COMPUTED: Readonly<Record<string, ReadonlySet<string>>> = {
  terraform_data: new Set(['id', 'output']),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model kind each layout resource kind comes from. */
export const MODEL_KIND_OF_LAYOUT: Readonly<Record<LayoutKind, string>> = {
  controller: 'Controller',
  deployment: 'Deployment',
  site: 'Site',
  user: 'User',
  grant: 'Privilege',
  node: 'Node',
  image: 'Image',
  flavor: 'Flavor',
  template: 'NetworkTemplate',
  service: 'Service',
  slice: 'Slice',
  network: 'Network',
  sliver: 'Sliver',
  port: 'Sliver',
  secgroup: 'Network',
  secrule: 'Network',
  gateway: 'Network',
  endpoint: 'Service',
  address: 'Service',
  tenancy: 'Tenant',
  addition: 'Addition',
  store: 'Service',
  instance: 'Instance',
  'instance-addition': 'Instance',
};

/**
 * The model key a resource in state carries, by the conventions the targets write:
 * `input.xos_key` (terraform_data), a `tags` map with `xos:key` (aws), a `tags` list with
 * `xos:<key>` (openstack), `metadata.xos_sliver` (openstack instances).
 */
export function metadataModelKey(i: StateInstance): string | undefined {
  const a = i.attributes;
  if (isObject(a.input) && typeof a.input.xos_key === 'string') return a.input.xos_key;
  for (const t of [a.tags, a.tags_all]) if (isObject(t) && typeof t['xos:key'] === 'string') return t['xos:key'] as string;
  if (Array.isArray(a.tags)) for (const t of a.tags) if (typeof t === 'string' && t.startsWith('xos:')) return t.slice(4);
  if (isObject(a.metadata) && typeof a.metadata.xos_sliver === 'string') return a.metadata.xos_sliver;
  return undefined;
}

/** The model kind a resource in state carries (`input.xos_kind`, or an aws `xos:kind` tag). */
export function metadataModelKind(i: StateInstance): string | undefined {
  const a = i.attributes;
  const k = isObject(a.input) && typeof a.input.xos_kind === 'string' ? a.input.xos_kind : isObject(a.tags) && typeof a.tags['xos:kind'] === 'string' ? (a.tags['xos:kind'] as string) : undefined;
  if (k === undefined) return undefined;
  // A network plan's pieces belong to a Network, a Service or a tenancy: their input says which.
  if (isObject(a.input) && (k === 'secgroup' || k === 'secrule' || k === 'gateway')) {
    const purpose = a.input.role ?? a.input.purpose;
    if (purpose === 'members' || purpose === 'internet') return 'Network';
    if (purpose === 'tenant' || purpose === 'provider' || purpose === 'endpoint') return 'Service';
    if (purpose === 'tenancy' || purpose === 'interconnect') return 'Tenant';
  }
  return (MODEL_KIND_OF_LAYOUT as Record<string, string>)[k] ?? k;
}

/** Terraform's built-in resources, and the model keys every target writes. */
const BUILTIN_SCHEMA: TargetSchema = {
  computed: (type) => BUILTIN_COMPUTED[type],
  modelKey: metadataModelKey,
  modelKind: metadataModelKind,
};

/** The schema of the local target: every resource is terraform_data. */
export const LOCAL_SCHEMA: TargetSchema = BUILTIN_SCHEMA;

/**
 * Schemas a target gets without registering one: its vendored provider schemas, when it has
 * them. OpenStack: the 1.53 and 3.x schemas together (a stack may be applied with either; an
 * attribute computed by either is computed).
 */
function vendoredSchema(target: TargetName): TargetSchema | undefined {
  try {
    if (target === 'openstack') {
      /* eslint-disable @typescript-eslint/no-var-requires */
      const v1 = require('../synth/openstack/schema.json') as unknown;
      const extras = require('../synth/openstack/schema-extras.json') as unknown;
      const v3 = require('../synth/openstack/schema-3.json') as unknown;
      /* eslint-enable @typescript-eslint/no-var-requires */
      return combineSchemas(BUILTIN_SCHEMA, unionSchemas(schemaFromProviderSchema(v3), schemaFromProviderSchema({ ...(v1 as object), ...(extras as object) })));
    }
    if (target === 'aws') {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return combineSchemas(BUILTIN_SCHEMA, schemaFromProviderSchema(require('../synth/aws/schema.json') as unknown));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Two schemas of one provider as one: what either computes is computed; either's defaults count. */
function unionSchemas(a: TargetSchema, b: TargetSchema): TargetSchema {
  const union = <T>(x: ReadonlySet<T> | undefined, y: ReadonlySet<T> | undefined): ReadonlySet<T> | undefined => (x && y ? new Set([...x, ...y]) : x ?? y);
  const cache = new Map<string, TargetSchema>();
  const of = (type: string): TargetSchema => {
    let s = cache.get(type);
    if (!s) {
      const computed = union(a.computed(type), b.computed(type));
      const sets = union(a.sets?.(type), b.sets?.(type));
      const nested = union(a.nestedComputed?.(type), b.nestedComputed?.(type));
      const da = a.defaults?.(type);
      const db = b.defaults?.(type);
      const defaults = da && db ? new Map([...db, ...da]) : da ?? db;
      s = { computed: () => computed, sets: () => sets, nestedComputed: () => nested, defaults: () => defaults };
      cache.set(type, s);
    }
    return s;
  };
  return {
    computed: (t) => of(t).computed(t),
    sets: (t) => of(t).sets!(t),
    nestedComputed: (t) => of(t).nestedComputed!(t),
    defaults: (t) => of(t).defaults!(t),
  };
}

const schemas: Partial<Record<TargetName, TargetSchema>> = { local: LOCAL_SCHEMA };

/** Register what a target knows about its resources (each target module calls this). */
export function registerTargetSchema(target: TargetName, schema: TargetSchema): void {
  schemas[target] = schema;
}

/**
 * The schema of a target: the one it registered, else its vendored provider schema, else
 * Terraform's built-in resources only (for its other types only the attributes the model
 * sets are compared).
 */
export function targetSchema(target: TargetName): TargetSchema {
  const s = schemas[target] ?? vendoredSchema(target) ?? BUILTIN_SCHEMA;
  schemas[target] = s;
  return s;
}

/** Combine schemas: the first that knows a type answers for it. */
export function combineSchemas(...parts: readonly TargetSchema[]): TargetSchema {
  const first = <T>(f: (s: TargetSchema) => T | undefined): T | undefined => {
    for (const p of parts) {
      const v = f(p);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  return {
    computed: (type) => first((s) => s.computed(type)),
    sets: (type) => first((s) => s.sets?.(type)),
    nestedComputed: (type) => first((s) => s.nestedComputed?.(type)),
    defaults: (type) => first((s) => s.defaults?.(type)),
    modelKey: (i) => first((s) => s.modelKey?.(i)),
    modelKind: (i) => first((s) => s.modelKind?.(i)),
  };
}

function isSetType(t: unknown): boolean {
  return Array.isArray(t) && t[0] === 'set';
}

/** Set-valued attributes and blocks inside nested blocks, as dotted paths. */
function nestedSetPaths(block: Record<string, unknown>, prefix: string, out: Set<string>): void {
  for (const [name, b] of Object.entries(isObject(block.block_types) ? block.block_types : {})) {
    if (!isObject(b) || !isObject(b.block)) continue;
    const inner = `${prefix}${name}.`;
    for (const [an, a] of Object.entries(isObject(b.block.attributes) ? b.block.attributes : {}))
      if (isObject(a) && (isSetType(a.type) || (isObject(a.nested_type) && a.nested_type.nesting_mode === 'set'))) out.add(`${inner}${an}`);
    for (const [bn, bb] of Object.entries(isObject(b.block.block_types) ? b.block.block_types : {})) if (isObject(bb) && bb.nesting_mode === 'set') out.add(`${inner}${bn}`);
    nestedSetPaths(b.block, inner, out);
  }
}

/** Computed attributes inside nested blocks and nested attributes, as dotted paths. */
function nestedComputedPaths(block: Record<string, unknown>, prefix: string, out: Set<string>): void {
  for (const [name, a] of Object.entries(isObject(block.attributes) ? block.attributes : {})) {
    if (!isObject(a)) continue;
    if (prefix && a.computed === true) out.add(`${prefix}${name}`);
    if (isObject(a.nested_type)) nestedComputedPaths(a.nested_type, `${prefix}${name}.`, out);
  }
  for (const [name, b] of Object.entries(isObject(block.block_types) ? block.block_types : {}))
    if (isObject(b) && isObject(b.block)) nestedComputedPaths(b.block, `${prefix}${name}.`, out);
}

/**
 * Read a provider schema: the whole output of `terraform providers schema -json` (format
 * 1.x, every provider), or one provider's part of it (`resource_schemas`,
 * `data_source_schemas`). For every resource and data source type (data sources as
 * `data.<type>`): the attributes the provider computes (`computed: true`, with or without
 * `optional`), at the top and inside nested blocks, and the set-valued attributes and
 * blocks; and, where the file records them (`defaults`, which the schemas this project
 * derives from provider sources carry), the provider's default values.
 */
export function schemaFromProviderSchema(doc: unknown): TargetSchema {
  const computed = new Map<string, Set<string>>();
  const sets = new Map<string, Set<string>>();
  const nested = new Map<string, Set<string>>();
  const defaults = new Map<string, Map<string, unknown>>();
  const providers = isObject(doc) && isObject(doc.provider_schemas) ? Object.values(doc.provider_schemas) : [doc];
  for (const p of providers) {
    if (!isObject(p)) continue;
    for (const [group, prefix] of [[p.data_source_schemas, 'data.'], [p.resource_schemas, '']] as const) {
      if (!isObject(group)) continue;
      for (const [type, s] of Object.entries(group)) {
        const block = isObject(s) && isObject(s.block) ? s.block : {};
        const c = new Set<string>();
        const st = new Set<string>();
        for (const [name, a] of Object.entries(isObject(block.attributes) ? block.attributes : {})) {
          if (!isObject(a)) continue;
          if (a.computed === true) c.add(name);
          if (isSetType(a.type) || (isObject(a.nested_type) && a.nested_type.nesting_mode === 'set')) st.add(name);
        }
        for (const [name, b] of Object.entries(isObject(block.block_types) ? block.block_types : {})) {
          if (isObject(b) && b.nesting_mode === 'set') st.add(name);
        }
        nestedSetPaths(block, '', st);
        const n = new Set<string>();
        nestedComputedPaths(block, '', n);
        computed.set(prefix + type, c);
        sets.set(prefix + type, st);
        nested.set(prefix + type, n);
      }
    }
    if (isObject(p.defaults))
      for (const [type, d] of Object.entries(p.defaults)) if (isObject(d)) defaults.set(type, new Map(Object.entries(d)));
  }
  return { computed: (type) => computed.get(type), sets: (type) => sets.get(type), nestedComputed: (type) => nested.get(type), defaults: (type) => defaults.get(type) };
}
