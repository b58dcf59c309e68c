/**
 * Derive the schema of the OpenStack types the openstack target writes, in the format of
 * `terraform providers schema -json`, from the provider's Go source (terraform-provider-
 * openstack/terraform-provider-openstack, helper/schema of terraform-plugin-sdk v2), offline:
 *
 *   git -C <provider checkout> archive v3.4.0 openstack | tar -x -C /tmp/os-3.4.0
 *   npx ts-node --transpile-only scripts/openstack-schema-from-source.ts /tmp/os-3.4.0 3.4.0 > lib/synth/openstack/schema-3.json
 *
 * Without a way to build and run the provider here (no Go module proxy), this reads the
 * schema literals the provider's code declares (`map[string]*schema.Schema{ "name": { Type:
 * schema.TypeString, Optional: true, ... } }`, helpers returning them included) and converts
 * them as the SDK itself does for Terraform (helper/schema core_schema.go: blocks for nested
 * resources unless computed-only, `id` added, `timeouts` from the resource's timeouts,
 * required blocks as min_items 1). Run on tag v1.53.0 it reproduces the vendored schema.json
 * (real `terraform providers schema -json` output) for every type the target writes: that is
 * the check this reader is trusted by (run when schema-3.json was made: lib/synth/openstack/SOURCES.md).
 *
 * Besides the schema, it records per type what `terraform providers schema -json` does not
 * carry and the rehearsal needs: the arguments whose change replaces the object (`ForceNew`),
 * default values (`Default`), and values a `validation.StringInSlice` allows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DATA_SOURCES, RESOURCES } from './vendor-openstack-schema';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------- a reader of Go composite literals

type Node =
  | { kind: 'composite'; type: string; entries: { key?: Node; value: Node }[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'ident'; value: string }
  | { kind: 'call'; fn: string; args: Node[] }
  | { kind: 'other'; text: string };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  private ws(): void {
    for (;;) {
      const s = this.src;
      while (this.pos < s.length && /\s/.test(s[this.pos])) this.pos++;
      if (s.startsWith('//', this.pos)) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl + 1;
        continue;
      }
      if (s.startsWith('/*', this.pos)) {
        const end = s.indexOf('*/', this.pos);
        this.pos = end < 0 ? s.length : end + 2;
        continue;
      }
      return;
    }
  }

  private peek(): string {
    this.ws();
    return this.src[this.pos] ?? '';
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new Error(`expected '${c}' at ${this.pos}: ${this.src.slice(this.pos, this.pos + 60)}`);
    this.pos++;
  }

  /** Skip one balanced expression up to a `,` or closing bracket at depth 0; its text. */
  private skipExpr(): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '"' || c === '`' || c === "'") {
        this.readString();
        continue;
      }
      if (this.src.startsWith('//', this.pos) || this.src.startsWith('/*', this.pos)) {
        this.ws();
        continue;
      }
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.pos++;
    }
    return this.src.slice(start, this.pos).trim();
  }

  private readString(): string {
    const q = this.src[this.pos];
    if (q === '`') {
      const end = this.src.indexOf('`', this.pos + 1);
      const v = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return v;
    }
    let v = '';
    this.pos++;
    while (this.pos < this.src.length && this.src[this.pos] !== q) {
      if (this.src[this.pos] === '\\') {
        const n = this.src[this.pos + 1];
        v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        this.pos += 2;
      } else v += this.src[this.pos++];
    }
    this.pos++;
    return v;
  }

  /** One expression: a string (concatenations joined), number, composite literal, call or identifier. */
  public expr(): Node {
    this.ws();
    const c = this.src[this.pos];
    if (c === '"' || c === '`') {
      let v = this.readString();
      while (this.peek() === '+') {
        this.pos++;
        this.ws();
        if (this.src[this.pos] !== '"' && this.src[this.pos] !== '`') return { kind: 'other', text: v + this.skipExpr() };
        v += this.readString();
      }
      return { kind: 'string', value: v };
    }
    const start = this.pos;
    if (c === '&') this.pos++;
    // A type or name: identifiers, dots, brackets of map/slice types, `*`.
    const m = /^(\[\][\w.*]+|map\[\w+\][\w.*]+|[\w.*]+)/.exec(this.src.slice(this.pos));
    if (!m) return { kind: 'other', text: this.skipExpr() };
    this.pos += m[0].length;
    const name = m[0];
    this.ws();
    if (this.src[this.pos] === '{') return this.composite(name);
    if (this.src[this.pos] === '(') {
      this.pos++;
      const args: Node[] = [];
      while (this.peek() !== ')') {
        const save = this.pos;
        try {
          args.push(this.expr());
        } catch {
          this.pos = save;
          args.push({ kind: 'other', text: this.skipExpr() });
        }
        if (this.peek() === ',') this.pos++;
      }
      this.pos++;
      // A call followed by more (`x()*y`): keep it as text.
      if (!/^$|[,)}\]]/.test(this.peek())) return { kind: 'other', text: this.src.slice(start, this.pos) + this.skipExpr() };
      return { kind: 'call', fn: name, args };
    }
    if (/^-?\d+(\.\d+)?$/.test(name)) {
      if (!/^$|[,)}\]]/.test(this.peek())) return { kind: 'other', text: name + this.skipExpr() };
      return { kind: 'number', value: Number(name) };
    }
    if (!/^$|[,)}\]:]/.test(this.peek())) return { kind: 'other', text: name + this.skipExpr() };
    return { kind: 'ident', value: name };
  }

  /** `Type{ key: value, ... }` or `{ value, ... }` (the opening brace is next). */
  public composite(type: string): Node {
    this.expect('{');
    const entries: { key?: Node; value: Node }[] = [];
    while (this.peek() !== '}') {
      let first: Node;
      if (this.peek() === '{') first = this.composite('');
      else first = this.expr();
      if (this.peek() === ':') {
        this.pos++;
        const value = this.peek() === '{' ? this.composite('') : this.expr();
        entries.push({ key: first, value });
      } else entries.push({ value: first });
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return { kind: 'composite', type, entries };
  }
}

