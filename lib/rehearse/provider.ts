/**
 * One provider served by the harness: the protocol's RPCs over a provider schema and the
 * simulated cloud. What is the same for every provider is here (decoding and encoding by the
 * schema, validation, planning, apply, read, import, data sources, drift); what each cloud
 * does (its ids, addresses, lookups, refusals) is its `Behaviour` (openstack.ts, aws.ts).
 *
 * Terraform opens one connection per provider configuration (alias), also when it attaches
 * to a running harness, and configures each; the configuration of a call is that of its
 * connection, so that each object is created in the scope its configuration authenticates
 * as (an OpenStack project, an AWS region).
 */
import { decodeJsonValue, decodeValue, encodeValue, fromPlain, isObjectValue, newObject, sameValue, toPlain, Unknown, whollyKnown, type Value, type ValueObject } from './cty';
import { checkConfig, copyValue, describePath, error, fillPlain, markComputedUnknown, type Diag, type PathStep } from './engine';
import type { Cloud, CloudObject, CloudView, Scope } from './cloud';
import { digest } from './ids';
import type { Message } from './proto';
import { impliedType, type SchemaAttribute, type SchemaBlock, type SchemaNestedBlock, type TypeSchema } from './schema';
import type { SchemaFile } from './schemas';

/** The simulated cloud refuses a request (as the real API would answer with an error). */
export class Refusal extends Error {
  constructor(
    public readonly summary: string,
    public readonly detail: string,
    public readonly path?: readonly PathStep[],
  ) {
    super(`${summary}: ${detail}`);
  }
}

/** A configured provider (one per configuration, i.e. per connection). */
export interface Configured {
  readonly config: ValueObject;
  readonly scope: Scope;
}

export interface Context {
  /** The cloud the provider configuration works in. */
  readonly cloud: CloudView;
  readonly provider: Configured;
  readonly type: string;
}

export interface ApplyContext extends Context {
  /** The object before this change (an update), or null (a create). */
  readonly prior: ValueObject | null;
  /** The first id `make(n)` gives (n = 0, 1, ...) that no object of the type has: ids derived from a seed, never random. */
  unique(make: (n: number) => string): string;
  /** A seed for this object's values: its type and planned known values. */
  readonly seed: string;
}

/** What one cloud does; the protocol and the schema-driven parts are shared. */
export interface Behaviour {
  /** `openstack`, `aws`: the provider's type name. */
  readonly name: string;
  /** The schema, with the provider's force-new arguments, defaults and allowed values. */
  readonly schema: SchemaFile;
  /** Where a configuration's objects are made: which cloud, and there which project, user, region. */
  scope(config: ValueObject, cloud: Cloud): Scope;
  /** Checks beyond the schema and its allowed values (values a provider rejects before calling its API). */
  validate?(type: string, data: boolean, config: ValueObject): Diag[];
  /** Values a provider knows at plan time (derived from the configuration). */
  plan?(type: string, planned: ValueObject, prior: ValueObject | null): void;
  /** Create or update: set what the cloud decides, refuse (throw Refusal) what it would; returns the object's id. */
  apply(type: string, obj: ValueObject, ctx: ApplyContext): string;
  /** Before a delete: refuse (throw Refusal) what the cloud would, give back what it held. */
  destroy?(type: string, obj: ValueObject, ctx: Context): void;
  /** A data source: fill what the cloud answers. */
  read(type: string, obj: ValueObject, ctx: Context): void;
}

function toDiagMessages(diags: readonly Diag[]): Message[] {
  return diags.map((d) => ({
    severity: d.severity === 'error' ? 1 : 2,
    summary: d.summary,
    detail: d.detail,
    ...(d.path && d.path.length
      ? { attribute: { steps: d.path.map((p) => (typeof p === 'string' ? { attribute_name: p } : typeof p === 'number' ? { element_key_int: p } : { element_key_string: p.key })) } }
      : {}),
  }));
}

