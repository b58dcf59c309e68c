/**
 * The `local` target: every logical resource becomes Terraform's built-in `terraform_data`,
 * with its declared attributes as `input` and real references to the resources it depends
 * on, so that plan and apply run offline with the terraform on the PATH.
 */
import { TerraformVariable } from 'cdktf';
import { dict } from '../model/dict';
import type { LayoutResource, StackLayout } from './layout';
import type { XosStack } from './stack';

/** The Terraform expression for a reference to another resource of the stack. */
export function localRef(name: string): string {
  return `\${terraform_data.${name}.id}`;
}

/** `input` of a resource: declared attributes and references. */
export function localInput(r: LayoutResource): Record<string, unknown> {
  const input: Record<string, unknown> = { xos_kind: r.kind, xos_key: r.model, ...r.attrs };
  for (const [k, v] of Object.entries(r.refs)) input[`${k}_id`] = localRef(v);
  for (const [k, v] of Object.entries(r.refLists ?? {})) input[`${k}_ids`] = v.map(localRef);
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

export function renderLocal(stack: XosStack, layout: StackLayout): void {
  for (const v of layout.variables) {
    // The local target runs offline and only carries the reference: an empty default lets
    // plan and apply run without the secret, while the real targets require it.
    new TerraformVariable(stack, v.name, { type: 'string', sensitive: true, default: '', description: `${v.description}; the local target defaults it to empty` });
  }
  // Each resource is `terraform_data` (built into Terraform 1.4+; the stack requires it once,
  // instead of cdktf's DataResource running `terraform version` per resource at synth time).
  for (const r of layout.resources) stack.addRawResource('terraform_data', r.name, localBody(r));
}
