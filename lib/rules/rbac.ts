import type { Finding, ModelRule, RuleContext } from './rule';
import { nameOf, undeclared } from './util';

export const VALID_ROLES: Readonly<Record<string, readonly string[]>> = {
  root: ['admin', 'default'],
  site: ['admin', 'pi', 'tech'],
  slice: ['admin', 'access'],
  deployment: ['admin'],
};

const SCOPE_KIND: Readonly<Record<string, string>> = { site: 'Site', slice: 'Slice', deployment: 'Deployment' };

export const rbacRules: ModelRule[] = [
  {
    id: 'RBAC-001',
    severity: 'error',
    title: 'Every User is homed at exactly one Site, and that Site is declared in the model.',
    why: 'A User is managed by its home Site: its admins and PIs answer for it. A User with no home, or a home outside the model, has nobody to answer for it.',
    fix: "Give the User a `site` that is declared in the same cloud: `new User(cloud, 'alice', { site })`.",
    origin: 'guide, Access Control ("homed at (managed by) exactly one Site")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const u of model.users) {
        if (!u.site) yield { path: u.key, message: `User ${u.name} has no home Site. Give it one: { site: <Site> }.` };
        else if (!index.has(u.site, 'Site'))
          yield { path: u.key, message: `User ${u.name}'s home Site ${undeclared(u.site)} is not declared in this model. Declare that Site in this cloud, or home the User at one that is.` };
      }
    },
  },
  {
    id: 'RBAC-002',
    severity: 'error',
    title: "A privilege's role is valid for its scope: root `admin` or `default`; Site `admin`, `pi`, `tech`; Slice `admin`, `access`; Deployment `admin`.",
    why: 'Each scope has its own roles; a role that does not exist at a scope grants nothing anyone can reason about.',
    fix: 'Grant one of the roles of that scope.',
    origin: 'guide, Access Control',
    *check({ model }: RuleContext): Iterable<Finding> {
      for (const p of model.privileges) {
        const valid = VALID_ROLES[p.scope] ?? [];
        if (!valid.includes(p.role))
          yield { path: p.key, message: `role '${p.role}' is not a ${p.scope} role (valid: ${valid.join(', ')}). Grant one of those.` };
      }
    },
  },
  {
    id: 'RBAC-003',
    severity: 'error',
    title: 'A privilege names a User and a scope object (Site, Slice, Deployment) that are declared in the model. The same (user, scope, role) is not granted twice.',
    why: 'A grant to an unknown user or on an unknown object cannot be enforced, and a duplicate grant hides which one a later revocation removes.',
    fix: 'Grant roles only to declared Users on declared objects, and grant each role once.',
    origin: 'guide, Access Control',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const seen = new Map<string, string>();
      for (const p of model.privileges) {
        if (!index.has(p.user, 'User'))
          yield { path: p.key, key: 'user', message: `grants '${p.role}' to ${p.user ? undeclared(p.user) : 'no User'}, which is not a User declared in this model. Grant it to a declared User.` };
        if (p.scope !== 'root') {
          const kind = SCOPE_KIND[p.scope];
          if (!index.has(p.target, kind as never))
            yield { path: p.key, key: 'target', message: `grants a ${p.scope} role on ${p.target ? undeclared(p.target) : 'nothing'}, which is not a ${kind} declared in this model.` };
        }
        const id = `${p.user}\u0000${p.scope}\u0000${p.target}\u0000${p.role}`;
        const first = seen.get(id);
        if (first)
          yield { path: p.key, key: 'duplicate', message: `grants ${nameOf(index, p.user)} the ${p.scope} role '${p.role}'${p.target ? ` on ${nameOf(index, p.target)}` : ''} again (already granted by ${first}). Remove the duplicate grant.` };
        else seen.set(id, p.key);
      }
    },
  },
  {
    id: 'RBAC-004',
    severity: 'warning',
    title: 'Every Slice has at least one user with Slice `admin` (someone must be able to instantiate it).',
    why: "Slice admins create the Slice's Slivers and Networks; a Slice without one can only be changed by Site or root admins.",
    fix: "Grant a User the Slice `admin` role: `slice.grant(user, 'admin')`.",
    origin: 'guide, Access Control and Virtualization',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const s of model.slices) {
        const admins = (index.privilegesByTarget.get(s.key) ?? []).filter((p) => p.scope === 'slice' && p.role === 'admin' && index.has(p.user, 'User'));
        if (!admins.length) yield { path: s.key, message: `Slice ${s.name} has no Slice admin. Grant one: slice.grant(user, 'admin').` };
      }
    },
  },
  {
    id: 'RBAC-005',
    severity: 'warning',
    title: 'Every Site that hosts Nodes or Slices has at least one Site `admin`.',
    why: "Site admins create and answer for the Site's Nodes, Users and Slices.",
    fix: "Grant a User the Site `admin` role: `site.grant(user, 'admin')`.",
    origin: 'guide, Access Control',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const hosting = new Set<string>();
      for (const n of model.nodes) if (n.site) hosting.add(n.site);
      for (const s of model.slices) if (s.site) hosting.add(s.site);
      for (const site of model.sites) {
        if (!hosting.has(site.key)) continue;
        const admins = (index.privilegesByTarget.get(site.key) ?? []).filter((p) => p.scope === 'site' && p.role === 'admin' && index.has(p.user, 'User'));
        if (!admins.length) yield { path: site.key, message: `Site ${site.name} hosts Nodes or Slices but has no Site admin. Grant one: site.grant(user, 'admin').` };
      }
    },
  },
  // RBAC-006, RBAC-007 and RBAC-008 judge a change, not a model: they live with the review (lib/review/rbac.ts).
];