function refusalDiag(e: unknown): Diag {
  if (e instanceof Refusal) return error(e.summary, e.detail, e.path);
  return error('Internal error in the xos rehearsal harness', (e as Error)?.stack ?? String(e));
}

const NESTING: Record<string, number> = { single: 1, list: 2, set: 3, map: 4, group: 5 };

function attributeMessage(name: string, a: SchemaAttribute): Message {
  return {
    name,
    ...(a.nested_type
      ? {
          nested_type: {
            attributes: Object.entries(a.nested_type.attributes)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([n, x]) => attributeMessage(n, x)),
            nesting: NESTING[a.nested_type.nesting_mode],
          },
        }
      : { type: Buffer.from(JSON.stringify(a.type ?? 'dynamic'), 'utf8') }),
    description: a.description ?? '',
    required: !!a.required,
    optional: !!a.optional,
    computed: !!a.computed,
    sensitive: !!a.sensitive,
    deprecated: !!a.deprecated,
    description_kind: a.description_kind === 'markdown' ? 1 : 0,
  };
}

function blockMessage(b: SchemaBlock): Message {
  return {
    attributes: Object.entries(b.attributes ?? {})
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([n, a]) => attributeMessage(n, a)),
    block_types: Object.entries(b.block_types ?? {})
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([n, nb]: [string, SchemaNestedBlock]) => ({
        type_name: n,
        block: blockMessage(nb.block),
        nesting: NESTING[nb.nesting_mode],
        min_items: nb.min_items ?? 0,
        max_items: nb.max_items ?? 0,
      })),
    description: b.description ?? '',
    description_kind: b.description_kind === 'markdown' ? 1 : 0,
    deprecated: !!b.deprecated,
  };
}

function schemaMessage(s: TypeSchema): Message {
  return { version: s.version ?? 0, block: blockMessage(s.block) };
}

/** The known attribute values of an object, for seeds. */
function knownPart(v: Value): unknown {
  if (v instanceof Unknown) return '?';
  if (Array.isArray(v)) return v.map(knownPart);
  if (isObjectValue(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== null) out[k] = knownPart(v[k]);
    return out;
  }
  return toPlain(v);
}

/** Values outside what the provider allows (its `StringInSlice` validations), at dotted paths. */
function checkEnums(enums: Readonly<Record<string, readonly string[]>> | undefined, config: ValueObject): Diag[] {
  if (!enums) return [];
  const out: Diag[] = [];
  for (const [dotted, allowed] of Object.entries(enums)) {
    const visit = (v: Value, names: readonly string[], path: PathStep[]) => {
      if (v === null || v instanceof Unknown) return;
      if (!names.length) {
        if (typeof v === 'string' && !allowed.includes(v)) out.push(error('Invalid value', `expected ${dotted.split('.').pop()} to be one of [${allowed.join(' ')}], got ${v}`, path));
        return;
      }
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, names, [...path, i]));
      else if (isObjectValue(v)) visit(v[names[0]] ?? null, names.slice(1), [...path, names[0]]);
    };
    visit(config, dotted.split('.'), []);
  }
  return out;
}

/**
 * Set the provider's defaults on a planned value where the configuration leaves an argument
 * unset (top level and inside nested blocks); true when any was set.
 */
function applyDefaults(defaults: Readonly<Record<string, unknown>> | undefined, block: SchemaBlock, planned: ValueObject, config: Value): boolean {
  if (!defaults) return false;
  let any = false;
  for (const [dotted, value] of Object.entries(defaults)) {
    const names = dotted.split('.');
    const visit = (p: Value, c: Value, b: SchemaBlock, i: number) => {
      if (!isObjectValue(p)) return;
      const name = names[i];
      if (i === names.length - 1) {
        const a = b.attributes?.[name];
        if (a && !a.computed && (p[name] ?? null) === null && (!isObjectValue(c) || (c[name] ?? null) === null)) {
          p[name] = value as Value;
          any = true;
        }
        return;
      }
      const nb = b.block_types?.[name];
      if (!nb) return;
      const pv = p[name] ?? null;
      const cv = isObjectValue(c) ? c[name] ?? null : null;
      if (Array.isArray(pv)) pv.forEach((x, k) => visit(x, Array.isArray(cv) ? cv[k] ?? null : null, nb.block, i + 1));
      else visit(pv, cv, nb.block, i + 1);
    };
    visit(planned, config, block, 0);
  }
  return any;
}

