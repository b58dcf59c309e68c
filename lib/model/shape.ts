/**
 * The shape of a model read back from JSON (`xos-model.json`): every object of every
 * collection has the fields its kind needs, of the right types. A file edited by hand,
 * damaged, or written by another version then fails with a message naming the object and
 * the field, instead of crashing whatever reads it next.
 */
import { COLLECTIONS, type Kind } from './types';

type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const ref: Check = (v) => v === null || typeof v === 'string';
const strings: Check = (v) => Array.isArray(v) && v.every(str);
const object: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const any: Check = () => true;
const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);
const secretRef: Check = (v) => object(v) && ((v as { secret?: unknown }).secret === 'literal' || ((oneOf('env', 'tfvar')((v as { secret?: unknown }).secret) && str((v as { name?: unknown }).name))));
const secrets: Check = (v) => object(v) && Object.values(v as object).every(secretRef);
const limits: Check = (v) => object(v) && Object.values(v as object).every(num);
const ports: Check = (v) => Array.isArray(v) && v.every((p) => object(p) && num((p as { port?: unknown }).port) && str((p as { protocol?: unknown }).protocol));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const uniqueLists: Check = (v) => Array.isArray(v) && v.every((u) => Array.isArray(u) && u.every(str));
const poolList: Check = (v) =>
  Array.isArray(v) &&
  v.every((p) => isObject(p) && str(p.attribute) && strings(p.per) && ((Array.isArray(p.range) && p.range.length === 2 && p.range.every((x: unknown) => typeof x === 'number')) || (str(p.block) && typeof p.prefix === 'number')));
