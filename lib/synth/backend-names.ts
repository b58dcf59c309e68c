/**
 * The names the targets give things a back-end keeps unique: shared by the targets (which
 * write them) and SLC-005 (which checks them at validate time), so that a clash is found
 * before Terraform meets it. No cdktf here.
 *
 * - OpenStack (Keystone): project names are unique in a domain: a Site's project is its
 *   login base, a Slice's `<login base>_<slice>`; user names are unique in a domain.
 * - EC2: key pair names are unique in a region of an account: `xos-<user>`, `xos-<user>-<n>`.
 * - IAM: user names are unique in an account: `xos-<S3 Service>-<tenant>` (at most 64).
 */
import { safeName } from './common';

/** The Keystone project of a Site: its login base (or its name). */
export function openstackSiteProject(site: { readonly login_base?: unknown; readonly name?: unknown }): string {
  return String((site.login_base as string) || (site.name as string) || '');
}

/** The Keystone project of a Slice: `<login base>_<slice>`, or the Slice's name without a Site. */
export function openstackSliceProject(siteBase: string, slice: string): string {
  return siteBase ? `${siteBase}_${slice}` : slice;
}

/** The EC2 key pair of a user's i-th key (from 0). */
export function ec2KeyPairName(user: string, i: number): string {
  return safeName(i === 0 ? `xos-${user}` : `xos-${user}-${i + 1}`);
}

/** The IAM user an S3 back-end makes for one tenant. */
export function iamUserName(service: string, tenant: string): string {
  return safeName(`xos-${service}-${tenant}`, 64);
}
