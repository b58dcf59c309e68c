/**
 * The `local` target: every logical resource becomes Terraform's built-in `terraform_data`,
 * with its declared attributes as `input` and real references to the resources it depends
 * on, so that plan and apply run offline with the terraform on the PATH.
 */
import { TerraformVariable } from 'cdktf';
import { localBody } from './local-body';
import type { StackLayout } from './layout';
import type { XosStack } from './stack';

export { localBody, localInput, localRef } from './local-body';

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
