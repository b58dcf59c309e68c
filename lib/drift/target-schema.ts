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
   * sets are compared.
   */
  computed(type: string): ReadonlySet<string> | undefined;
  /** Top-level attributes of a type whose values are sets (their order means nothing). */
  sets?(type: string): ReadonlySet<string> | undefined;
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
  secgroup: 'Tenant',
  secrule: 'Tenant',
  gateway: 'Tenant',
  endpoint: 'Service',
  tenancy: 'Tenant',
  addition: 'Addition',
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
  return k === undefined ? undefined : (MODEL_KIND_OF_LAYOUT as Record<string, string>)[k] ?? k;
}

/** Terraform's built-in resources, and the model keys every target writes. */
const BUILTIN_SCHEMA: TargetSchema = {
  computed: (type) => BUILTIN_COMPUTED[type],
  modelKey: metadataModelKey,
  modelKind: metadataModelKind,
};

/** The schema of the local target: every resource is terraform_data. */
export const LOCAL_SCHEMA: TargetSchema = BUILTIN_SCHEMA;

/** Schemas a target gets without registering one: its vendored provider schema, when it has one. */
function vendoredSchema(target: TargetName): TargetSchema | undefined {
  if (target !== 'openstack') return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { OPENSTACK_SCHEMA } = require('../synth/openstack/provider-schema') as { OPENSTACK_SCHEMA: unknown };
    return combineSchemas(BUILTIN_SCHEMA, schemaFromProviderSchema(OPENSTACK_SCHEMA));
  } catch {
    return undefined;
  }
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
    modelKey: (i) => first((s) => s.modelKey?.(i)),
    modelKind: (i) => first((s) => s.modelKind?.(i)),
  };
}

function isSetType(t: unknown): boolean {
  return Array.isArray(t) && t[0] === 'set';
}

/**
 * Read a provider schema: the whole output of `terraform providers schema -json` (format
 * 1.x, every provider), or one provider's part of it (`resource_schemas`,
 * `data_source_schemas`). For every resource and data source type: the attributes the
 * provider computes (`computed: true`, with or without `optional`), and the set-valued
 * attributes and blocks.
 */
export function schemaFromProviderSchema(doc: unknown): TargetSchema {
  const computed = new Map<string, Set<string>>();
  const sets = new Map<string, Set<string>>();
  const providers = isObject(doc) && isObject(doc.provider_schemas) ? Object.values(doc.provider_schemas) : [doc];
  for (const p of providers) {
    if (!isObject(p)) continue;
    // Data sources first: a resource type of the same name answers for it.
    for (const group of [p.data_source_schemas, p.resource_schemas]) {
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
        computed.set(type, c);
        sets.set(type, st);
      }
    }
  }
  return { computed: (type) => computed.get(type), sets: (type) => sets.get(type) };
}
