/**
 * Build a Cloud's construct tree from a schema-valid recipe: the same constructs a
 * TypeScript program declares, so the same model, rules and synthesis follow. Objects refer
 * to each other by id (or by path, `site/slice`, or by their `name:`); a reference that names
 * nothing, names several things, or names a thing of another kind is a problem at its line.
 */
import * as path from 'path';
import { Cloud } from '../../constructs/cloud';
import type { XosConstruct } from '../../constructs/base';
import type { TenantInstance } from '../../constructs/instance';
import type { Privilege } from '../../constructs/privilege';
import { Controller, Deployment, Flavor, Image, NetworkTemplate, type Node } from '../../constructs/infra';
import { Secret, type Credentials } from '../../constructs/secret';
import { Service, type InstanceInfo, type PoolSpec, type TenantSliver } from '../../constructs/service';
import { Site } from '../../constructs/site';
import type { Network, Slice, SliverProps } from '../../constructs/slice';
import { User } from '../../constructs/user';
import { View } from '../../constructs/view';
import type { BackendKind, ConnectMode, Kind } from '../model/types';
import { pathText, positionAt, type RecipePath, type RecipeProblem, type RecipeSource } from './source';
import { didYouMean, listOf } from './suggest';
import { parseRecords, recordSource, type DataRecord } from '../data/records';
import { fillRow, fillText } from './rows';
import { hookFrom, INSTANCE_PLACEHOLDER_ROOTS, placeholderProblem, placeholders, type AdditionTemplate } from './template';

/* The recipe's shape, as the schema guarantees it. */
type Map_<T> = Readonly<Record<string, T>>;
interface Ack {
  readonly rule: string;
  readonly reason: string;
  readonly finding?: string;
}
interface Acks {
  readonly acknowledge?: readonly Ack[];
}
type SecretDoc = { readonly env?: string; readonly tfvar?: string };
interface SiteDoc extends Acks {
  readonly name?: string;
  readonly loginBase?: string;
  readonly url?: string;
  readonly location?: string;
  readonly nodes?: Map_<{ readonly deployment: string } & Acks>;
  readonly slices?: Map_<SliceDoc>;
}
interface SliceDoc extends Acks {
  readonly name?: string;
  readonly image: string;
  readonly flavor: string;
  readonly description?: string;
  readonly slivers?: Map_<SliverDoc>;
  readonly networks?: Map_<NetworkDoc>;
  readonly join?: readonly string[];
}
interface SliverDoc extends Acks {
  readonly node?: string;
  readonly deployment?: string;
  readonly site?: string;
  readonly image?: string;
  readonly count?: number;
}
interface NetworkDoc extends Acks {
  readonly cidr: string;
  readonly template: string;
  readonly ports?: string | number | { readonly low: number; readonly high: number };
  readonly public?: boolean;
  readonly site?: string;
  readonly bandwidthMbps?: number;
  readonly allowJoin?: readonly string[];
}
interface DeploymentDoc extends Acks {
  readonly hostSites?: readonly string[];
  readonly acquireSites?: readonly string[];
  readonly images?: readonly string[];
  readonly flavors?: readonly string[];
  readonly networkTemplates?: readonly string[];
  readonly limits?: { readonly cores?: number; readonly instances?: number; readonly ramMb?: number };
  readonly existingCatalog?: boolean;
}
interface ControllerDoc extends Acks {
  readonly backend: BackendKind;
  readonly deployment?: string;
  readonly sites?: readonly string[];
  readonly url?: string;
  readonly region?: string;
  readonly credentials?: Map_<SecretDoc>;
  readonly stackName?: string;
}
type RoleList = string | readonly string[];
interface UserDoc extends Acks {
  readonly site: string;
  readonly name?: string;
  readonly email?: string;
  readonly publicKeys?: readonly string[];
  readonly roles?: { readonly root?: RoleList; readonly sites?: Map_<RoleList>; readonly slices?: Map_<RoleList>; readonly deployments?: Map_<RoleList> };
}
interface TenancyDoc extends Acks {
  readonly provider: string;
  readonly connect: ConnectMode;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly network?: string;
  readonly cidr?: string;
  readonly template?: string;
}
interface ServiceDoc extends Acks {
  readonly slices?: readonly string[];
  readonly controller?: string;
  readonly tenantSchema?: Readonly<Record<string, unknown>>;
  readonly ports?: readonly (number | { readonly port: number; readonly protocol?: 'tcp' | 'udp' | 'icmp' })[];
  readonly credentials?: Map_<SecretDoc>;
  readonly description?: string;
  readonly onTenantInstance?: readonly AdditionDoc[];
  readonly tenantOf?: readonly TenancyDoc[];
  readonly abstract?: boolean;
  readonly acceptsUsers?: boolean;
  readonly instanceSchema?: Readonly<Record<string, unknown>>;
  readonly unique?: readonly (string | readonly string[])[];
  readonly pools?: Map_<PoolSpec>;
  readonly onInstance?: readonly AdditionDoc[];
  readonly instances?: Map_<InstanceDoc>;
}
interface AdditionDoc {
  readonly id: string;
  readonly type: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}
