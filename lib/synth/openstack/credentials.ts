/**
 * How a Controller's credentials and its privileges' roles become the OpenStack provider's
 * arguments and Keystone roles. Apart from render.ts (which loads cdktf) so that the rules can
 * ask the same questions at validate time (TGT-001).
 */
import { OPENSTACK_SCHEMA } from './provider-schema';

/** Provider arguments that choose the project a configuration authenticates in: a Slice's configuration sets its own. */
export const PROJECT_ARGUMENTS: ReadonlySet<string> = new Set(['tenant_id', 'tenant_name', 'project_domain_id', 'project_domain_name']);

/** Provider arguments of credentials bound to one project, which cannot authenticate in a Slice's. */
export const PROJECT_BOUND_ARGUMENTS: ReadonlySet<string> = new Set(['application_credential_id', 'application_credential_name', 'application_credential_secret']);

/** Friendly credential names -> the provider's own argument names. */
export const CREDENTIAL_ALIASES: Readonly<Record<string, string>> = {
  username: 'user_name',
  user: 'user_name',
  project: 'tenant_name',
  project_name: 'tenant_name',
  tenant: 'tenant_name',
  project_id: 'tenant_id',
  domain: 'domain_name',
  user_domain: 'user_domain_name',
  project_domain: 'project_domain_name',
  clouds_yaml_entry: 'cloud',
};

/** The keystone role each XOS role becomes, on the scope's project (or domain). */
export const KEYSTONE_ROLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  site: { admin: 'member', pi: 'member', tech: 'reader' },
  slice: { admin: 'member', access: 'reader' },
  deployment: { admin: 'admin' },
};

/** The provider argument a Controller credential sets, or undefined when it sets none. */
export function providerArgument(key: string): string | undefined {
  const attrs = OPENSTACK_SCHEMA.provider.block.attributes ?? {};
  const arg = attrs[key] ? key : CREDENTIAL_ALIASES[key];
  const a = arg ? attrs[arg] : undefined;
  return a && a.type === 'string' && (a.optional || a.required) ? arg : undefined;
}

