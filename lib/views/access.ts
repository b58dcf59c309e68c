/**
 * What a User may read and write, from the roles the User holds and the scopes of
 * the invariants' "Write scope" and "Read scope" (docs/rules.md, RBAC). Pure functions over the model index.
 *
 * Where the table is terse, these choices are made (and shown in `xos view`):
 * - A role on an object lets the holder read that object (a Slice `access` user reads the
 *   Slice, its Slivers and Networks: they log into those Slivers).
 * - "Everything in a Slice" is its Slivers, the Networks it owns, its Slice privileges and
 *   the Service it implements (with that Service's own objects: its tenancies and what
 *   providers add for its instances); a Site `admin` or `pi` therefore writes what a Slice
 *   `admin` of each of the Site's Slices writes.
 * - A Service's developer reads both sides of its tenancies (who it is a tenant of, who is
 *   a tenant of it) and the peer Services' records, but not the peers' Slices.
 * - A `default` user reads the home Site's own objects: its Nodes, Users, Slices and the
 *   privileges at the Site; not what is inside the Slices.
 * - A subscriber (a User whose tenant-instance chains start at them) reads and writes the
 *   instances of those chains (RBAC-009); the provider Services' Slice admins write them too,
 *   as the provider's own objects.
 */
import type { ModelIndex } from '../model/index';
import type { ModelObject, PrivilegeModel, PrivilegeScope, UserModel } from '../model/types';
import { COLLECTIONS } from '../model/types';

/** One role a User holds; `implicit` for the `default` role every User has. */
export interface HeldRole {
  readonly scope: PrivilegeScope;
  /** The Site, Slice or Deployment; null at root scope. */
  readonly target: string | null;
  readonly role: string;
  /** The privilege's key, or undefined for the implicit `default`. */
  readonly privilege?: string;
  readonly implicit?: boolean;
}

/** What one User may read, write and log into. */
export interface Access {
  readonly user: UserModel;
  readonly roles: readonly HeldRole[];
  readonly read: ReadonlySet<string>;
  readonly write: ReadonlySet<string>;
  /** Slivers the User may log into (every Sliver of a Slice the User holds a Slice role on). */
  readonly login: ReadonlySet<string>;
  readonly rootAdmin: boolean;
}

/** Every User of the model by key and by name, for lookups from the command line. */
export function findUser(index: ModelIndex, who: string): UserModel | undefined {
  const users = index.model.users;
  return users.find((u) => u.key === who) ?? users.find((u) => u.name === who);
}

/** The roles a User holds, explicit grants first (by key), then the implicit `default`. */
export function rolesOf(index: ModelIndex, user: string): HeldRole[] {
  const grants = [...(index.privilegesByUser.get(user) ?? [])].sort(byKey);
  const roles: HeldRole[] = grants.map((p: PrivilegeModel) => ({ scope: p.scope, target: p.target, role: p.role, privilege: p.key }));
  if (!roles.some((r) => r.scope === 'root' && r.role === 'default')) roles.push({ scope: 'root', target: null, role: 'default', implicit: true });
  return roles;
}

