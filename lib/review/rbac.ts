/**
 * Review-time access control: RBAC-006 (change authorization), RBAC-007 (grant
 * authorization), RBAC-008 (own home Site) and RBAC-009 (tenant instances), each a rule unit (`authorizationRules`: its
 * metadata beside its check, listed in RULES and docs/rules.md with the others). They live
 * here because they need what only a review has: an actor, and the change between two
 * models. They decide who may make a change, so no acknowledgement ever covers them.
 *
 * Write scopes follow the invariants' table (the RBAC rules of docs/rules.md). Where the table is silent this module
 * decides as a careful operator would, and says so:
 * - the Site object itself (create, change, delete): root `admin` only;
 * - a Service: whoever may write one of its Slices' contents (Slice `admin` of one of its
 *   Slices, Site `admin`/`pi` of that Slice's Site); a Service without Slices: `admin` of
 *   its Controller's Deployment;
 * - a tenancy (Tenant): whoever may write its tenant Service (the tenancy is the tenant's
 *   request to the provider);
 * - Images, Flavors, NetworkTemplates: `admin` of the one Deployment that offers them; one
 *   shared by several Deployments (or none): root `admin`;
 * - derived objects follow their source: an Addition its Sliver, a derived Network its Tenant;
 * - Views: root `admin`.
 * - a tenant instance (RBAC-009): a Slice `admin` of its provider Service, and the User its
 *   chain starts at (the subscriber, who holds no privilege for it: a role of their own);
 *   nobody else below root `admin`: not the Sites' admins (the rule names Slice admins),
 *   not the subscriber of a chain that starts at a Service. A provider with no Slices
 *   (abstract, or external) leaves the subscriber and root `admin`.
 * An object that changes scope (for example a Slice moved to another Site) must lie in the
 * actor's write scope both before and after. The roles an actor holds are read from the
 * base model (the authority before the change), so a change cannot authorize itself.
 */
import type { ModelIndex } from '../model/index';
import type { Kind, ModelObject, PrivilegeModel, Ref, SliceModel, UserModel } from '../model/types';
import type { ReviewRule } from '../rules/rule';

export type RoleScope = 'root' | 'site' | 'slice' | 'deployment' | 'user';

/** A role at a scope: root `admin`, Site `pi` of co1 ... */
export interface Role {
  readonly scope: RoleScope;
  readonly target: string | null;
  readonly role: string;
}

const ROOT_ADMIN: Role = { scope: 'root', target: null, role: 'admin' };
const ROOT_DEFAULT: Role = { scope: 'root', target: null, role: 'default' };
const SCOPE_ORDER: Record<RoleScope, number> = { user: 0, slice: 1, site: 2, deployment: 3, root: 4 };
const ROLE_ORDER: Record<string, number> = { admin: 0, pi: 1, tech: 2, access: 3, default: 4 };

export function roleId(r: Role): string {
  return `${r.scope}\u0000${r.target ?? ''}\u0000${r.role}`;
}

/** The role a User holds over the tenant instances whose chains start at them (RBAC-009): theirs, not granted. */
export function subscriberRole(user: string): Role {
  return { scope: 'user', target: user, role: 'subscriber' };
}

/** `root admin`, `Site pi of co1`, `Slice admin of co1/cdn`, `Deployment admin of co1-pod`, `subscriber alice`. */
export function roleLabel(r: Role): string {
  if (r.scope === 'root') return `root ${r.role}`;
  if (r.scope === 'user') return `${r.role} ${r.target}`;
  const scope = r.scope === 'site' ? 'Site' : r.scope === 'slice' ? 'Slice' : 'Deployment';
  return `${scope} ${r.role} of ${r.target}`;
}

function siteRoles(site: Ref | undefined, roles: readonly string[]): Role[] {
  return site ? roles.map((role) => ({ scope: 'site' as const, target: site, role })) : [];
}

function sliceWriters(slice: string | null | undefined, index: ModelIndex): Role[] {
  if (!slice) return [];
  const s = index.get<SliceModel>(slice);
  return [{ scope: 'slice', target: slice, role: 'admin' }, ...(s?.kind === 'Slice' ? siteRoles(s.site, ['admin', 'pi']) : [])];
}

