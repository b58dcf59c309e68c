/**
 * The raw state file, format version 4: what every Terraform from 0.12 on writes to its
 * backend (`terraform.tfstate`, `terraform state pull`). Read: modules (with `count` and
 * `for_each` keys), instance keys, tainted and deposed objects, `sensitive_attributes`,
 * resource identity (Terraform 1.12+), and both the current `provider["source"]` and the
 * legacy `provider.NAME` references of Terraform 0.12.
 */
import { quoteValue } from '../util/json-error';
import { usageError } from '../errors';
import { instanceAddress, parseStateProvider, resourceAddress } from './address';
import type { AttrPath, PathStep, ProviderRef, ReadOptions, StateInstance, StateOutput, StateSnapshot } from './types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Shared by the instances that depend on nothing (never changed). */
const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

/** Dynamic-typed attributes of Terraform's built-in resources. */
const BUILTIN_DYNAMIC: Readonly<Record<string, readonly string[]>> = {
  terraform_data: ['input', 'output', 'triggers_replace'],
};

/** The attributes of a type whose raw values are wrapped as `{ value, type }`. */
export function dynamicAttributesOf(type: string, provider: ProviderRef, options: ReadOptions = {}): readonly string[] {
  const own = options.dynamicAttributes?.(type, provider);
  if (own) return own;
  if (provider.source === 'terraform.io/builtin/terraform' || provider.name === 'terraform') return BUILTIN_DYNAMIC[type] ?? [];
  return [];
}

/** A dynamic value as a raw state stores it: `{ "value": v, "type": <type constraint> }`. */
function unwrapDynamic(v: unknown): unknown {
  if (isObject(v) && 'value' in v && 'type' in v && Object.keys(v).length === 2) return v.value;
  return v;
}

/** One step of `sensitive_attributes`: `{type: get_attr, value: name}` or `{type: index, value: {value, type}}`. */
function pathStep(step: unknown): PathStep | undefined {
  if (!isObject(step)) return undefined;
  if (step.type === 'get_attr' && typeof step.value === 'string') return step.value;
  if (step.type === 'index') {
    const v = isObject(step.value) ? step.value.value : step.value;
    if (typeof v === 'number' || typeof v === 'string') return v;
  }
  return undefined;
}

/**
 * Paths marked sensitive. A step that cannot be read ends its path there, so the whole value
 * above it counts as sensitive: a reader that errs hides more, never less.
 */
export function readSensitivePaths(raw: unknown): AttrPath[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  const out: AttrPath[] = [];
  for (const p of raw) {
    if (!Array.isArray(p)) continue;
    const path: PathStep[] = [];
    for (const s of p) {
      const step = pathStep(s);
      if (step === undefined) break;
      path.push(step);
    }
    if (path.length) out.push(path);
  }
  return out;
}

function readOutputs(raw: unknown): Record<string, StateOutput> {
  const out: Record<string, StateOutput> = {};
  if (!isObject(raw)) return out;
  for (const [name, o] of Object.entries(raw)) {
    if (!isObject(o)) continue;
    const sensitive = o.sensitive === true;
    out[name] = sensitive ? { sensitive } : { sensitive, value: o.value };
  }
  return out;
}

/** Read a parsed raw state of format version 4. */
export function readStateV4(doc: Json, source: string, options: ReadOptions = {}): StateSnapshot {
  const resources = doc.resources ?? [];
  if (!Array.isArray(resources)) throw usageError(`${source}: 'resources' is not a list (got ${typeof resources}): the state is damaged.`);
  const reader = new StateV4Resources(source, options);
  resources.forEach((r: unknown, i: number) => reader.add(r, i));
  return reader.snapshot(doc);
}

/**
 * The resources of a raw state, read one at a time (`add` in the order of the file), and the
 * snapshot they make with the rest of the document: a large state's resources need not all
 * be parsed at once (see read.ts).
 */
export class StateV4Resources {
  private readonly instances: StateInstance[] = [];
  private readonly emptyResources: string[] = [];
  // A state names a few providers many times: each is read once (the reference is immutable).
  private readonly providers = new Map<string, ProviderRef>();