// ---------------------------------------------------------------- the package's functions

class GoPackage {
  private readonly funcs = new Map<string, string>();

  constructor(dir: string) {
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.go') || f.endsWith('_test.go')) continue;
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/^func (\w+)\([^)]*\)[^{\n]*\{\n/gm)) {
        const start = m.index! + m[0].length;
        const end = src.indexOf('\n}\n', start);
        this.funcs.set(m[1], src.slice(start, end));
      }
    }
  }

  /** The expression a function returns (its last `return`). */
  public returned(fn: string): Node {
    const body = this.funcs.get(fn);
    if (body === undefined) throw new Error(`no function ${fn} in the provider's package`);
    // The function's own return (one tab in), not one of a closure inside it.
    const i = body.startsWith('\treturn ') ? 0 : body.lastIndexOf('\n\treturn ') + 1;
    if (i < 0 || !body.startsWith('\treturn ', i)) throw new Error(`function ${fn} returns nothing readable`);
    const r = new Parser(body.slice(i + '\treturn '.length)).expr();
    // `return provider`: the literal the variable was made from.
    if (r.kind === 'ident') return this.assigned(fn, r.value) ?? r;
    return r;
  }

  /** The map literal assigned in `fn` to a variable (`s := map[string]*schema.Schema{...}`), for helpers that build one. */
  public assigned(fn: string, variable: string): Node | undefined {
    const body = this.funcs.get(fn);
    const m = body ? new RegExp(`\\b${variable} :?= `).exec(body) : null;
    return m ? new Parser(body!.slice(m.index + m[0].length)).expr() : undefined;
  }

  /** Entries `"name": fn()` of a map literal in provider.go's `ResourcesMap` / `DataSourcesMap`. */
  public providerMaps(): { provider: Node; resources: Map<string, string>; data: Map<string, string> } {
    const provider = this.returned('Provider');
    const maps = { resources: new Map<string, string>(), data: new Map<string, string>() };
    if (provider.kind !== 'composite') throw new Error('Provider() returns no literal');
    for (const e of provider.entries) {
      const k = e.key?.kind === 'ident' ? e.key.value : '';
      if ((k === 'ResourcesMap' || k === 'DataSourcesMap') && e.value.kind === 'composite')
        for (const x of e.value.entries) if (x.key?.kind === 'string' && x.value.kind === 'call') (k === 'ResourcesMap' ? maps.resources : maps.data).set(x.key.value, x.value.fn);
    }
    return { provider, ...maps };
  }

  /** Resolve a node that is a call to a helper of the package: what the helper returns. */
  public resolve(n: Node): Node {
    if (n.kind === 'call' && this.funcs.has(n.fn)) return this.resolve(this.returned(n.fn));
    if (n.kind === 'ident' && this.funcs.has(n.value)) return n;
    return n;
  }
}

