/**
 * Cloud-init user data for a Sliver, shared by the real targets (what XOS put in an
 * instance's user data): the host name, the public keys of every user with a privilege on
 * the Slice (and nobody else's), and a root-only file /etc/xos/instance.json with the slice
 * name, the host name, and for every provider the Service is a tenant of: the connect mode,
 * the tenancy's attributes, the provider's credentials, and what an external provider (S3)
 * made for this tenant. Secrets are Terraform expressions wrapped in `sensitive()`, never
 * values: the text holds `${jsonencode(sensitive(var.x))}` where a value would be.
 */
import { Fn, Token } from 'cdktf';
import type { LayoutResource, StackLayout } from './layout';
import type { TenancyExport } from './targets';

/** Where the instance finds its XOS facts. */
export const INSTANCE_FILE = '/etc/xos/instance.json';

export interface UserDataAttrs {
  readonly slice: string;
  readonly hostname: string;
  readonly ssh_keys: readonly string[];
  readonly tenant_of: Readonly<Record<string, { readonly connect: string; readonly attributes: unknown }>>;
}

/** A value in the instance file: literal JSON, or a Terraform expression (token) to encode. */
type Slot = { readonly expr: string; readonly sensitive: boolean };

/** Escape Terraform template sequences in literal text. */
export function escapeTemplate(s: string): string {
  return s.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/**
 * Split a Sliver's secrets (`provider_<provider name>_<credential>` -> variable) by provider,
 * matching the longest provider name first so that names holding `_` stay whole.
 */
export function credentialsByProvider(secrets: Readonly<Record<string, string>>, providers: readonly string[]): Record<string, Record<string, string>> {
  const byLength = [...providers].sort((a, b) => b.length - a.length);
  const out: Record<string, Record<string, string>> = {};
  for (const [k, v] of Object.entries(secrets)) {
    const p = byLength.find((name) => k.startsWith(`provider_${name}_`));
    if (p === undefined) continue;
    (out[p] ??= {})[k.slice(`provider_${p}_`.length)] = v;
  }
  return out;
}

/** The tenancies of a Sliver's Service held in its stack (layout `tenancy` resources). */
export function tenanciesOfSliver(stack: StackLayout, sliver: LayoutResource): LayoutResource[] {
  const slice = stack.resources.find((r) => r.kind === 'slice' && r.name === sliver.refs.slice);
  const service = slice?.attrs.service;
  if (!service) return [];
  return stack.resources.filter((r) => r.kind === 'tenancy' && r.attrs.tenant === service);
}

/**
 * The `#cloud-config` user data of one Sliver.
 * @param variable the Terraform expression (token) for a stack variable's value
 * @param externals what external providers made for this Sliver's tenancies, by tenancy key
 */
export function sliverUserData(stack: StackLayout, sliver: LayoutResource, variable: (name: string) => string, externals: ReadonlyMap<string, TenancyExport>): string {
  const ud = sliver.attrs.user_data as UserDataAttrs;
  const providers = Object.keys(ud.tenant_of ?? {}).sort();
  const creds = credentialsByProvider(sliver.secrets ?? {}, providers);
  const slots: Slot[] = [];
  const nonce = `xos-slot-${Math.random().toString(36).slice(2)}-`;
  const slot = (expr: string, sensitive: boolean) => {
    slots.push({ expr, sensitive });
    return `${nonce}${slots.length - 1}`;
  };
  const tenantOf: Record<string, unknown> = {};
  for (const p of providers) {
    const t = ud.tenant_of[p];
    const entry: Record<string, unknown> = { connect: t.connect, attributes: t.attributes ?? {} };
    const c = creds[p];
    if (c && Object.keys(c).length) {
      const cc: Record<string, string> = {};
      for (const k of Object.keys(c).sort()) cc[k] = slot(variable(c[k]), true);
      entry.credentials = cc;
    }
    tenantOf[p] = entry;
  }
  for (const t of tenanciesOfSliver(stack, sliver)) {
    const x = externals.get(t.model);
    if (!x) continue;
    const entry = (tenantOf[x.provider] ??= { connect: t.attrs.connect, attributes: t.attrs.attributes ?? {} }) as Record<string, unknown>;
    const made: Record<string, string> = {};
    for (const k of Object.keys(x.values).sort()) made[k] = Token.isUnresolved(x.values[k]) ? slot(x.values[k], false) : x.values[k];
    for (const k of Object.keys(x.secrets).sort()) made[k] = slot(x.secrets[k], true);
    entry.resources = made;
  }
  const facts = { slice: ud.slice, hostname: ud.hostname, tenant_of: tenantOf };
  const lines = [
    '#cloud-config',
    `hostname: ${JSON.stringify(ud.hostname)}`,
    ...(ud.ssh_keys.length ? ['ssh_authorized_keys:', ...ud.ssh_keys.map((k) => `  - ${JSON.stringify(k)}`)] : []),
    'write_files:',
    `  - path: ${INSTANCE_FILE}`,
    '    owner: "root:root"',
    '    permissions: "0600"',
    '    content: |',
    ...JSON.stringify(facts, null, 2).split('\n').map((l) => `      ${l}`),
    '',
  ];
  let text = escapeTemplate(lines.join('\n'));
  // Put each expression where its placeholder (a JSON string) stands.
  text = text.replace(new RegExp(`"${nonce}(\\d+)"`, 'g'), (_, i: string) => {
    const s = slots[Number(i)];
    return Fn.jsonencode(s.sensitive ? Fn.sensitive(s.expr) : s.expr);
  });
  return text;
}