  constructor(
    private readonly source: string,
    private readonly options: ReadOptions = {},
  ) {}

  /** Read `resources[i]`. */
  public add(r: unknown, i: number): void {
    const { source, options, instances, emptyResources, providers } = this;
    const where = `${source}: resource #${i + 1}`;
    if (!isObject(r)) throw usageError(`${where} is not an object: the state is damaged.`);
    const mode = r.mode;
    if (mode !== 'managed' && mode !== 'data') throw usageError(`${where} has mode ${quoteValue(mode)} (expected "managed" or "data"): the state is damaged.`);
    if (typeof r.type !== 'string' || typeof r.name !== 'string') throw usageError(`${where} has no type or name: the state is damaged.`);
    const module = typeof r.module === 'string' ? r.module : '';
    const addr = resourceAddress(module, mode, r.type, r.name);
    if (!Array.isArray(r.instances)) throw usageError(`${where} (${addr}) has no 'instances' list: the state is damaged.`);
    const providerText = typeof r.provider === 'string' ? r.provider : '';
    let provider = providers.get(providerText);
    if (!provider) {
      provider = parseStateProvider(providerText);
      providers.set(providerText, provider);
    }
    const dynamic = dynamicAttributesOf(r.type, provider, options);
    if (r.instances.length === 0) emptyResources.push(addr);
    for (const inst of r.instances as unknown[]) {
      if (!isObject(inst)) throw usageError(`${where} (${addr}) has an instance that is not an object: the state is damaged.`);
      const key = typeof inst.index_key === 'number' || typeof inst.index_key === 'string' ? inst.index_key : undefined;
      const rawAttrs = isObject(inst.attributes) ? inst.attributes : isObject(inst.attributes_flat) ? inst.attributes_flat : undefined;
      if (!rawAttrs) throw usageError(`${where} (${instanceAddress(module, mode, r.type, r.name, key)}) has no attributes: the state is damaged.`);
      let attributes: Json = rawAttrs;
      if (dynamic.length) {
        attributes = { ...rawAttrs };
        for (const d of dynamic) if (d in attributes) attributes[d] = unwrapDynamic(attributes[d]);
      }
      // Built field by field: optional fields only when present (no spread per instance).
      const instance: { -readonly [K in keyof StateInstance]: StateInstance[K] } = {
        address: key === undefined ? addr : instanceAddress(module, mode, r.type, r.name, key),
        resourceAddress: addr,
        module,
        mode,
        type: r.type,
        name: r.name,
        provider,
        status: inst.status === 'tainted' ? 'tainted' : 'ok',
        attributes,
        sensitivePaths: readSensitivePaths(inst.sensitive_attributes),
        dependencies: Array.isArray(inst.dependencies) && inst.dependencies.length ? inst.dependencies.filter((d): d is string => typeof d === 'string') : NO_DEPENDENCIES,
      };
      if (key !== undefined) instance.indexKey = key;
      if (typeof inst.deposed === 'string' && inst.deposed) instance.deposed = inst.deposed;
      if (typeof inst.schema_version === 'number') instance.schemaVersion = inst.schema_version;
      if (isObject(inst.identity)) instance.identity = inst.identity;
      if (typeof inst.identity_schema_version === 'number') instance.identitySchemaVersion = inst.identity_schema_version;
      instances.push(instance);
    }
  }

  /** The snapshot of the resources read, with the rest of the document (its `resources` are not read again). */
  public snapshot(doc: Json): StateSnapshot {
    const { source, instances, emptyResources } = this;
    return {
      source,
      format: 'state-v4',
      formatVersion: '4',
      ...(typeof doc.terraform_version === 'string' ? { terraformVersion: doc.terraform_version } : {}),
      ...(typeof doc.serial === 'number' ? { serial: doc.serial } : {}),
      ...(typeof doc.lineage === 'string' && doc.lineage ? { lineage: doc.lineage } : {}),
      instances,
      outputs: readOutputs(doc.outputs),
      emptyResources,
    };
  }
}