// ---------------------------------------------------------------- helper/schema -> terraform's schema JSON

interface SdkSchema {
  type: string;
  optional: boolean;
  required: boolean;
  computed: boolean;
  forceNew: boolean;
  sensitive: boolean;
  deprecated: boolean;
  configMode?: string;
  minItems: number;
  maxItems: number;
  description?: string;
  /** A DefaultFunc that may give a value (an environment default other than nil). */
  hasDefaultFunc: boolean;
  defaultValue?: unknown;
  enum?: string[];
  elem?: { schema?: SdkSchema; resource?: Map<string, SdkSchema> } | { type: string };
}

function field(c: Extract<Node, { kind: 'composite' }>, name: string): Node | undefined {
  return c.entries.find((e) => e.key?.kind === 'ident' && e.key.value === name)?.value;
}

function bool(n: Node | undefined): boolean {
  return n?.kind === 'ident' && n.value === 'true';
}

function goValue(n: Node | undefined): unknown {
  if (!n) return undefined;
  if (n.kind === 'string' || n.kind === 'number') return n.value;
  if (n.kind === 'ident' && (n.value === 'true' || n.value === 'false')) return n.value === 'true';
  return undefined;
}

class Converter {
  constructor(private readonly pkg: GoPackage) {}

  /** A map literal of schemas (or a helper returning one). */
  public schemaMap(n: Node, where: string): Map<string, SdkSchema> {
    const r = this.pkg.resolve(n);
    if (r.kind !== 'composite') throw new Error(`${where}: not a schema map: ${JSON.stringify(r).slice(0, 200)}`);
    const out = new Map<string, SdkSchema>();
    for (const e of r.entries) {
      if (e.key?.kind !== 'string') throw new Error(`${where}: a schema key that is not a string`);
      out.set(e.key.value, this.schema(e.value, `${where}.${e.key.value}`));
    }
    return out;
  }