const catalogCache = new WeakMap<ModelIndex, Map<string, string[]>>();

/** The Deployments that offer each catalog object (Image, Flavor, NetworkTemplate). */
function offeredBy(index: ModelIndex): Map<string, string[]> {
  let m = catalogCache.get(index);
  if (!m) {
    m = new Map();
    for (const d of index.model.deployments) {
      for (const k of [...d.images, ...d.flavors, ...d.networkTemplates]) {
        const l = m.get(k);
        if (l) {
          if (!l.includes(d.key)) l.push(d.key);
        } else m.set(k, [d.key]);
      }
    }
    catalogCache.set(index, m);
  }
  return m;
}

/**
 * The roles any one of which may create, change or delete `o` (as it is in `index`'s
 * model), most specific first, root `admin` last. Privileges: the roles that may grant or
 * revoke them (RBAC-007).
 */
export function writeRoles(o: ModelObject, index: ModelIndex, depth = 0): Role[] {
  const roles = depth > 8 ? [] : scopeRoles(o, index, depth);
  roles.push(ROOT_ADMIN);
  const seen = new Set<string>();
  const out = roles.filter((r) => {
    const id = roleId(r);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return out.sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] || (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || String(a.target).localeCompare(String(b.target)));
}

function scopeRoles(o: ModelObject, index: ModelIndex, depth: number): Role[] {
  const via = (key: string | null | undefined): Role[] => {
    const x = index.get(key);
    return x ? writeRoles(x, index, depth + 1) : [];
  };
  switch (o.kind) {
    case 'Site':
    case 'View':
      return [];
    case 'User':
      return siteRoles(o.site, ['admin', 'pi']);
    case 'Privilege':
      return grantRoles(o, index);
    case 'Deployment':
      return [{ scope: 'deployment', target: o.key, role: 'admin' }];
    case 'Controller':
      return o.deployment ? [{ scope: 'deployment', target: o.deployment, role: 'admin' }] : [];
    case 'Node':
      return siteRoles(o.site, ['admin', 'tech']);
    case 'Image':
    case 'Flavor':
    case 'NetworkTemplate': {
      const ds = offeredBy(index).get(o.key) ?? [];
      return ds.length === 1 ? [{ scope: 'deployment', target: ds[0], role: 'admin' }] : [];
    }
    case 'Slice':
      return siteRoles(o.site, ['admin', 'pi']);
    case 'Sliver':
      return sliceWriters(o.slice, index);
    case 'Network':
      return o.derivedFrom ? via(o.derivedFrom) : sliceWriters(o.owner, index);
    case 'Service': {
      if (o.slices.length) return o.slices.flatMap((s) => sliceWriters(s, index));
      const c = index.get(o.controller);
      return c?.kind === 'Controller' && c.deployment ? [{ scope: 'deployment', target: c.deployment, role: 'admin' }] : [];
    }
    case 'Tenant':
      return via(o.tenant);
    case 'Addition':
      return via(o.sliver);
    case 'Instance': {
      // RBAC-009: the provider's Slice admins, and the User the instance's chain starts at.
      const provider = index.get(o.provider);
      const roles: Role[] = provider?.kind === 'Service' ? provider.slices.map((s) => ({ scope: 'slice' as const, target: s, role: 'admin' })) : [];
      const { root, cycle } = index.rootOf(o);
      if (!cycle && index.get(root)?.kind === 'User') roles.push(subscriberRole(root!));
      return roles;
    }
    default:
      return [];
  }
}

/** Who may grant (or revoke) a privilege: an admin of its scope; Site admin or pi for the Site's Slices. */
function grantRoles(p: PrivilegeModel, index: ModelIndex): Role[] {
  switch (p.scope) {
    case 'site':
      return p.target ? [{ scope: 'site', target: p.target, role: 'admin' }] : [];
    case 'slice':
      return sliceWriters(p.target, index);
    case 'deployment':
      return p.target ? [{ scope: 'deployment', target: p.target, role: 'admin' }] : [];
    default:
      return [];
  }
}

/** Who holds each role, by role id, in a model. */
export function roleHolders(index: ModelIndex): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of index.model.privileges) {
    const u = index.get<UserModel>(p.user);
    if (!u || u.kind !== 'User') continue;
    const id = roleId({ scope: p.scope, target: p.scope === 'root' ? null : p.target, role: p.role });
    const l = m.get(id);
    if (l) {
      if (!l.includes(u.name)) l.push(u.name);
    } else m.set(id, [u.name]);
  }
  // Each subscribing User holds the subscriber role over their own chains (RBAC-009).
  for (const [sub] of index.instancesBySubscriber) {
    const u = index.get<UserModel>(sub);
    if (u?.kind === 'User') m.set(roleId(subscriberRole(u.key)), [u.name]);
  }
  return m;
}