interface InstanceDoc extends Acks {
  readonly subscriber: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}
interface SubscribersDoc {
  readonly file: string;
  readonly user?: { readonly id?: string; readonly site: string; readonly name?: string; readonly email?: string };
  readonly chain: readonly { readonly provider: string; readonly id?: string; readonly subscriber?: string; readonly attributes?: Readonly<Record<string, unknown>> }[];
}
export interface RecipeDoc {
  readonly cloud: string;
  readonly sites?: Map_<SiteDoc>;
  readonly images?: Map_<{ readonly name?: string; readonly diskFormat?: string; readonly containerFormat?: string; readonly sourceUrl?: string } & Acks>;
  readonly flavors?: Map_<{ readonly name?: string; readonly cores: number; readonly ramMb: number; readonly diskGb?: number } & Acks>;
  readonly networkTemplates?: Map_<{ readonly visibility?: 'public' | 'private'; readonly translation?: 'none' | 'nat'; readonly description?: string } & Acks>;
  readonly deployments?: Map_<DeploymentDoc>;
  readonly controllers?: Map_<ControllerDoc>;
  readonly users?: Map_<UserDoc>;
  readonly services?: Map_<ServiceDoc>;
  readonly subscribers?: readonly SubscribersDoc[];
  readonly views?: Map_<{ readonly type: 'javascript' | 'iframe'; readonly url: string; readonly description?: string } & Acks>;
}

/** One declared object: its kind, its path (the model key it will have), and where it is written. */
interface Decl {
  readonly kind: Kind;
  readonly id: string;
  readonly path: string;
  readonly name: string;
  readonly at: RecipePath;
}

/** Where each kind is declared in a recipe, for "declare it under ..." fixes. */
const DECLARED_UNDER: Partial<Record<Kind, string>> = {
  Site: 'sites',
  Node: 'sites.<site>.nodes',
  Slice: 'sites.<site>.slices',
  Network: 'sites.<site>.slices.<slice>.networks',
  Image: 'images',
  Flavor: 'flavors',
  NetworkTemplate: 'networkTemplates',
  Deployment: 'deployments',
  Controller: 'controllers',
  User: 'users',
  Service: 'services',
};

const entries = <T>(m: Map_<T> | undefined): [string, T][] => Object.entries(m ?? {});
const rolesOf = (r: RoleList | undefined): string[] => (r === undefined ? [] : typeof r === 'string' ? [r] : [...r]);