  public schema(n: Node, where: string): SdkSchema {
    const r = this.pkg.resolve(n);
    if (r.kind !== 'composite') throw new Error(`${where}: not a schema literal: ${JSON.stringify(r).slice(0, 200)}`);
    const t = field(r, 'Type');
    const type = t?.kind === 'ident' ? t.value.replace(/^schema\./, '') : '';
    if (!type) throw new Error(`${where}: no Type`);
    const elemNode = field(r, 'Elem');
    let elem: SdkSchema['elem'];
    if (elemNode) {
      const e = this.pkg.resolve(elemNode);
      if (e.kind === 'composite' && /schema\.Resource$/.test(e.type)) elem = { resource: this.schemaMap(field(e, 'Schema')!, `${where}.Elem`) };
      else if (e.kind === 'composite' && /schema\.Schema$/.test(e.type)) elem = { schema: this.schema(e, `${where}.Elem`) };
      else if (e.kind === 'ident') elem = { type: e.value.replace(/^schema\./, '') };
      else if (e.kind === 'composite') elem = { schema: this.schema(e, `${where}.Elem`) };
      else throw new Error(`${where}: an Elem this reader does not know: ${JSON.stringify(e).slice(0, 200)}`);
    }
    const num = (name: string) => {
      const v = field(r, name);
      return v?.kind === 'number' ? v.value : 0;
    };
    const validate = field(r, 'ValidateFunc') ?? field(r, 'ValidateDiagFunc');
    let enumValues: string[] | undefined;
    const inSlice = validate ? findCall(validate, /StringInSlice$/) : undefined;
    if (inSlice && inSlice.args[0]?.kind === 'composite') enumValues = inSlice.args[0].entries.map((x) => goValue(x.value)).filter((x): x is string => typeof x === 'string');
    const desc = field(r, 'Description');
    const cm = field(r, 'ConfigMode');
    return {
      type,
      optional: bool(field(r, 'Optional')),
      required: bool(field(r, 'Required')),
      computed: bool(field(r, 'Computed')),
      forceNew: bool(field(r, 'ForceNew')),
      sensitive: bool(field(r, 'Sensitive')),
      deprecated: field(r, 'Deprecated') !== undefined,
      ...(cm?.kind === 'ident' ? { configMode: cm.value.replace(/^schema\./, '') } : {}),
      minItems: num('MinItems'),
      maxItems: num('MaxItems'),
      ...(desc?.kind === 'string' ? { description: desc.value } : {}),
      hasDefaultFunc: defaultFuncGives(field(r, 'DefaultFunc')),
      ...(field(r, 'Default') !== undefined ? { defaultValue: goValue(field(r, 'Default')) } : {}),
      ...(enumValues ? { enum: enumValues } : {}),
      ...(elem ? { elem } : {}),
    };
  }
}

/**
 * helper/schema calls a required argument's DefaultFunc when it converts the schema, and makes
 * the argument optional when it returns a value: `EnvDefaultFunc("X", nil)` gives none while
 * X is unset (the environment the published schemas were made in); other defaults do.
 */
function defaultFuncGives(n: Node | undefined): boolean {
  if (!n) return false;
  if (n.kind === 'call' && /EnvDefaultFunc$/.test(n.fn)) {
    const last = n.args[n.args.length - 1];
    return !(last?.kind === 'ident' && last.value === 'nil');
  }
  return true;
}

function findCall(n: Node, fn: RegExp): Extract<Node, { kind: 'call' }> | undefined {
  if (n.kind === 'call') {
    if (fn.test(n.fn)) return n;
    for (const a of n.args) {
      const f = findCall(a, fn);
      if (f) return f;
    }
  }
  return undefined;
}

function primitive(t: string): unknown {
  switch (t) {
    case 'TypeString':
      return 'string';
    case 'TypeInt':
    case 'TypeFloat':
      return 'number';
    case 'TypeBool':
      return 'bool';
    default:
      throw new Error(`not a primitive: ${t}`);
  }
}

/** The cty type of a schema (helper/schema core_schema.go's coreConfigSchemaType). */
function ctyType(s: SdkSchema): unknown {
  switch (s.type) {
    case 'TypeList':
    case 'TypeSet':
    case 'TypeMap': {
      const kind = s.type === 'TypeList' ? 'list' : s.type === 'TypeSet' ? 'set' : 'map';
      let et: unknown = 'string';
      const e = s.elem;
      if (e && 'schema' in e && e.schema) et = ctyType(e.schema);
      else if (e && 'resource' in e && e.resource) et = kind === 'map' ? 'string' : objectType(e.resource);
      else if (e && 'type' in e) et = primitive(e.type);
      return [kind, et];
    }
    default:
      return primitive(s.type);
  }
}

