import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { backendFor, BACKENDS_CONTEXT, renderBackend, type BackendSettings } from './backend';

/** One stack per back-end (Controller). */
export class XosStack extends TerraformStack {
  /** Resources emitted as plain JSON, by type and name (see `addRawResource`). */
  private readonly raw = new Map<string, Record<string, unknown>>();
  /** Data sources emitted as plain JSON, by type and name (see `addRawData`). */
  private readonly rawData = new Map<string, Record<string, unknown>>();

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
    this.add(this.raw, type, name, body, '');
  }

  /** Add a data source as its final Terraform JSON (as `addRawResource` does for resources). */
  public addRawData(type: string, name: string, body: Record<string, unknown>): void {
    this.add(this.rawData, type, name, body, 'data.');
  }

  private add(into: Map<string, Record<string, unknown>>, type: string, name: string, body: Record<string, unknown>, prefix: '' | 'data.'): void {
    let byName = into.get(type);
    if (!byName) into.set(type, (byName = {}));
    if (name in byName) throw new Error(`stack ${this.node.id}: ${prefix}${type}.${name} is declared twice`);
    byName[name] = body;
  }

  public override toTerraform(): any {
    const tf = super.toTerraform();
    tf.terraform = { ...(tf.terraform ?? {}), required_version: this.requiredVersion };
    for (const [block, raw] of [['resource', this.raw], ['data', this.rawData]] as const) {
      if (!raw.size) continue;
      tf[block] ??= {};
      // The raw bodies are shared, not copied: the JSON is written or read, never changed.
      for (const [type, byName] of raw) tf[block][type] = tf[block][type] ? { ...tf[block][type], ...byName } : byName;
    }
    return tf;
  }
}