const allocatedValues: Check = (v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string' || num(x));
const instanceAdditions: Check = (v) => Array.isArray(v) && v.every((a) => isObject(a) && str(a.id) && str(a.type) && isObject(a.attributes));
const interconnect: Check = (v) => object(v) && ref((v as { tenantNetwork?: unknown }).tenantNetwork) && ref((v as { providerNetwork?: unknown }).providerNetwork);

/** What each field must hold, and a few words for the message. `?` marks a field that may be absent. */
type Fields = Readonly<Record<string, readonly [Check, string]>>;

const S: readonly [Check, string] = [str, 'a string'];
const R: readonly [Check, string] = [ref, 'a key or null'];
const L: readonly [Check, string] = [strings, 'a list of keys'];

const FIELDS: Readonly<Record<Kind, Fields>> = {
  Site: { loginBase: S, 'url?': S, 'location?': S },
  User: { site: R, publicKeys: [strings, 'a list of strings'], 'email?': S },
  Privilege: { user: R, scope: [oneOf('root', 'site', 'slice', 'deployment'), "one of 'root', 'site', 'slice', 'deployment'"], target: R, role: S },
  Deployment: { hostSites: L, acquireSites: L, images: L, flavors: L, networkTemplates: L, limits: [limits, 'an object of numbers'], existingCatalog: [bool, 'true or false'] },
  Controller: { deployment: R, sites: L, backend: S, credentials: [secrets, 'an object of secret references'], stack: S, 'url?': S, 'region?': S },
  Node: { site: R, deployment: R },
  Image: { diskFormat: S, containerFormat: S, 'sourceUrl?': S },
  Flavor: { cores: [num, 'a number'], ramMb: [num, 'a number'], diskGb: [num, 'a number'] },
  NetworkTemplate: { visibility: S, translation: S, 'description?': S },
  Slice: { site: R, image: R, flavor: R, service: R, 'description?': S },
  Sliver: { slice: S, node: R, deployment: R, site: R, image: R },
  Network: {
    owner: S,
    permitted: L,
    joined: L,
    cidr: S,
    ports: [(v) => v === null || str(v), 'a string or null'],
    public: [bool, 'true or false'],
    template: R,
    site: R,
    bandwidthMbps: [(v) => v === null || num(v), 'a number or null'],
    'derivedFrom?': S,
    'derivedJoins?': [(v) => object(v) && Object.values(v as object).every(str), 'an object of Slice keys -> tenancy keys'],
  },
  Service: {
    slices: L,
    controller: R,
    ports: [ports, 'a list of { port, protocol }'],
    credentials: [secrets, 'an object of secret references'],
    'tenantSchema?': [any, ''],
    'description?': S,
    'abstract?': [(v) => v === true, 'true'],
    'acceptsUsers?': [(v) => v === true, 'true'],
    'instanceSchema?': [any, ''],
    'unique?': [uniqueLists, 'a list of lists of attribute names'],
    'pools?': [poolList, 'a list of { attribute, per, range | block and prefix }'],
  },
  Tenant: { tenant: R, provider: R, connect: S, attributes: [any, ''], network: R, 'interconnect?': [interconnect, 'an object of { tenantNetwork, providerNetwork }'] },
  View: { type: S, url: S, 'description?': S },
  Addition: { provider: S, tenancy: S, sliver: S, type: S, attributes: [object, 'an object'] },
  Instance: {
    provider: R,
    subscriber: R,
    attributes: [object, 'an object'],
    'allocated?': [allocatedValues, 'an object of numbers and strings'],
    'additions?': [instanceAdditions, 'a list of { id, type, attributes }'],
  },
};

/** The kind each collection holds. */
const KIND_OF: Readonly<Record<(typeof COLLECTIONS)[number], Kind>> = {
  sites: 'Site',
  users: 'User',
  privileges: 'Privilege',
  deployments: 'Deployment',
  controllers: 'Controller',
  nodes: 'Node',
  images: 'Image',
  flavors: 'Flavor',
  networkTemplates: 'NetworkTemplate',
  slices: 'Slice',
  slivers: 'Sliver',
  networks: 'Network',
  services: 'Service',
  tenants: 'Tenant',
  views: 'View',
  additions: 'Addition',
  instances: 'Instance',
};

/** One field's check, with the name and optionality read from FIELDS once. */
interface FieldSpec {
  readonly name: string;
  readonly optional: boolean;
  readonly check: Check;
  readonly what: string;
}

const SPECS: Readonly<Record<Kind, readonly FieldSpec[]>> = Object.fromEntries(
  Object.entries(FIELDS).map(([kind, fields]) => [
    kind,
    Object.entries(fields).map(([field, [check, what]]) => ({ name: field.endsWith('?') ? field.slice(0, -1) : field, optional: field.endsWith('?'), check, what })),
  ]),
) as Record<Kind, FieldSpec[]>;

/**
 * The first problem with the shape of a model read from JSON, or undefined when it has
 * none: for example `networks[2] (site1/web/lan): "joined" must be a list of keys (got a string)`.
 * Messages are made only for the problem found (a whole model is checked on every read).
 */
export function modelShapeProblem(doc: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof doc.name !== 'string') return 'the model has no "name" (a string)';
  // Every key, with its kind (checked against its collection's before it is recorded).
  const kindOfKey = new Map<string, Kind>();
  for (const c of COLLECTIONS) {
    const list = doc[c];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `"${c}" must be a list (got ${describe(list)})`;
    const kind = KIND_OF[c];
    const specs = SPECS[kind];
    for (let i = 0; i < list.length; i++) {
      const o = list[i] as Record<string, unknown>;
      if (!object(o) || !str(o.key) || !str(o.kind)) return `${c}[${i}] is not a model object (it needs a "kind" and a "key")`;
      if (o.kind !== kind) return `${where(c, i, o.key)} is a ${String(o.kind).slice(0, 40)} in the list of ${c}, which holds ${kind}s`;
      if (kindOfKey.has(o.key as string)) return `${where(c, i, o.key)}: the key is used twice; every object's key is unique`;
      kindOfKey.set(o.key as string, kind);
      if (!str(o.name)) return `${where(c, i, o.key)}: "name" must be a string (got ${describe(o.name)})`;
      for (const f of specs) {
        const v = o[f.name];
        if (v === undefined) {
          if (f.optional) continue;
          return `${where(c, i, o.key)}: "${f.name}" is missing; it must be ${f.what}`;
        }
        if (!f.check(v)) return `${where(c, i, o.key)}: "${f.name}" must be ${f.what} (got ${describe(v)})`;
      }
    }
  }
  // A Sliver's Slice and a Network's owner are its parents in the construct tree: a program
  // cannot leave them out, and what reads a model counts on them.
  const parents: [string, string, string, Kind][] = [
    ['slivers', 'Sliver', 'slice', 'Slice'],
    ['networks', 'Network', 'owner', 'Slice'],
    ['additions', 'Addition', 'sliver', 'Sliver'],
    ['additions', 'Addition', 'tenancy', 'Tenant'],
    ['additions', 'Addition', 'provider', 'Service'],
  ];
  for (const [c, kind, field, want] of parents) {
    for (const o of (doc[c] as Record<string, unknown>[] | undefined) ?? []) {
      if (kindOfKey.get(o[field] as string) !== want) return `${kind} ${o.key}: its ${field} ${JSON.stringify(o[field])} is not a ${want} of the model`;
    }
  }
  return undefined;
}

/** An object in messages: `networks[2] (site1/web/lan)`. */
function where(collection: string, i: number, key: unknown): string {
  const k = String(key);
  return `${collection}[${i}] (${k.length > 80 ? `${k.slice(0, 77)}...` : k})`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : typeof v} ${String(v)}`.trim();
}