function objectType(m: Map<string, SdkSchema>): unknown {
  const attrs: Json = {};
  for (const [k, s] of [...m].sort(([a], [b]) => (a < b ? -1 : 1))) attrs[k] = ctyType(s);
  return ['object', attrs];
}

interface Extras {
  force_new: string[];
  defaults: Json;
  enums: Record<string, string[]>;
}

/** helper/schema's coreConfigSchema: a schema map as a block. */
function block(m: Map<string, SdkSchema>, isProvider: boolean, extras?: Extras, prefix = ''): Json {
  const attributes: Json = {};
  const blockTypes: Json = {};
  for (const [name, s] of [...m].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (extras) {
      if (s.forceNew && !prefix) extras.force_new.push(name);
      if (s.defaultValue !== undefined) extras.defaults[`${prefix}${name}`] = s.defaultValue;
      if (s.enum) extras.enums[`${prefix}${name}`] = s.enum;
    }
    const isResourceElem = !!(s.elem && 'resource' in s.elem && s.elem.resource) && s.type !== 'TypeMap';
    const asAttribute = !isResourceElem || s.configMode === 'SchemaConfigModeAttr' || (s.configMode !== 'SchemaConfigModeBlock' && s.computed && !s.optional);
    if (asAttribute) {
      const a: Json = { type: ctyType(s), description_kind: 'plain' };
      let required = s.required;
      let optional = s.optional;
      // A DefaultFunc makes a required argument optional (helper/schema: it may be set by the environment).
      if (s.hasDefaultFunc && required) {
        required = false;
        optional = true;
      }
      if (s.description !== undefined) a.description = s.description;
      if (required) a.required = true;
      if (optional) a.optional = true;
      if (s.computed) a.computed = true;
      if (s.sensitive) a.sensitive = true;
      if (s.deprecated) a.deprecated = true;
      attributes[name] = a;
    } else {
      const nested = block((s.elem as { resource: Map<string, SdkSchema> }).resource, false, extras, `${prefix}${name}.`);
      if (s.deprecated) nested.deprecated = true;
      const b: Json = { nesting_mode: s.type === 'TypeSet' ? 'set' : 'list', block: nested };
      let min = s.minItems;
      let max = s.maxItems;
      if (s.required && min === 0) min = 1;
      if (s.optional && min > 0) min = 0;
      if (s.computed && !s.optional) {
        min = 0;
        max = 0;
      }
      if (min) b.min_items = min;
      if (max) b.max_items = max;
      blockTypes[name] = b;
    }
  }
  void isProvider;
  const out: Json = {};
  if (Object.keys(attributes).length) out.attributes = attributes;
  if (Object.keys(blockTypes).length) out.block_types = blockTypes;
  out.description_kind = 'plain';
  return out;
}

/** A resource or data source: its schema map, `id`, its timeouts block, its schema version. */
function typeSchema(conv: Converter, pkg: GoPackage, fn: string, where: string, extras: Extras): Json {
  const r = pkg.resolve(pkg.returned(fn));
  if (r.kind !== 'composite') throw new Error(`${where}: ${fn} returns no literal`);
  const m = conv.schemaMap(field(r, 'Schema')!, where);
  if (!m.has('id')) m.set('id', { type: 'TypeString', optional: true, required: false, computed: true, forceNew: false, sensitive: false, deprecated: false, minItems: 0, maxItems: 0, hasDefaultFunc: false });
  const b = block(m, false, extras);
  const timeouts = field(r, 'Timeouts');
  if (timeouts?.kind === 'composite') {
    const attrs: Json = {};
    for (const e of timeouts.entries) if (e.key?.kind === 'ident' && e.key.value !== 'Default') attrs[e.key.value.toLowerCase()] = { type: 'string', description_kind: 'plain', optional: true };
    const sorted = Object.fromEntries(Object.entries(attrs).sort(([a], [b2]) => (a < b2 ? -1 : 1)));
    b.block_types = { ...((b.block_types as Json) ?? {}), timeouts: { nesting_mode: 'single', block: { attributes: sorted, description_kind: 'plain' } } };
    b.block_types = Object.fromEntries(Object.entries(b.block_types as Json).sort(([a], [b2]) => (a < b2 ? -1 : 1)));
  }
  const v = field(r, 'SchemaVersion');
  const out: Json = { version: v?.kind === 'number' ? v.value : 0, block: b };
  return out;
}