/**
 * A change to one model object, as the authorization checks see it; or a change no model
 * object owns (`unmapped`: a plan address no layout declares) or a change of a stack's
 * configuration (`config`: its backend, provider configuration, or the stack itself):
 * those two need root `admin`.
 *
 * The kinds of object and who may change each are decided in one place, `writeRoles`: a new
 * kind of object plugs in there (and, when it needs a rule id of its own, in `checkId`).
 */
export interface Subject {
  readonly key: string;
  readonly kind: Kind | undefined;
  readonly status: 'added' | 'removed' | 'changed';
  /** A plan change whose address no layout declares: only a root admin may make it. */
  readonly unmapped?: boolean;
  /** A change of a stack's backend, provider configuration or existence: root admin only. */
  readonly config?: boolean;
  /** The plan addresses (stack-qualified) that brought the subject in, for the reader. */
  readonly resources?: readonly string[];
}

export interface Approver {
  readonly role: string;
  readonly users: readonly string[];
}

export interface AuthorizationCheck {
  readonly id: 'RBAC-006' | 'RBAC-007' | 'RBAC-008' | 'RBAC-009';
  readonly key: string;
  readonly kind: Kind | undefined;
  readonly status: Subject['status'];
  /** What the subject is: a model object, a plan change no model object owns, or a stack's configuration. */
  readonly subject: 'object' | 'unmapped' | 'config';
  /** The plan addresses behind the check (some of them), stack-qualified. */
  readonly resources?: readonly string[];
  readonly allowed: boolean;
  /** The roles any one of which covers the change (before and after), with who holds them. */
  readonly approvers: readonly Approver[];
  readonly message: string;
}

export interface Authorization {
  readonly checked: boolean;
  readonly actor?: string;
  /** The actor's User key in the authority model, when the actor is one of its Users. */
  readonly actorKey?: string;
  readonly actorRoles: readonly string[];
  /**
   * Which model the actor's roles and the role holders were read from: always the base
   * (the authority before the change); `none` in first-deploy mode, where nobody's roles
   * count and every change needs a root admin's approval.
   */
  readonly rolesFrom?: 'base' | 'none';
  /** First-deploy mode: no base model; root admin for everything. */
  readonly firstDeploy?: boolean;
  readonly checks: readonly AuthorizationCheck[];
  readonly denied: number;
  /** Why the check was not done, or what limits it. */
  readonly notes: readonly string[];
}

/** Find the actor among the Users: by key, then name, then either without case. */
export function findActor(actor: string, index: ModelIndex): UserModel | { ambiguous: string[] } | undefined {
  const users = index.model.users;
  const byKey = users.find((u) => u.key === actor);
  if (byKey) return byKey;
  for (const eq of [(a: string, b: string) => a === b, (a: string, b: string) => a.toLowerCase() === b.toLowerCase()]) {
    const hits = users.filter((u) => eq(u.name, actor) || eq(u.key, actor));
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) return { ambiguous: hits.map((u) => u.key) };
  }
  return undefined;
}

const WHAT: Record<Subject['status'], string> = { added: 'add', removed: 'remove', changed: 'change' };