export class HarnessProvider {
  private readonly configured = new Map<string, Configured>();
  private schemaResponse?: Message;

  constructor(
    public readonly behaviour: Behaviour,
    public readonly cloud: Cloud,
  ) {}

  private resourceSchema(type: string): TypeSchema {
    const s = this.behaviour.schema.resource_schemas[type];
    if (!s) throw new Refusal('Invalid resource type', `The provider ${this.behaviour.name} (xos rehearsal harness) does not support resource type "${type}".`);
    return s;
  }

  private dataSchema(type: string): TypeSchema {
    const s = this.behaviour.schema.data_source_schemas[type];
    if (!s) throw new Refusal('Invalid data source', `The provider ${this.behaviour.name} (xos rehearsal harness) does not support data source "${type}".`);
    return s;
  }

  private providerOf(peer: string): Configured {
    return this.configured.get(peer) ?? { config: newObject(), scope: this.behaviour.scope(newObject(), this.cloud) };
  }

  /** The cloud a connection's configuration works in. */
  private viewOf(peer: string): CloudView {
    return this.cloud.view(this.behaviour.name, this.providerOf(peer).scope.cloud);
  }

  private decode(dv: Message | undefined, block: SchemaBlock): Value {
    if (!dv) return null;
    if (dv.msgpack && dv.msgpack.length) return decodeValue(dv.msgpack, impliedType(block));
    if (dv.json && dv.json.length) return decodeJsonValue(dv.json, impliedType(block));
    return null;
  }

  private encode(v: Value, block: SchemaBlock): Message {
    return { msgpack: encodeValue(v, impliedType(block)) };
  }

  public getMetadata(): Message {
    return {
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
      resources: Object.keys(this.behaviour.schema.resource_schemas).map((type_name) => ({ type_name })),
      data_sources: Object.keys(this.behaviour.schema.data_source_schemas).map((type_name) => ({ type_name })),
    };
  }