/** Build the Cloud a recipe describes; returns the problems instead when there are any. */
export function buildRecipe(src: RecipeSource, doc: RecipeDoc, file: string): { cloud?: Cloud; problems: RecipeProblem[] } {
  const problems: RecipeProblem[] = [];
  const problem = (at: RecipePath, message: string, where: 'key' | 'value' = 'value') => problems.push({ path: at, position: positionAt(src, at, where), message });

  // 1. Every declared object, so references can be resolved in any order.
  const decls: Decl[] = [];
  const root = new Map<string, Decl>();
  const declare = (kind: Kind, id: string, path: string, name: string, at: RecipePath, space: Map<string, Decl>) => {
    const prev = space.get(id);
    if (prev) {
      const pos = positionAt(src, prev.at, 'key');
      problem(at, `the id '${id}' is already taken by the ${prev.kind} at line ${pos.line} (${pathText(prev.at)}); ids in one scope are keys of the model and must differ. Rename one of them.`, 'key');
      return;
    }
    const d: Decl = { kind, id, path, name, at };
    space.set(id, d);
    decls.push(d);
  };
  for (const [id, s] of entries(doc.sites)) {
    declare('Site', id, id, s.name ?? id, ['sites', id], root);
    const inSite = new Map<string, Decl>();
    for (const [nid] of entries(s.nodes)) declare('Node', nid, `${id}/${nid}`, nid, ['sites', id, 'nodes', nid], inSite);
    for (const [lid, l] of entries(s.slices)) {
      declare('Slice', lid, `${id}/${lid}`, l.name ?? lid, ['sites', id, 'slices', lid], inSite);
      const inSlice = new Map<string, Decl>();
      for (const [vid, v] of entries(l.slivers)) {
        const ids = v.count === undefined ? [vid] : Array.from({ length: v.count }, (_, i) => `${vid}-${i + 1}`);
        for (const x of ids) declare('Sliver', x, `${id}/${lid}/${x}`, x, ['sites', id, 'slices', lid, 'slivers', vid], inSlice);
      }
      for (const [nid] of entries(l.networks)) declare('Network', nid, `${id}/${lid}/${nid}`, nid, ['sites', id, 'slices', lid, 'networks', nid], inSlice);
    }
  }
  const topLevel: [keyof RecipeDoc, Kind][] = [
    ['images', 'Image'],
    ['flavors', 'Flavor'],
    ['networkTemplates', 'NetworkTemplate'],
    ['deployments', 'Deployment'],
    ['controllers', 'Controller'],
    ['users', 'User'],
    ['services', 'Service'],
    ['views', 'View'],
  ];
  for (const [coll, kind] of topLevel) {
    for (const [id, o] of entries(doc[coll] as Map_<{ name?: string }> | undefined)) declare(kind, id, id, o?.name ?? id, [coll, id], root);
  }

  // 2. References. Each kind's declarations indexed once by every path suffix and by name: a
  // recipe with a hundred thousand subscribers resolves as many references.
  const indexes = new Map<Kind, { all: Decl[]; bySuffix: Map<string, Decl[]>; byName: Map<string, Decl[]> }>();
  const indexOf = (kind: Kind) => {
    let ix = indexes.get(kind);
    if (ix) return ix;
    ix = { all: [], bySuffix: new Map(), byName: new Map() };
    const push = (m: Map<string, Decl[]>, k: string, d: Decl) => {
      const l = m.get(k);
      if (l) l.push(d);
      else m.set(k, [d]);
    };
    for (const d of decls) {
      if (d.kind !== kind) continue;
      ix.all.push(d);
      const parts = d.path.split('/');
      for (let i = 0; i < parts.length; i++) push(ix.bySuffix, parts.slice(i).join('/'), d);
      push(ix.byName, d.name, d);
    }
    indexes.set(kind, ix);
    return ix;
  };
  const lookup = (kind: Kind, ref: string): Decl[] => {
    const ix = indexOf(kind);
    return ix.bySuffix.get(ref) ?? ix.byName.get(ref) ?? [];
  };
  const resolve = (kind: Kind, ref: string, at: RecipePath): Decl | undefined => {
    const ofKind = indexOf(kind).all;
    const match = (ds: Decl[]) => {
      const byPath = ds.filter((d) => d.path === ref || d.path.endsWith('/' + ref));
      return byPath.length ? byPath : ds.filter((d) => d.name === ref);
    };
    const hits = lookup(kind, ref);
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) {
      problem(at, `'${ref}' is ambiguous: it names ${hits.length} ${kind}s (${hits.map((h) => h.path).join(', ')}). Write the path of the one you mean, for example '${hits[0].path}'.`);
      return undefined;
    }
    const other = match(decls.filter((d) => d.kind !== kind));
    const known = ofKind.map((d) => d.path);
    if (other.length) {
      problem(at, `'${ref}' is a ${other[0].kind} (${pathText(other[0].at)}), not a ${kind}. Name a ${kind} here: ${listOf(known)}.`);
      return undefined;
    }
    const under = DECLARED_UNDER[kind] ? ` or declare it under ${DECLARED_UNDER[kind]}` : '';
    problem(at, `unknown ${kind} '${ref}'.${didYouMean(ref, [...ofKind.map((d) => d.id), ...known])} Known ${kind}s: ${listOf(known)}. Name one of those${under}.`);
    return undefined;
  };

  // Placeholders in the per-tenant-instance templates.
  for (const [sid, s] of entries(doc.services)) {
    const props = s.tenantSchema && typeof s.tenantSchema.properties === 'object' && s.tenantSchema.properties ? Object.keys(s.tenantSchema.properties as object) : undefined;
    (s.onTenantInstance ?? []).forEach((t, i) => {
      for (const p of placeholders(t)) {
        const why = placeholderProblem(p.expression, props);
        if (why) problem(['services', sid, 'onTenantInstance', i, ...p.at], why);
      }
    });
  }
  for (const [sid, s] of entries(doc.services)) {
    const schema = s.instanceSchema ?? s.tenantSchema;
    const props = schema && typeof schema.properties === 'object' && schema.properties ? [...Object.keys(schema.properties as object), ...Object.keys(s.pools ?? {})] : undefined;
    (s.onInstance ?? []).forEach((t, i) => {
      for (const p of placeholders(t)) {
        const why = placeholderProblem(p.expression, props, INSTANCE_PLACEHOLDER_ROOTS, s.instanceSchema ? 'instanceSchema' : 'tenantSchema');
        if (why) problem(['services', sid, 'onInstance', i, ...p.at], why);
      }
    });
  }
  // Sliver placement: a Node, or a Deployment the back-end places on.
  for (const [sid, s] of entries(doc.sites))
    for (const [lid, l] of entries(s.slices))
      for (const [vid, v] of entries(l.slivers)) {
        const at = ['sites', sid, 'slices', lid, 'slivers', vid];
        if (v.node && v.deployment) problem(at, "a Sliver runs on a Node or on a Deployment, not both: keep 'node:' (placed by you) or 'deployment:' (placed by the back-end).", 'key');
        else if (!v.node && !v.deployment) problem(at, "a Sliver needs 'node:' (the Node it runs on) or 'deployment:' (the Deployment whose back-end places it). Add one.", 'key');
        else if (v.node && v.site) problem([...at, 'site'], "'site:' applies only with 'deployment:'; a Sliver on a Node runs at the Node's Site. Remove it.", 'key');
      }
  // 3. Constructs, in the order their references need.
  Cloud.reset();
  const cloud = new Cloud({ name: doc.cloud });
  const made = new Map<string, XosConstruct>();
  const absFile = file;
  const locate = (c: XosConstruct, at: RecipePath) => {
    const pos = positionAt(src, at, 'key');
    // The recipe, not the loader's stack, is where the object was declared.
    Object.defineProperty(c, 'source', { value: { file: absFile, line: pos.line, column: pos.column }, configurable: true });
  };
  const attempt = <T>(at: RecipePath, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      // An object already reported (a taken id, a bad placement) fails here again: say it once.
      const said = pathText(at);
      if (!problems.some((p) => pathText(p.path) === said)) problem(at, `${(e as Error).message.split('\n')[0].replace(/\.$/, '')}. Fix this object.`, 'key');
      return undefined;
    }
  };
  const acknowledge = (c: XosConstruct, o: Acks, at: RecipePath) => (o.acknowledge ?? []).forEach((a, i) => attempt([...at, 'acknowledge', i], () => c.acknowledge(a.rule, a.reason, a.finding !== undefined ? { finding: a.finding } : {})));
  const add = <T extends XosConstruct>(c: T | undefined, path: string, o: Acks, at: RecipePath): T | undefined => {
    if (!c) return undefined;
    made.set(path, c);
    locate(c, at);
    acknowledge(c, o, at);
    return c;
  };
  const get = <T extends XosConstruct>(kind: Kind, ref: string | undefined, at: RecipePath): T | undefined => {
    if (ref === undefined) return undefined;
    const d = resolve(kind, ref, at);
    return d ? (made.get(d.path) as T | undefined) : undefined;
  };
  const getAll = <T extends XosConstruct>(kind: Kind, refs: readonly string[] | undefined, at: RecipePath): T[] =>
    (refs ?? []).map((r, i) => get<T>(kind, r, [...at, i])).filter((x): x is T => !!x);
  const secrets = (m: Map_<SecretDoc> | undefined): Credentials =>
    Object.fromEntries(entries(m).map(([k, v]) => [k, v.env !== undefined ? Secret.env(v.env) : Secret.tfVar(v.tfvar as string)]));

  for (const [id, s] of entries(doc.sites)) add(attempt(['sites', id], () => new Site(cloud, id, { name: s.name, loginBase: s.loginBase, url: s.url, location: s.location })), id, s, ['sites', id]);
  for (const [id, o] of entries(doc.images)) add(attempt(['images', id], () => new Image(cloud, id, { name: o.name, diskFormat: o.diskFormat, containerFormat: o.containerFormat, sourceUrl: o.sourceUrl })), id, o, ['images', id]);
  for (const [id, o] of entries(doc.flavors)) add(attempt(['flavors', id], () => new Flavor(cloud, id, { name: o.name, cores: o.cores, ramMb: o.ramMb, diskGb: o.diskGb })), id, o, ['flavors', id]);
  for (const [id, o] of entries(doc.networkTemplates))
    add(attempt(['networkTemplates', id], () => new NetworkTemplate(cloud, id, { visibility: o.visibility, translation: o.translation, description: o.description })), id, o, ['networkTemplates', id]);
  for (const [id, d] of entries(doc.deployments)) {
    const at = ['deployments', id];
    const props = {
      hostSites: getAll<Site>('Site', d.hostSites, [...at, 'hostSites']),
      acquireSites: getAll<Site>('Site', d.acquireSites, [...at, 'acquireSites']),
      images: getAll<Image>('Image', d.images, [...at, 'images']),
      flavors: getAll<Flavor>('Flavor', d.flavors, [...at, 'flavors']),
      networkTemplates: getAll<NetworkTemplate>('NetworkTemplate', d.networkTemplates, [...at, 'networkTemplates']),
      limits: d.limits,
      existingCatalog: d.existingCatalog,
    };
    add(attempt(at, () => new Deployment(cloud, id, props)), id, d, at);
  }
  for (const [id, c] of entries(doc.controllers)) {
    const at = ['controllers', id];
    const props = {
      backend: c.backend,
      deployment: get<Deployment>('Deployment', c.deployment, [...at, 'deployment']),
      sites: getAll<Site>('Site', c.sites, [...at, 'sites']),
      url: c.url,
      region: c.region,
      credentials: secrets(c.credentials),
      stackName: c.stackName,
    };
    add(attempt(at, () => new Controller(cloud, id, props)), id, c, at);
  }
  for (const [sid, s] of entries(doc.sites)) {
    const site = made.get(sid) as Site | undefined;
    if (!site) continue;
    for (const [nid, n] of entries(s.nodes)) {
      const at = ['sites', sid, 'nodes', nid];
      const deployment = get<Deployment>('Deployment', n.deployment, [...at, 'deployment']);
      if (deployment) add(attempt(at, () => site.addNode(nid, { deployment })), `${sid}/${nid}`, n, at);
    }
  }
  for (const [id, u] of entries(doc.users)) {
    const at = ['users', id];
    const site = get<Site>('Site', u.site, [...at, 'site']);
    if (site) add(attempt(at, () => new User(cloud, id, { site, name: u.name, email: u.email, publicKeys: u.publicKeys })), id, u, at);
  }
  for (const [sid, s] of entries(doc.sites)) {
    const site = made.get(sid) as Site | undefined;
    if (!site) continue;
    for (const [lid, l] of entries(s.slices)) {
      const at = ['sites', sid, 'slices', lid];
      const image = get<Image>('Image', l.image, [...at, 'image']);
      const flavor = get<Flavor>('Flavor', l.flavor, [...at, 'flavor']);
      if (image && flavor) add(attempt(at, () => site.addSlice(lid, { image, flavor, name: l.name, description: l.description })), `${sid}/${lid}`, l, at);
    }
  }
  for (const [sid, s] of entries(doc.sites))
    for (const [lid, l] of entries(s.slices)) {
      // References are resolved (and reported) even when the Slice itself could not be made.
      const slice = made.get(`${sid}/${lid}`) as Slice | undefined;
      for (const [nid, n] of entries(l.networks)) {
        const at = ['sites', sid, 'slices', lid, 'networks', nid];
        const template = get<NetworkTemplate>('NetworkTemplate', n.template, [...at, 'template']);
        const props = {
          cidr: n.cidr,
          template: template as NetworkTemplate,
          ports: typeof n.ports === 'number' ? String(n.ports) : n.ports,
          public: n.public,
          site: get<Site>('Site', n.site, [...at, 'site']),
          bandwidthMbps: n.bandwidthMbps,
          allowJoin: getAll<Slice>('Slice', n.allowJoin, [...at, 'allowJoin']),
        };
        if (slice && template) add(attempt(at, () => slice.addNetwork(nid, props)), `${sid}/${lid}/${nid}`, n, at);
      }
      for (const [vid, v] of entries(l.slivers)) {
        const at = ['sites', sid, 'slices', lid, 'slivers', vid];
        const image = get<Image>('Image', v.image, [...at, 'image']);
        let placement: SliverProps | undefined;
        if (v.node) {
          const node = get<Node>('Node', v.node, [...at, 'node']);
          if (node) placement = { node, ...(image ? { image } : {}) };
        } else {
          const deployment = get<Deployment>('Deployment', v.deployment, [...at, 'deployment']);
          const site = get<Site>('Site', v.site, [...at, 'site']);
          if (deployment) placement = { deployment, ...(site ? { site } : {}), ...(image ? { image } : {}) };
        }
        if (!placement || !slice) continue;
        const p = placement;
        if (v.count === undefined) add(attempt(at, () => slice.addSliver(vid, p)), `${sid}/${lid}/${vid}`, v, at);
        else (attempt(at, () => slice.addSlivers(vid, v.count as number, p)) ?? []).forEach((x) => add(x, `${sid}/${lid}/${x.node.id}`, v, at));
      }
    }
  for (const [sid, s] of entries(doc.sites))
    for (const [lid, l] of entries(s.slices)) {
      const slice = made.get(`${sid}/${lid}`) as Slice | undefined;
      for (const n of getAll<Network>('Network', l.join, ['sites', sid, 'slices', lid, 'join'])) slice?.join(n);
    }
  for (const [id, s] of entries(doc.services)) {
    const at = ['services', id];
    const templatesOf = (key: 'onTenantInstance' | 'onInstance'): AdditionTemplate[] =>
      (s[key] ?? []).map((t, i) => {
        const pos = positionAt(src, [...at, key, i]);
        return { ...t, where: `${src.file}:${pos.line}:${pos.column}` };
      });
    const templates = templatesOf('onTenantInstance');
    const instanceTemplates = templatesOf('onInstance');
    const props = {
      slices: getAll<Slice>('Slice', s.slices, [...at, 'slices']),
      controller: get<Controller>('Controller', s.controller, [...at, 'controller']),
      tenantSchema: s.tenantSchema,
      ports: s.ports,
      credentials: secrets(s.credentials),
      description: s.description,
      ...(templates.length ? { onTenantInstance: hookFrom<TenantSliver>(templates) } : {}),
      ...(s.abstract !== undefined ? { abstract: s.abstract } : {}),
      ...(s.acceptsUsers !== undefined ? { acceptsUsers: s.acceptsUsers } : {}),
      ...(s.instanceSchema !== undefined ? { instanceSchema: s.instanceSchema } : {}),
      ...(s.unique !== undefined ? { unique: s.unique } : {}),
      ...(s.pools !== undefined ? { pools: s.pools } : {}),
      ...(instanceTemplates.length ? { onInstance: hookFrom<InstanceInfo>(instanceTemplates) } : {}),
    };
    add(attempt(at, () => new Service(cloud, id, props)), id, s, at);
  }
  for (const [id, s] of entries(doc.services)) {
    const svc = made.get(id) as Service | undefined;
    (s.tenantOf ?? []).forEach((t, i) => {
      const at = ['services', id, 'tenantOf', i];
      const provider = get<Service>('Service', t.provider, [...at, 'provider']);
      const options = {
        connect: t.connect,
        attributes: t.attributes,
        network: get<Network>('Network', t.network, [...at, 'network']),
        cidr: t.cidr,
        template: get<NetworkTemplate>('NetworkTemplate', t.template, [...at, 'template']),
      };
      if (svc && provider) add(attempt(at, () => svc.tenantOf(provider, options)), `${id}/tenancy-${i}`, t, at);
    });
  }
  for (const [id, u] of entries(doc.users)) {
    const user = made.get(id) as User | undefined;
    if (!user || !u.roles) continue;
    const at = ['users', id, 'roles'];
    for (const role of rolesOf(u.roles.root)) {
      const p = attempt([...at, 'root'], () => cloud.grant(user, role as 'admin'));
      if (p) locate(p, [...at, 'root']);
    }
    const scoped: [Kind, 'sites' | 'slices' | 'deployments'][] = [
      ['Site', 'sites'],
      ['Slice', 'slices'],
      ['Deployment', 'deployments'],
    ];
    for (const [kind, coll] of scoped)
      for (const [ref, roles] of entries(u.roles[coll])) {
        const target = get<XosConstruct & { grant(user: User, role: never): Privilege }>(kind, ref, [...at, coll, ref]);
        if (!target) continue;
        for (const role of rolesOf(roles)) {
          const p = attempt([...at, coll, ref], () => target.grant(user, role as never));
          if (p) locate(p, [...at, coll, ref]);
        }
      }
  }
  buildInstances(src, doc, file, { made, problem, attempt, locate, get, lookup });

  for (const [id, v] of entries(doc.views)) add(attempt(['views', id], () => new View(cloud, id, { type: v.type, url: v.url, description: v.description })), id, v, ['views', id]);

  return problems.length ? { problems } : { cloud, problems };
}