function describe(s: Pick<Subject, 'kind' | 'key' | 'unmapped' | 'config'>): string {
  if (s.config) return s.key;
  if (s.unmapped || !s.kind) return `resource ${s.key} (no model object owns it)`;
  return `${s.kind === 'Privilege' ? 'privilege' : s.kind === 'Tenant' ? 'tenancy' : s.kind === 'Instance' ? 'tenant instance' : s.kind} ${s.key}`;
}

/** The rule a check reports: granting a privilege is RBAC-007, a tenant instance RBAC-009, any other change RBAC-006. */
function checkId(s: Subject): 'RBAC-006' | 'RBAC-007' | 'RBAC-009' {
  if (s.unmapped || s.config) return 'RBAC-006';
  if (s.kind === 'Instance') return 'RBAC-009';
  return s.kind === 'Privilege' && s.status !== 'removed' ? 'RBAC-007' : 'RBAC-006';
}

/**
 * What every authorization rule judges a change against: the actor, the roles the actor
 * holds and who holds every role, all read from the authority (the base model; in first-
 * deploy mode nobody's roles count).
 */
export interface Authority {
  readonly actor: string;
  /** The actor's User in the authority, when the actor is one of its Users. */
  readonly user: UserModel | undefined;
  /** How messages name the actor. */
  readonly who: string;
  readonly head: ModelIndex;
  readonly base: ModelIndex | undefined;
  readonly firstDeploy: boolean;
  /** Whether the actor holds one of these roles. */
  holdsOneOf(roles: readonly Role[]): boolean;
  /** The approvers to name for these roles: those somebody holds (only when nobody holds any, the roles themselves). */
  approversOf(roles: readonly Role[]): Approver[];
}

/** A review-time rule: its metadata, and its check of one change (undefined when the rule does not concern it). */
export interface AuthorizationRule extends ReviewRule {
  readonly id: AuthorizationCheck['id'];
  readonly judge: (s: Subject, a: Authority) => AuthorizationCheck | undefined;
}

/** Whether a change is the actor changing their own User object. */
function ownUser(s: Subject, a: Authority): boolean {
  return !s.unmapped && !s.config && !!a.user && s.kind === 'User' && s.key === a.user.key && s.status === 'changed';
}

/**
 * The check of one change against the write scopes (RBAC-006, and RBAC-007 for grants): the
 * roles of every side of it (before and after), and whether the actor holds a role that
 * covers every side.
 */
function scopeCheck(id: 'RBAC-006' | 'RBAC-007' | 'RBAC-009', s: Subject, a: Authority): AuthorizationCheck {
  const { base, head } = a;
  const sides: Role[][] = [];
  if (s.unmapped || s.config || a.firstDeploy) sides.push([ROOT_ADMIN]);
  else {
    if (s.status !== 'added') {
      const before = base?.get(s.key);
      sides.push(before ? writeRoles(before, base!) : [ROOT_ADMIN]);
    }
    if (s.status !== 'removed') {
      const after = head.get(s.key);
      sides.push(after ? writeRoles(after, head) : [ROOT_ADMIN]);
    }
    if (!sides.length) sides.push([ROOT_ADMIN]);
  }
  // Roles that cover every side: whoever approves must be able to make the whole change.
  let common = sides[0];
  for (const side of sides.slice(1)) {
    const ids = new Set(side.map(roleId));
    common = common.filter((r) => ids.has(roleId(r)));
  }
  let allowed = sides.every((side) => a.holdsOneOf(side));
  // Root default: the actor may write their own User object (RBAC-008 keeps its home Site).
  if (!allowed && !a.firstDeploy && ownUser(s, a) && a.holdsOneOf([ROOT_DEFAULT])) allowed = true;
  const approvers = a.approversOf(common);
  const may = approvers.map((x) => `${x.role}${x.users.length ? ` (${x.users.join(', ')})` : ' (nobody holds it)'}`).join('; ');
  const verb = s.config ? 'change' : id === 'RBAC-007' ? 'grant' : WHAT[s.status];
  const message = allowed
    ? `${a.who} may ${WHAT[s.status]} ${describe(s)}.`
    : `${a.who} may not ${verb} ${describe(s)}${sides.length > 1 && common.length < Math.min(...sides.map((x) => x.length)) ? ' (it moves between scopes: the approver must cover both)' : ''}. Approval from one of: ${may}.`;
  return { id, key: s.key, kind: s.kind, status: s.status, subject: s.config ? 'config' : s.unmapped ? 'unmapped' : 'object', ...(s.resources?.length ? { resources: s.resources } : {}), allowed, approvers, message };
}

