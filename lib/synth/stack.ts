import * as path from 'path';
import { TerraformStack, type IStackSynthesizer, type ISynthesisSession } from 'cdktf';
import type { Construct } from 'constructs';
import { usageError } from '../errors';
import { backendFor, BACKENDS_CONTEXT, renderBackend, type BackendSettings } from './backend';
import { dict } from '../model/dict';
import { TARGET_CONTEXT_KEY } from '../project';
import { writeStableJsonFile } from './stable-json';

/** A check of a stack's Terraform JSON right before it is written; it throws to stop the synthesis. */
export type WriteCheck = (tf: Record<string, any>) => void;

/** One stack per back-end (Controller). */
export class XosStack extends TerraformStack {
  /** Resources emitted as plain JSON, by type and name (see `addRawResource`). */
  private readonly raw = new Map<string, Map<string, Record<string, unknown>>>();
  /** Data sources emitted as plain JSON, by type and name (see `addRawData`). */
  private readonly rawData = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly writeChecks: WriteCheck[] = [];
  /** Rendering left for when the stack is written or its JSON read (see `renderLate`). */
  private readonly pending: (() => void)[] = [];
  /** Set once the stack is written and its raw elements released. */
  private released = false;
  /** True while cdktf's own synthesizer runs (see `synthesizeStack`). */
  private cdktfWriting = false;

  constructor(scope: Construct, name: string, private readonly requiredVersion = '>= 1.4') {
    super(scope, name);
    // The program's backend for this stack (see backend.ts). By default state lives beside
    // the output directory (outdir/stacks/<name>/ -> outdir/..), so that re-synthesizing,
    // which replaces the output directory whole, never touches it.
    // Each target's state lives apart (see backend.ts): the target is in the app's context.
    const target = this.node.tryGetContext(TARGET_CONTEXT_KEY) === 'auto' ? 'auto' : 'local';
    renderBackend(this, name, backendFor(this.node.tryGetContext(BACKENDS_CONTEXT) as BackendSettings | undefined, name), target);
    const cdktf = this.synthesizer;
    this.synthesizer = { synthesize: (session) => this.synthesizeStack(session, cdktf) };
  }

  /**
   * Render (part of) the stack when it is written or its JSON first read, not now: until
   * then it holds nothing, and once written it lets its elements go (see `synthesizeStack`).
   */
  public renderLate(render: () => void): void {
    this.pending.push(render);
  }

  /** Do the rendering left for later, now. */
  public renderNow(): void {
    while (this.pending.length) this.pending.shift()!();
  }

  /** Run `check` on the stack's Terraform JSON right before it is written. */
  public addWriteCheck(check: WriteCheck): void {
    this.writeChecks.push(check);
  }

  /**
   * cdktf's synthesizer does what it does for every stack (aspects, the manifest entry, the
   * annotations) and writes a placeholder; then the write checks run on the stack's JSON and
   * `writeStableJsonFile` writes it: the same bytes as cdktf's writer, several times faster at
   * scale, streamed into the file rather than made into one string first.
   * Raw resources have no HCL form: synthesizing HCL would silently drop them, so it is refused.
   */
  private synthesizeStack(session: ISynthesisSession, cdktf: IStackSynthesizer): void {
    if (session.manifest.hclOutput)
      throw usageError(`stack ${this.node.id}: xos writes Terraform JSON (cdk.tf.json), not HCL. Synthesize without --hcl (and with SYNTH_HCL_OUTPUT unset).`);
    this.renderNow(); // before cdktf's synthesizer: rendering may add dependencies for the manifest
    this.cdktfWriting = true;
    try {
      cdktf.synthesize(session);
    } finally {
      this.cdktfWriting = false;
    }
    const tf = this.toTerraform();
    for (const check of this.writeChecks) check(tf);
    writeStableJsonFile(path.join(session.outdir, session.manifest.forStack(this).synthesizedStackPath), tf);
    // Written: its elements are not needed any more, and a large cloud has many stacks.
    this.raw.clear();
    this.rawData.clear();
    this.released = true;
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

  private add(into: Map<string, Map<string, Record<string, unknown>>>, type: string, name: string, body: Record<string, unknown>, prefix: '' | 'data.'): void {
    let byName = into.get(type);
    if (!byName) into.set(type, (byName = new Map()));
    if (byName.has(name)) throw new Error(`stack ${this.node.id}: ${prefix}${type}.${name} is declared twice`);
    byName.set(name, body);
  }

  public override toTerraform(): any {
    if (this.cdktfWriting) return {}; // cdktf's placeholder, replaced by synthesizeStack
    if (this.released) throw new Error(`internal: stack ${this.node.id} was written and its elements released; its JSON is in its cdk.tf.json`);
    this.renderNow();
    const tf = super.toTerraform();
    tf.terraform = { ...(tf.terraform ?? {}), required_version: this.requiredVersion };
    for (const [block, raw] of [['resource', this.raw], ['data', this.rawData]] as const) {
      if (!raw.size) continue;
      tf[block] ??= {};
      // Names in sorted order, as the JSON is written; the bodies are shared, not copied (the
      // JSON is written or read, never changed).
      for (const [type, byName] of raw) {
        // Keyed by resource names: a dictionary object (see dict.ts).
        const table: Record<string, unknown> = Object.assign(dict<unknown>(), tf[block][type] ?? {});
        for (const name of [...byName.keys()].sort()) table[name] = byName.get(name);
        tf[block][type] = table;
      }
    }
    return tf;
  }
}