export function deriveSchema(dir: string, version: string): Json {
  const pkg = new GoPackage(dir);
  const conv = new Converter(pkg);
  const { provider, resources, data } = pkg.providerMaps();
  if (provider.kind !== 'composite') throw new Error('no provider literal');
  const providerMap = conv.schemaMap(field(provider, 'Schema')!, 'provider');
  // The provider's descriptions come from its `descriptions` map.
  const descriptions = pkg.assigned('init', 'descriptions');
  if (descriptions?.kind === 'composite')
    for (const e of descriptions.entries) if (e.key?.kind === 'string' && e.value.kind === 'string' && providerMap.has(e.key.value)) providerMap.get(e.key.value)!.description = e.value.value;
  const forceNew: Json = {};
  const defaults: Json = {};
  const enums: Json = {};
  const out = (kind: 'resource' | 'data', names: readonly string[], map: Map<string, string>) => {
    const schemas: Json = {};
    for (const t of names) {
      const fn = map.get(t);
      if (!fn) throw new Error(`the provider at ${dir} has no ${kind} ${t}`);
      const extras: Extras = { force_new: [], defaults: {}, enums: {} };
      schemas[t] = typeSchema(conv, pkg, fn, `${kind} ${t}`, extras);
      const key = kind === 'data' ? `data.${t}` : t;
      if (kind === 'resource') forceNew[key] = extras.force_new.sort();
      if (Object.keys(extras.defaults).length) defaults[key] = extras.defaults;
      if (Object.keys(extras.enums).length) enums[key] = extras.enums;
    }
    return schemas;
  };
  const resourceSchemas = out('resource', RESOURCES, resources);
  const dataSchemas = out('data', DATA_SOURCES, data);
  const providerDescription = (m: Map<string, SdkSchema>) => block(m, true);
  return {
    '//': {
      source: `derived by scripts/openstack-schema-from-source.ts from terraform-provider-openstack/terraform-provider-openstack at tag v${version} (the provider's Go source: its helper/schema literals, converted as terraform-plugin-sdk v2 converts them for Terraform)`,
      subset: 'the provider block, and the resource and data source types listed in scripts/vendor-openstack-schema.ts',
      check: 'run on tag v1.53.0, the same reader reproduces the vendored schema.json (real terraform providers schema -json output) for these types',
      extras: 'force_new, defaults and enums are not part of terraform providers schema -json: the ForceNew, Default and StringInSlice validation of each argument',
    },
    format_version: '1.0',
    provider_address: 'registry.terraform.io/terraform-provider-openstack/openstack',
    provider_version: version,
    provider: { version: 0, block: providerDescription(providerMap) },
    resource_schemas: resourceSchemas,
    data_source_schemas: dataSchemas,
    force_new: forceNew,
    defaults,
    enums,
  };
}

if (require.main === module) {
  const [dir, version] = process.argv.slice(2);
  if (!dir || !version) {
    process.stderr.write('usage: openstack-schema-from-source.ts <dir holding the provider\'s openstack/ package> <version>\n');
    process.exit(1);
  }
  const pkgDir = fs.existsSync(path.join(dir, 'openstack')) ? path.join(dir, 'openstack') : dir;
  process.stdout.write(`${JSON.stringify(deriveSchema(pkgDir, version), null, 2)}\n`);
}