/** RBAC-006, RBAC-007, RBAC-008 and RBAC-009: each rule's metadata beside its check. */
export const authorizationRules: readonly AuthorizationRule[] = [
  {
    id: 'RBAC-006',
    severity: 'error',
    title: "Change authorization (review time, needs an actor): every object that a change creates, updates or deletes lies in the actor's write scope. A violation names the change and the roles that could approve it.",
    why: 'The write scopes of the guide decide who may change what; a pull request by someone outside that scope needs approval from someone inside it.',
    fix: 'Ask a holder of one of the named roles to approve or make the change.',
    origin: 'guide, Access Control (write scopes)',
    needsActor: true,
    judge: (s, a) => (checkId(s) === 'RBAC-006' ? scopeCheck('RBAC-006', s, a) : undefined),
  },
  {
    id: 'RBAC-007',
    severity: 'error',
    title: "Grant authorization (review time): an actor may grant a privilege only in a scope where the actor is `admin` (Site `admin` or `pi` may grant Slice privileges on the Site's Slices); the actor can grant only what the actor holds.",
    why: 'Admin privilege is scoped: it lets a user grant roles only where they themselves are privileged.',
    fix: 'Ask an admin of that scope to grant the role.',
    origin: 'guide, Access Control ("allows that user to grant privileges to any user/object combinations that they themselves are privileged for")',
    needsActor: true,
    judge: (s, a) => (checkId(s) === 'RBAC-007' ? scopeCheck('RBAC-007', s, a) : undefined),
  },
  {
    id: 'RBAC-008',
    severity: 'error',
    title: 'A User who is not root `admin` may not change their own home Site (review time).',
    why: 'A default user has write access to their own User object except its home Site, which decides who manages them.',
    fix: 'Ask a root admin to move the User.',
    origin: 'guide, Access Control (root Default)',
    needsActor: true,
    judge(s, a) {
      if (!ownUser(s, a) || a.holdsOneOf([ROOT_ADMIN])) return undefined;
      const before = a.base?.get(s.key);
      const after = a.head.get(s.key);
      if (before?.kind !== 'User' || after?.kind !== 'User' || before.site === after.site) return undefined;
      const rootApprovers = a.approversOf([ROOT_ADMIN]);
      return {
        id: 'RBAC-008',
        key: s.key,
        kind: 'User',
        status: 'changed',
        subject: 'object',
        allowed: false,
        approvers: rootApprovers,
        message: `${a.who} may not change their own home Site (${before.site ?? 'none'} -> ${after.site ?? 'none'}): ${this.fix} Root admins: ${rootApprovers[0].users.join(', ') || 'nobody'}.`,
      };
    },
  },
  {
    id: 'RBAC-009',
    severity: 'error',
    title: 'Review time: an instance may be created, changed or deleted by the Slice `admin`s of its provider Service, by root `admin`, and, for the instances whose chain starts at them, by the subscribing User.',
    why: "A tenant instance is a subscriber's service (their VLAN, their bundle, their subnet): the provider's operators run it, and the subscriber may order, change or cancel their own, never another subscriber's. Roles are read from the base model, so a change cannot make its author a subscriber of someone else's chain.",
    fix: 'Ask a Slice admin of the provider Service (or root admin) to approve the change; a subscriber changes only the instances of chains that start at them.',
    origin: 'paper, 3.2 (Users are one kind of principal that can request tenancy) and 4.3; checked instance by instance, from the plan addresses of its records',
    needsActor: true,
    judge: (s, a) => (checkId(s) === 'RBAC-009' ? scopeCheck('RBAC-009', s, a) : undefined),
  },
];