/** What `user` (a User's key) may read, write and log into. */
export function accessOf(index: ModelIndex, user: string): Access {
  const u = index.get<UserModel>(user);
  if (!u || u.kind !== 'User') throw new Error(`accessOf: '${user}' is not a User of the model`);
  const model = index.model;
  const roles = rolesOf(index, user);
  const write = new Set<string>();
  const read = new Set<string>();
  const login = new Set<string>();
  const rootAdmin = roles.some((r) => r.scope === 'root' && r.role === 'admin');

  const all = (): ModelObject[] => COLLECTIONS.flatMap((c) => model[c] as readonly ModelObject[]);
  const under = (prefix: string): string[] => all().filter((o) => o.key === prefix || o.key.startsWith(prefix + '/')).map((o) => o.key);

  /** A Slice and everything in it, as a Slice `admin` writes it. */
  const sliceContents = (slice: string): string[] => {
    const out = [
      ...(index.sliversBySlice.get(slice) ?? []).map((v) => v.key),
      ...(index.networksByOwner.get(slice) ?? []).map((n) => n.key),
      ...(index.privilegesByTarget.get(slice) ?? []).filter((p) => p.scope === 'slice').map((p) => p.key),
    ];
    const svc = index.servicesBySlice.get(slice);
    if (svc) out.push(...under(svc.key));
    return out;
  };

  if (rootAdmin) {
    for (const o of all()) {
      write.add(o.key);
      read.add(o.key);
    }
  }

  for (const r of roles) {
    if (r.scope === 'root' && r.role === 'default') write.add(user);
    if (r.scope === 'site' && r.target) {
      const site = r.target;
      read.add(site);
      const nodes = model.nodes.filter((n) => n.site === site).map((n) => n.key);
      const users = model.users.filter((x) => x.site === site).map((x) => x.key);
      const slices = (index.slicesBySite.get(site) ?? []).map((s) => s.key);
      if (r.role === 'admin' || r.role === 'tech') nodes.forEach((k) => write.add(k));
      if (r.role === 'admin' || r.role === 'pi') {
        for (const k of [...users, ...slices]) write.add(k);
        for (const s of slices) sliceContents(s).forEach((k) => write.add(k));
      }
      if (r.role === 'admin') (index.privilegesByTarget.get(site) ?? []).forEach((p) => write.add(p.key));
    }
    if (r.scope === 'slice' && r.target) {
      const slice = r.target;
      read.add(slice);
      for (const v of index.sliversBySlice.get(slice) ?? []) {
        login.add(v.key);
        read.add(v.key);
      }
      for (const n of index.networksOfSlice.get(slice) ?? []) read.add(n.key);
      if (r.role === 'admin') sliceContents(slice).forEach((k) => write.add(k));
    }
    if (r.scope === 'deployment' && r.target && r.role === 'admin') {
      const d = index.get(r.target);
      if (d && d.kind === 'Deployment') {
        for (const k of [d.key, ...d.images, ...d.flavors, ...d.networkTemplates]) write.add(k);
        for (const c of index.controllersByDeployment.get(d.key) ?? []) write.add(c.key);
        for (const p of index.privilegesByTarget.get(d.key) ?? []) write.add(p.key);
      }
    }
  }

  // RBAC-009: the instances whose chains start at the User are theirs to read and change.
  for (const k of chainsOf(index, user)) {
    write.add(k);
    read.add(k);
  }

  // Read scope: everyone lists Sites, Deployments and Nodes; `default` reads the home Site's
  // own objects; the rest follows the write scope.
  for (const c of ['sites', 'deployments', 'nodes', 'views'] as const) for (const o of model[c]) read.add(o.key);
  if (u.site) {
    read.add(u.site);
    for (const x of model.users) if (x.site === u.site) read.add(x.key);
    for (const s of index.slicesBySite.get(u.site) ?? []) read.add(s.key);
    for (const p of index.privilegesByTarget.get(u.site) ?? []) read.add(p.key);
  }
  for (const k of write) read.add(k);
  // A Service's developer sees both sides of its tenancies and the peers' records.
  for (const s of model.services) {
    if (!write.has(s.key)) continue;
    for (const t of [...(index.tenantsByTenant.get(s.key) ?? []), ...(index.tenantsByProvider.get(s.key) ?? [])]) {
      read.add(t.key);
      if (t.tenant) read.add(t.tenant);
      if (t.provider) read.add(t.provider);
    }
  }
  // A Slice's admin sees the Networks the Slice joined and the Slice's catalog entries.
  for (const s of model.slices) {
    if (!read.has(s.key) || !(write.has(s.key) || roles.some((r) => r.scope === 'slice' && r.target === s.key))) continue;
    for (const n of index.networksOfSlice.get(s.key) ?? []) read.add(n.key);
    for (const k of [s.image, s.flavor]) if (k) read.add(k);
  }
  return { user: u, roles, read, write, login, rootAdmin };
}

/**
 * The keys of every tenant instance in the chains that start at `root` (a User or a Service):
 * the instances it holds, those they hold, and so on, in breadth-first order.
 */
export function chainsOf(index: ModelIndex, root: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const inst of index.instancesBySubscriber.get(queue[i]) ?? []) {
      if (seen.has(inst.key)) continue;
      seen.add(inst.key);
      out.push(inst.key);
      queue.push(inst.key);
    }
  }
  return out;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
