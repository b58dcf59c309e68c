import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/** One stack per back-end (Controller). */
export class XosStack extends TerraformStack {
  constructor(scope: Construct, name: string, private readonly requiredVersion = '>= 1.4') {
    super(scope, name);
    // State lives beside the output directory (outdir/stacks/<name>/ -> outdir/..), so that
    // re-synthesizing, which replaces the output directory whole, never touches it.
    new LocalBackend(this, { path: `../../../terraform.${name}.tfstate` });
  }

  public override toTerraform(): any {
    const tf = super.toTerraform();
    tf.terraform = { ...(tf.terraform ?? {}), required_version: this.requiredVersion };
    return tf;
  }
}