  public getProviderSchema(): Message {
    if (this.schemaResponse) return this.schemaResponse;
    const s = this.behaviour.schema;
    const map = (m: Readonly<Record<string, TypeSchema>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, schemaMessage(v)]));
    this.schemaResponse = {
      provider: schemaMessage(s.provider),
      resource_schemas: map(s.resource_schemas),
      data_source_schemas: map(s.data_source_schemas),
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
    };
    return this.schemaResponse;
  }

  public validateProviderConfig(req: Message): Message {
    const v = this.decode(req.config, this.behaviour.schema.provider.block);
    return { diagnostics: toDiagMessages(checkConfig(this.behaviour.schema.provider.block, v)) };
  }

  public validateResourceConfig(req: Message, data: boolean): Message {
    try {
      const schema = data ? this.dataSchema(req.type_name) : this.resourceSchema(req.type_name);
      const v = this.decode(req.config, schema.block);
      const diags = checkConfig(schema.block, v);
      if (isObjectValue(v)) {
        diags.push(...checkEnums(this.behaviour.schema.enums?.[data ? `data.${req.type_name}` : req.type_name], v));
        if (this.behaviour.validate) diags.push(...this.behaviour.validate(req.type_name, data, v));
      }
      return { diagnostics: toDiagMessages(diags) };
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
  }

  public configureProvider(req: Message, peer: string): Message {
    const v = this.decode(req.config, this.behaviour.schema.provider.block);
    const config = isObjectValue(v) ? v : newObject();
    this.configured.set(peer, { config, scope: this.behaviour.scope(config, this.cloud) });
    return { diagnostics: [] };
  }

  public upgradeResourceState(req: Message): Message {
    try {
      const schema = this.resourceSchema(req.type_name);
      const raw = req.raw_state ?? {};
      if (!raw.json || !raw.json.length) {
        if (raw.flatmap && Object.keys(raw.flatmap).length)
          throw new Refusal('Unsupported state format', `The state of this ${req.type_name} is in the legacy flatmap format (Terraform 0.11), which the xos rehearsal harness does not read.`);
        return { upgraded_state: this.encode(null, schema.block) };
      }
      return { upgraded_state: this.encode(decodeJsonValue(raw.json, impliedType(schema.block)), schema.block) };
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
  }

  public readResource(req: Message, peer: string): Message {
    try {
      const schema = this.resourceSchema(req.type_name);
      const current = this.decode(req.current_state, schema.block);
      const id = isObjectValue(current) && typeof current.id === 'string' ? current.id : undefined;
      if (!id) return { new_state: this.encode(null, schema.block), private: req.private };
      const found = this.viewOf(peer).get(req.type_name, id);
      const now = found ? this.cloud.drifted(found) : undefined;
      if (!now) return { new_state: this.encode(null, schema.block), private: req.private };
      return { new_state: this.encode(fromPlain(now.state, impliedType(schema.block)), schema.block), private: req.private };
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
  }

  public planResourceChange(req: Message): Message {
    try {
      const schema = this.resourceSchema(req.type_name);
      const prior = this.decode(req.prior_state, schema.block);
      const proposed = this.decode(req.proposed_new_state, schema.block);
      const config = this.decode(req.config, schema.block);
      if (proposed === null) return { planned_state: this.encode(null, schema.block), planned_private: req.prior_private };
      const diags = isObjectValue(config) ? checkConfig(schema.block, config) : [];
      if (diags.some((d) => d.severity === 'error')) return { diagnostics: toDiagMessages(diags) };
      let planned: Value;
      const replace: Message[] = [];
      // The provider's defaults for arguments left unset, as helper/schema plans them (it tells
      // Terraform so through the legacy type system flag, as the SDK does).
      const defaulted = (v: Value) => isObjectValue(v) && applyDefaults(this.behaviour.schema.defaults?.[req.type_name], schema.block, v, config);
      let legacy = false;
      if (!isObjectValue(prior)) {
        planned = markComputedUnknown(schema.block, proposed, config);
        legacy = defaulted(planned);
        if (isObjectValue(planned)) this.behaviour.plan?.(req.type_name, planned, null);
      } else {
        planned = copyValue(proposed);
        legacy = defaulted(planned);
        if (isObjectValue(planned)) {
          this.behaviour.plan?.(req.type_name, planned, prior);
          for (const name of this.behaviour.schema.force_new?.[req.type_name] ?? []) {
            const before = prior[name] ?? null;
            const after = planned[name] ?? null;
            if (after instanceof Unknown ? before !== null : !sameValue(before, after)) replace.push({ steps: [{ attribute_name: name }] });
          }
        }
      }
      return { planned_state: this.encode(planned, schema.block), requires_replace: replace, planned_private: req.prior_private, diagnostics: toDiagMessages(diags), ...(legacy ? { legacy_type_system: true } : {}) };
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
  }

  public applyResourceChange(req: Message, peer: string): Message {
    const type: string = req.type_name;
    let schema: TypeSchema;
    try {
      schema = this.resourceSchema(type);
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
    const prior = this.decode(req.prior_state, schema.block);
    const planned = this.decode(req.planned_state, schema.block);
    const provider = this.providerOf(peer);
    const view = this.viewOf(peer);
    const ctx = { cloud: view, provider, type };
    try {
      if (planned === null) {
        if (isObjectValue(prior) && typeof prior.id === 'string') {
          this.behaviour.destroy?.(type, prior, ctx);
          view.delete(type, prior.id);
        }
        return { new_state: this.encode(null, schema.block) };
      }
      if (!isObjectValue(planned)) throw new Refusal('Invalid plan', `The planned value of this ${type} is not an object.`);
      const obj = copyValue(planned);
      const priorObj = isObjectValue(prior) ? prior : null;
      const seed = digest(this.behaviour.name, type, knownPart(planned), provider.scope).toString('hex');
      const existing = priorObj && typeof priorObj.id === 'string' ? view.get(type, priorObj.id) : undefined;
      const actx: ApplyContext = {
        ...ctx,
        prior: priorObj,
        seed,
        unique: (make) => {
          for (let n = 0; ; n++) {
            const id = make(n);
            if (!view.get(type, id)) return id;
          }
        },
      };
      const id = this.behaviour.apply(type, obj, actx);
      if (obj.id instanceof Unknown || obj.id === null || obj.id === undefined) obj.id = id;
      fillPlain(schema.block, obj);
      if (!whollyKnown(obj)) throw new Refusal('Internal error in the xos rehearsal harness', `The new state of this ${type} still holds unknown values.`);
      const record: Omit<CloudObject, 'provider' | 'cloud'> = {
        type,
        id: String(obj.id),
        state: toPlain(obj) as Record<string, unknown>,
        scope: existing?.scope ?? provider.scope,
      };
      if (priorObj && typeof priorObj.id === 'string' && priorObj.id !== record.id) view.delete(type, priorObj.id);
      view.put(record, priorObj ? 'update' : 'create');
      return { new_state: this.encode(obj, schema.block), private: req.planned_private, ...(this.behaviour.schema.defaults?.[type] ? { legacy_type_system: true } : {}) };
    } catch (e) {
      const d = refusalDiag(e);
      view.log({ event: 'refused', type, scope: provider.scope, detail: `${d.summary}: ${d.detail}${d.path ? ` (${describePath(d.path)})` : ''}` });
      // A failed create leaves nothing; a failed update or delete leaves the object as it was.
      return { new_state: this.encode(prior, schema.block), diagnostics: toDiagMessages([d]) };
    }
  }

  public importResourceState(req: Message, peer: string): Message {
    try {
      const schema = this.resourceSchema(req.type_name);
      const found = this.viewOf(peer).get(req.type_name, req.id);
      if (!found)
        throw new Refusal('Cannot import non-existent remote object', `While attempting to import an existing object to "${req.type_name}", the provider detected that no object exists with the given id "${req.id}".`);
      return { imported_resources: [{ type_name: req.type_name, state: this.encode(fromPlain(found.state, impliedType(schema.block)), schema.block) }] };
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
  }

  public readDataSource(req: Message, peer: string): Message {
    try {
      const schema = this.dataSchema(req.type_name);
      const config = this.decode(req.config, schema.block);
      if (!isObjectValue(config)) throw new Refusal('Invalid configuration', `The configuration of data source ${req.type_name} is not an object.`);
      const diags = checkConfig(schema.block, config);
      if (diags.some((d) => d.severity === 'error')) return { diagnostics: toDiagMessages(diags) };
      const obj = markComputedUnknown(schema.block, copyValue(config), config) as ValueObject;
      applyDefaults(this.behaviour.schema.defaults?.[`data.${req.type_name}`], schema.block, obj, config);
      this.behaviour.read(req.type_name, obj, { cloud: this.viewOf(peer), provider: this.providerOf(peer), type: req.type_name });
      if (obj.id instanceof Unknown) obj.id = digest(req.type_name, knownPart(config)).toString('hex').slice(0, 16);
      fillPlain(schema.block, obj);
      return { state: this.encode(obj, schema.block) };
    } catch (e) {
      return { diagnostics: toDiagMessages([refusalDiag(e)]) };
    }
  }
}
