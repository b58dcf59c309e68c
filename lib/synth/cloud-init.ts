/**
 * Cloud-init user data for a Sliver, shared by the real targets (what XOS put in an
 * instance's user data): the host name, the public keys of every user with a privilege on
 * the Slice (and nobody else's), and a root-only file /etc/xos/instance.json with the slice
 * name, the host name, and for every provider the Service is a tenant of: the connect mode,
 * the tenancy's attributes, the provider's credentials, and what an external provider (S3)
 * made for this tenant. Secrets are Terraform expressions wrapped in `sensitive()`, never
 * values: the text holds `${jsonencode(sensitive(var.x))}` where a value would be.
 *
 * The text is final Terraform JSON: expressions are written as `${...}`, not cdktf tokens, so
 * the targets can emit it without token resolution.
 */
import { dict } from '../model/dict';
import type { StackIndex } from './common';
import type { LayoutResource } from './layout';
import type { TenancyExport } from './render-context';

/** Where the instance finds its XOS facts. */
export const INSTANCE_FILE = '/etc/xos/instance.json';

export interface UserDataAttrs {
  readonly slice: string;
  readonly hostname: string;
  readonly ssh_keys: readonly string[];
  readonly tenant_of: Readonly<Record<string, { readonly connect: string; readonly attributes: unknown }>>;
}

/** A value in the instance file that is a Terraform expression: `${...}`, encoded as JSON. */
type Slot = { readonly expr: string; readonly sensitive: boolean };

/** True for a string that is one whole Terraform expression, `${...}`. */
export function isExpression(v: string): boolean {
  return v.startsWith('${') && v.endsWith('}') && v.indexOf('${', 2) < 0;
}

/** The expression inside `${...}`. */
function inner(expr: string): string {
  if (!isExpression(expr)) throw new Error(`internal: '${expr}' is not one Terraform expression`);
  return expr.slice(2, -1);
}

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
  // Keyed by Service names: a dictionary object (see dict.ts).
  const out = dict<Record<string, string>>();
  for (const [k, v] of Object.entries(secrets)) {
    const p = byLength.find((name) => k.startsWith(`provider_${name}_`));
    if (p === undefined) continue;
    (out[p] ??= {})[k.slice(`provider_${p}_`.length)] = v;
  }
  return out;
}

/** What a target hands to `sliverUserData`. */
export interface UserDataContext {
  readonly ix: StackIndex;
  /** The expression (`${var.NAME}`) for a stack variable's value. */
  readonly variable: (name: string) => string;
  /** What external providers made, by tenancy key. */
  readonly externals: ReadonlyMap<string, TenancyExport>;
  /** The expression in this stack for an expression of an external provider's stack. */
  readonly imported: (x: TenancyExport, expression: string) => string;
  /**
   * Where a Sliver's Service keeps its tenant-instance records (the store the layout refers
   * to as `refs.store`) and how to read them: plain values (literals or expressions) and
   * secret expressions. Absent: the target writes no pointer.
   */
  readonly store?: (store: string) => { readonly values: Readonly<Record<string, string>>; readonly secrets: Readonly<Record<string, string>> };
}

/** The tenancies of a Sliver's Service held in its stack (layout `tenancy` resources). */
function tenancies(ix: StackIndex, sliver: LayoutResource): readonly LayoutResource[] {
  const service = ix.serviceOfSliver(sliver);
  if (!service) return [];
  return ix.of('tenancy').filter((r) => r.attrs.tenant === service);
}

/** The `#cloud-config` user data of one Sliver, as Terraform JSON (expressions as `${...}`). */
export function sliverUserData(sliver: LayoutResource, cx: UserDataContext): string {
  const { variable, externals } = cx;
  const ud = sliver.attrs.user_data as UserDataAttrs;
  const providers = Object.keys(ud.tenant_of ?? {}).sort();
  const creds = credentialsByProvider(sliver.secrets ?? {}, providers);
  const slots: Slot[] = [];
  const nonce = `xos-slot-${Math.random().toString(36).slice(2)}-`;
  const slot = (expr: string, sensitive: boolean) => {
    slots.push({ expr, sensitive });
    return `${nonce}${slots.length - 1}`;
  };
  const tenantOf = dict<unknown>(); // keyed by Service names (see dict.ts)
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
  for (const t of externals.size ? tenancies(cx.ix, sliver) : []) {
    const x = externals.get(t.model);
    if (!x) continue;
    const entry = (tenantOf[x.provider] ??= { connect: t.attrs.connect, attributes: t.attrs.attributes ?? {} }) as Record<string, unknown>;
    const made: Record<string, string> = {};
    for (const k of Object.keys(x.values).sort()) made[k] = isExpression(x.values[k]) ? slot(cx.imported(x, x.values[k]), false) : x.values[k];
    for (const k of Object.keys(x.secrets).sort()) made[k] = slot(cx.imported(x, x.secrets[k]), true);
    entry.resources = made;
  }
  const facts: Record<string, unknown> = { slice: ud.slice, hostname: ud.hostname, tenant_of: tenantOf };
  // The records of the tenant instances its Service provides or holds: where they are, never
  // the records themselves (one object each in the store; see instance-record.ts).
  const store = sliver.refs.store !== undefined && cx.store ? cx.store(sliver.refs.store) : undefined;
  if (store) {
    const at: Record<string, string> = {};
    for (const k of Object.keys(store.values).sort()) at[k] = isExpression(store.values[k]) ? slot(store.values[k], false) : store.values[k];
    for (const k of Object.keys(store.secrets).sort()) at[k] = slot(store.secrets[k], true);
    facts.instances = at;
  }
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
  const text = escapeTemplate(lines.join('\n'));
  if (!slots.length) return text;
  // Put each expression where its placeholder (a JSON string) stands.
  return text.replace(new RegExp(`"${nonce}(\\d+)"`, 'g'), (_, i: string) => {
    const s = slots[Number(i)];
    return s.sensitive ? `\${jsonencode(sensitive(${inner(s.expr)}))}` : `\${jsonencode(${inner(s.expr)})}`;
  });
}
