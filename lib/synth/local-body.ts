/**
 * The `local` target's resource bodies: every logical resource is Terraform's built-in
 * `terraform_data`, with its declared attributes as `input` and real references to the
 * resources it depends on. Apart from local.ts (which renders them into a stack) so that
 * status and review, which read these bodies, do not load cdktf.
 */
import { dict } from '../model/dict';
import type { LayoutResource } from './layout';

/** The Terraform expression for a reference to another resource of the stack. */
export function localRef(name: string): string {
  return `\${terraform_data.${name}.id}`;
}

/** `input` of a resource: declared attributes and references. */
export function localInput(r: LayoutResource): Record<string, unknown> {
  // Loops, not spreads and Object.entries: status makes one per declared resource.
  const input: Record<string, unknown> = { xos_kind: r.kind, xos_key: r.model };
  const attrs = r.attrs;
  for (const k in attrs) input[k] = attrs[k];
  const refs = r.refs;
  for (const k in refs) input[`${k}_id`] = localRef(refs[k]);
  const lists = r.refLists;
  if (lists) for (const k in lists) input[`${k}_ids`] = lists[k].map(localRef);
  return input;
}

/**
 * The whole `terraform_data` body. Secrets (sensitive variables) go under
 * `triggers_replace.secrets`, never into `input`: terraform_data copies `input` into its
 * computed `output`, and Terraform does not keep the sensitive mark on that copy, so a secret
 * in `input` would show in plain text in plans and state. `triggers_replace` is not copied;
 * rotating a secret replaces the resource, as re-keying an instance would.
 */
export function localBody(r: LayoutResource): { input: Record<string, unknown>; triggers_replace?: Record<string, unknown> } {
  const secrets = Object.entries(r.secrets ?? {});
  const body: { input: Record<string, unknown>; triggers_replace?: Record<string, unknown> } = { input: localInput(r) };
  if (secrets.length) body.triggers_replace = { secrets: dict(secrets.map(([k, v]) => [k, `\${var.${v}}`] as const)) };
  return body;
}