/** What the instance builders need from buildRecipe. */
interface Builder {
  readonly made: Map<string, XosConstruct>;
  readonly problem: (at: RecipePath, message: string, where?: 'key' | 'value') => void;
  readonly attempt: <T>(at: RecipePath, fn: () => T) => T | undefined;
  readonly locate: (c: XosConstruct, at: RecipePath) => void;
  readonly get: <T extends XosConstruct>(kind: Kind, ref: string | undefined, at: RecipePath) => T | undefined;
  readonly lookup: (kind: Kind, ref: string) => readonly { readonly path: string; readonly kind: Kind }[];
}

/** How many problems of one data file are listed before the rest are counted. */
const ROW_PROBLEMS = 20;

/**
 * Tenant instances: those named under `services.<id>.instances` (a subscriber instance is
 * made before those it holds, wherever it is written), then those of `subscribers:` sections,
 * one chain per record of their data file.
 */
function buildInstances(src: RecipeSource, doc: RecipeDoc, file: string, b: Builder): void {
  const { made, problem, attempt, get, lookup } = b;
  const services = (ref: string, at: RecipePath) => get<Service>('Service', ref, at);
  // A subscriber written as a User or Service id, or `<service>/<instance id>`.
  const instanceOf = (ref: string): TenantInstance | undefined => {
    const slash = ref.indexOf('/');
    if (slash <= 0) return undefined;
    const svc = lookup('Service', ref.slice(0, slash));
    if (svc.length !== 1) return undefined;
    return (made.get(svc[0].path) as Service | undefined)?.instance(ref.slice(slash + 1));
  };
  type Holder = User | Service | TenantInstance;
  const principal = (ref: string): { holder?: Holder; why?: string } => {
    if (ref.includes('/')) {
      const i = instanceOf(ref);
      if (i) return { holder: i };
      const svc = lookup('Service', ref.slice(0, ref.indexOf('/')));
      return { why: svc.length ? `Service ${ref.slice(0, ref.indexOf('/'))} has no instance '${ref.slice(ref.indexOf('/') + 1)}' (declared before this one)` : `'${ref.slice(0, ref.indexOf('/'))}' is not a Service of this recipe` };
    }
    const users = lookup('User', ref);
    const svcs = lookup('Service', ref);
    if (users.length + svcs.length > 1) return { why: `'${ref}' names ${users.length + svcs.length} objects (${[...users, ...svcs].map((d) => `${d.kind} ${d.path}`).join(', ')}); write the one you mean` };
    const d = users[0] ?? svcs[0];
    if (!d) return { why: `'${ref}' is not a User or a Service of this recipe, and not an instance (<service>/<id>)` };
    return { holder: made.get(d.path) as Holder | undefined, why: made.get(d.path) ? undefined : `${d.kind} ${d.path} could not be made` };
  };

  // 1. Named instances, subscribers first.
  type Pending = { sid: string; svc: Service; id: string; doc: InstanceDoc; at: RecipePath };
  let pending: Pending[] = [];
  for (const [sid, s] of Object.entries(doc.services ?? {})) {
    const svc = made.get(sid) as Service | undefined;
    for (const [id, i] of Object.entries(s.instances ?? {})) {
      const at = ['services', sid, 'instances', id];
      if (svc) pending.push({ sid, svc, id, doc: i, at });
    }
  }
  for (let progress = true; pending.length && progress; ) {
    progress = false;
    const later: Pending[] = [];
    for (const p of pending) {
      const { holder } = principal(p.doc.subscriber);
      if (!holder) {
        later.push(p);
        continue;
      }
      progress = true;
      const inst = attempt(p.at, () => p.svc.addTenant(p.id, { subscriber: holder, attributes: p.doc.attributes }));
      if (!inst) continue;
      const pos = positionAt(src, p.at, 'key');
      Object.defineProperty(inst, 'source', { value: { file, line: pos.line, column: pos.column }, configurable: true });
      (p.doc.acknowledge ?? []).forEach((a, n) => attempt([...p.at, 'acknowledge', n], () => inst.acknowledge(a.rule, a.reason)));
    }
    pending = later;
  }
  for (const p of pending) {
    const { why } = principal(p.doc.subscriber);
    problem([...p.at, 'subscriber'], `${why ?? `'${p.doc.subscriber}' holds this instance, and this instance (through others) holds it`}. Name a User, a Service, or an instance <service>/<id> declared in this recipe.`);
  }

  // 2. Subscribers from data files.
  (doc.subscribers ?? []).forEach((section, n) => {
    const at: RecipePath = ['subscribers', n];
    const providers = section.chain.map((l, j) => services(l.provider, [...at, 'chain', j, 'provider']));
    const site = section.user ? get<Site>('Site', section.user.site, [...at, 'user', 'site']) : undefined;
    if (section.user && !site) return;
    if (!section.user && section.chain[0].subscriber === undefined) {
      problem([...at, 'chain', 0], "the first instance of each record needs a holder: declare a User per record (user: { site, ... }), or name its subscriber (subscriber: '${account}').", 'key');
      return;
    }
    section.chain.forEach((l, j) => {
      if (j > 0 && l.subscriber !== undefined) problem([...at, 'chain', j, 'subscriber'], 'only the first instance of a chain names its subscriber: each next one is held by the one before. Remove it.', 'key');
    });
    if (providers.some((p) => !p)) return;
    const dataFile = path.resolve(path.dirname(file), section.file);
    const shown = path.relative(process.cwd(), dataFile) || dataFile;
    let rows: DataRecord[];
    try {
      const fs = require('fs') as typeof import('fs');
      rows = parseRecords(fs.readFileSync(dataFile, 'utf8'), shown, dataFile);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problem([...at, 'file'], code === 'ENOENT' ? `the data file ${section.file} is not there (${shown}). A data file is named relative to the recipe.` : (e as Error).message.replace(/\.$/, ''));
      return;
    }
    let failures = 0;
    const fail = (row: DataRecord, message: string) => {
      failures++;
      if (failures > ROW_PROBLEMS) return;
      problem([...at, 'file'], `${shown}:${recordSource(row)?.line ?? '?'}: ${message}`);
    };
    for (const row of rows) {
      try {
        let holder: Holder | undefined;
        if (section.user) {
          const id = fillText(section.user.id ?? '${id}', row, 'the User id');
          const name = section.user.name === undefined ? undefined : fillText(section.user.name, row, 'the User name');
          const email = section.user.email === undefined ? undefined : fillRow(section.user.email, row);
          const u = new User(site!.node.scope as Cloud, id, { site: site!, ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email: String(email) } : {}) });
          const src0 = recordSource(row);
          if (src0) Object.defineProperty(u, 'source', { value: src0, configurable: true });
          holder = u;
        } else {
          const ref = fillText(section.chain[0].subscriber!, row, 'the subscriber');
          const found = principal(ref);
          if (!found.holder) throw new Error(`${found.why}`);
          holder = found.holder;
        }
        section.chain.forEach((l, j) => {
          const id = fillText(l.id ?? '${id}', row, 'the instance id');
          const attributes = l.attributes === undefined ? undefined : (fillRow(l.attributes, row) as Record<string, unknown>);
          holder = providers[j]!.addTenant(id, { subscriber: holder!, ...(attributes ? { attributes } : {}), from: row });
        });
      } catch (e) {
        fail(row, `${(e as Error).message.split('\n')[0].replace(/\.$/, '')}. Fix this record, or the section's templates.`);
      }
    }
    if (failures > ROW_PROBLEMS) problem([...at, 'file'], `and ${failures - ROW_PROBLEMS} more records of ${shown} with problems (${failures} in all).`);
  });
}
