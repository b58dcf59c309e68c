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
  },
  Service: { slices: L, controller: R, ports: [ports, 'a list of { port, protocol }'], credentials: [secrets, 'an object of secret references'], 'tenantSchema?': [any, ''], 'description?': S },
  Tenant: { tenant: R, provider: R, connect: S, attributes: [any, ''], network: R, 'interconnect?': [interconnect, 'an object of { tenantNetwork, providerNetwork }'] },
  View: { type: S, url: S, 'description?': S },
  Addition: { provider: S, tenancy: S, sliver: S, type: S, attributes: [object, 'an object'] },
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
};

/**
 * The first problem with the shape of a model read from JSON, or undefined when it has
 * none: for example `networks[2] (site1/web/lan): "joined" must be a list of keys (got a string)`.
 */
export function modelShapeProblem(doc: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof doc.name !== 'string') return 'the model has no "name" (a string)';
  const keys = new Set<string>();
  for (const c of COLLECTIONS) {
    const list = doc[c];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `"${c}" must be a list (got ${describe(list)})`;
    for (let i = 0; i < list.length; i++) {
      const o = list[i] as Record<string, unknown>;
      const at = `${c}[${i}]`;
      if (!object(o) || !str(o.key) || !str(o.kind)) return `${at} is not a model object (it needs a "kind" and a "key")`;
      const where = `${at} (${String(o.key).length > 80 ? `${String(o.key).slice(0, 77)}...` : o.key})`;
      if (o.kind !== KIND_OF[c]) return `${where} is a ${String(o.kind).slice(0, 40)} in the list of ${c}, which holds ${KIND_OF[c]}s`;
      if (keys.has(o.key as string)) return `${where}: the key is used twice; every object's key is unique`;
      keys.add(o.key as string);
      if (!str(o.name)) return `${where}: "name" must be a string (got ${describe(o.name)})`;
      for (const [field, [check, what]] of Object.entries(FIELDS[KIND_OF[c]])) {
        const optional = field.endsWith('?');
        const name = optional ? field.slice(0, -1) : field;
        const v = o[name];
        if (v === undefined && optional) continue;
        if (v === undefined) return `${where}: "${name}" is missing; it must be ${what}`;
        if (!check(v)) return `${where}: "${name}" must be ${what} (got ${describe(v)})`;
      }
    }
  }
  // A Sliver's Slice and a Network's owner are its parents in the construct tree: a program
  // cannot leave them out, and what reads a model counts on them.
  const kindOfKey = new Map<string, unknown>();
  for (const c of COLLECTIONS) for (const o of (doc[c] as Record<string, unknown>[] | undefined) ?? []) kindOfKey.set(o.key as string, o.kind);
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

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : typeof v} ${String(v)}`.trim();
}