/**
 * Decide, for every change, whether the actor may make it (RBAC-006, RBAC-007), and whether
 * the actor moves their own home Site (RBAC-008): every authorization rule judges every
 * change. The actor's roles, and who holds the roles that may approve, come from the base
 * model only: a change cannot authorize itself. With `firstDeploy` (no base model), nobody's
 * roles count: every change needs root admin, and the approvers named are the head model's
 * root admins, unverified. A rule that throws denies the change it judged (fails closed).
 */
export function authorize(args: { actor: string; subjects: readonly Subject[]; head: ModelIndex; base?: ModelIndex; firstDeploy?: boolean }): Authorization {
  const { actor, subjects, head, base } = args;
  if (!base && !args.firstDeploy) throw new Error('internal: authorize needs the base model, or first-deploy mode');
  const firstDeploy = !base;
  const authority = base ?? head;
  const notes: string[] = [];
  if (firstDeploy)
    notes.push("First-deploy mode (no base model): nobody's roles are trusted, so every change needs a root admin's approval. The root admins named are those of the head model, which the change itself declares: check them.");
  const found = findActor(actor, authority);
  if (found && 'ambiguous' in found)
    notes.push(`'${actor}' names several Users (${found.ambiguous.join(', ')}); give the User's key.`);
  const user = found && !('ambiguous' in found) ? found : undefined;
  if (!user && !firstDeploy) notes.push(`'${actor}' is not a User of the base model: they hold no role, so every change needs approval.`);
  const held = new Set<string>();
  const actorRoles: string[] = [];
  if (!firstDeploy) {
    for (const p of user ? authority.privilegesByUser.get(user.key) ?? [] : []) {
      const r: Role = { scope: p.scope, target: p.scope === 'root' ? null : p.target, role: p.role };
      held.add(roleId(r));
      actorRoles.push(roleLabel(r));
    }
    // Not a privilege: every User subscribes for themselves (RBAC-009), as the base model has them.
    if (user) {
      held.add(roleId(subscriberRole(user.key)));
      if (authority.instancesBySubscriber.has(user.key)) actorRoles.push(roleLabel(subscriberRole(user.key)));
    }
  }
  const holders = roleHolders(authority);
  const a: Authority = {
    actor,
    user,
    who: user?.name ?? actor,
    head,
    base,
    firstDeploy,
    holdsOneOf: (alts) => alts.some((r) => held.has(roleId(r))),
    approversOf(alts) {
      const all = alts.map((r) => ({ role: roleLabel(r), users: [...(holders.get(roleId(r)) ?? [])].sort() }));
      const some = all.filter((x) => x.users.length);
      return some.length ? some : all;
    },
  };

  const checks: AuthorizationCheck[] = [];
  for (const s of subjects) {
    for (const rule of authorizationRules) {
      let c: AuthorizationCheck | undefined;
      try {
        c = rule.judge(s, a);
      } catch (e) {
        c = { id: rule.id, key: s.key, kind: s.kind, status: s.status, subject: s.config ? 'config' : s.unmapped ? 'unmapped' : 'object', allowed: false, approvers: a.approversOf([ROOT_ADMIN]), message: `${rule.id} itself failed on ${describe(s)} (${(e as Error)?.message ?? e}); this is a bug in xos, please report it. Until it is fixed, a root admin must approve the change.` };
      }
      if (c) checks.push(c);
    }
  }
  return {
    checked: true,
    actor,
    ...(user ? { actorKey: user.key } : {}),
    actorRoles,
    rolesFrom: firstDeploy ? 'none' : 'base',
    ...(firstDeploy ? { firstDeploy: true } : {}),
    checks,
    denied: checks.filter((c) => !c.allowed).length,
    notes,
  };
}

/** What a review says when no actor was given. */
export function notChecked(): Authorization {
  return { checked: false, actorRoles: [], checks: [], denied: 0, notes: ['Authorization was not checked: no --actor was given.'] };
}
