import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { backendFor, BACKENDS_CONTEXT, renderBackend, type BackendSettings } from './backend';

/** One stack per back-end (Controller). */
export class XosStack extends TerraformStack {
  /** Resources emitted as plain JSON, by type and name (see `addRawResource`). */
  private readonly raw = new Map<string, Record<string, unknown>>();

  constructor(scope: Construct, name: string, private readonly requiredVersion = '>= 1.4') {
    super(scope, name);
    // The program's backend for this stack (see backend.ts). By default state lives beside
    // the output directory (outdir/stacks/<name>/ -> outdir/..), so that re-synthesizing,
    // which replaces the output directory whole, never touches it.
    renderBackend(this, name, backendFor(this.node.tryGetContext(BACKENDS_CONTEXT) as BackendSettings | undefined, name));
  }

  /**
   * Add a resource as its final Terraform JSON. The body holds no cdktf tokens (references
   * are already written as `${type.name.attr}`), so it needs no resolution: this skips a
   * construct, its metadata and cdktf's token walk per resource, which is what makes
   * synthesis of large clouds fast.
   */
  public addRawResource(type: string, name: string, body: Record<string, unknown>): void {
    let byName = this.raw.get(type);
    if (!byName) this.raw.set(type, (byName = {}));
    if (name in byName) throw new Error(`stack ${this.node.id}: resource ${type}.${name} is declared twice`);
    byName[name] = body;
  }

  public override toTerraform(): any {
    const tf = super.toTerraform();
    tf.terraform = { ...(tf.terraform ?? {}), required_version: this.requiredVersion };
    if (this.raw.size) {
      tf.resource ??= {};
      for (const [type, byName] of this.raw) tf.resource[type] = { ...(tf.resource[type] ?? {}), ...byName };
    }
    return tf;
  }
}
