import { Construct } from 'constructs';
import { usageError } from '../lib/errors';
import { dictionaryChildren } from '../lib/model/dict';
import type { RootRole, SourceLocation } from '../lib/model/types';
import { declarationSite } from './base';
import { capture as captureStack } from '../lib/util/call-sites';
import type { BackendConfig } from '../lib/synth/backend';
import { Privilege } from './privilege';
import type { User } from './user';

const REGISTRY = Symbol.for('xos.clouds');
const CAPTURE = Symbol.for('xos.capture');
const SYNTHESIZER = Symbol.for('xos.synthesizer');

/** What `cloud.synth()` runs when a program runs on its own (under `cdktf synth`). */
export type Synthesizer = (cloud: Cloud) => void;

type Registry = { clouds: Cloud[] };

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  if (!g[REGISTRY]) g[REGISTRY] = { clouds: [] };
  return g[REGISTRY]!;
}

export interface CloudProps {
  /**
   * The cloud's name, written into xos-model.json and used in reports.
   * @default 'xos'
   */
  readonly name?: string;
  /**
   * Where `synth()` writes when the program runs under `cdktf synth` or on its own.
   * @default the CDKTF_OUTDIR environment variable, or 'cdktf.out'
   */
  readonly outdir?: string;
  /**
   * The synthesis target: 'auto' renders each stack for its Controller's back-end
   * (openstack -> openstack, ec2 and s3 -> aws, others -> local); 'local' renders every
   * stack as terraform_data.
   * The project's setting wins over this one: XOS_TARGET, `"target"` in xos.config.json,
   * or `"xos:target"` in cdktf.json's context (see README, "The target").
   * @default 'auto'
   */
  readonly target?: string;
  /**
   * Where every stack keeps its Terraform state: `{ type: 'local' }`, `{ type: 'pg', connStr }`,
   * `{ type: 's3', bucket, region }` or `{ type: 'remote', organization }` (HCP Terraform);
   * `{stack}` in a text stands for the stack's name. An `xos.config.json` beside the program
   * overrides it. Credentials never go here: Terraform reads them from the environment.
   * @default a local state file per stack beside the output directory (`terraform.<stack>.tfstate`)
   */
  readonly backend?: BackendConfig;
  /**
   * Backends of single stacks, by stack name, over `backend`.
   * @default none: every stack uses `backend`
   */
  readonly stackBackends?: Readonly<Record<string, BackendConfig>>;
}

/**
 * The root of an XOS program: every Site, User, Deployment, Service ... is declared in it.
 * A program ends with `cloud.synth()`, as a cdktf program ends with `app.synth()`.
 */
export class Cloud extends Construct {
  /** @internal clouds constructed in this process, in order (used by the `xos` loader) */
  public static all(): readonly Cloud[] {
    return registry().clouds;
  }

  /** @internal forget every cloud constructed so far */
  public static reset(): void {
    registry().clouds.length = 0;
  }

  /** @internal when the `xos` CLI loads a program, `synth()` only marks the cloud */
  public static setCaptureMode(on: boolean): void {
    (globalThis as unknown as Record<symbol, boolean>)[CAPTURE] = on;
  }

  private static captureMode(): boolean {
    return (globalThis as unknown as Record<symbol, boolean>)[CAPTURE] === true;
  }

  public readonly cloudName: string;
  public readonly outdir?: string;
  public readonly target?: string;
  public readonly backend?: BackendConfig;
  public readonly stackBackends?: Readonly<Record<string, BackendConfig>>;
  private synthRequested = false;
  private readonly rootGrants: Privilege[] = [];
  /** Where the program made the Cloud (its file is the program's entry, its line the two-Clouds error's). */
  private readonly declaredAt = captureStack(12);

  constructor(props: CloudProps = {}) {
    super(undefined as unknown as Construct, '');
    dictionaryChildren(this.node);
    this.cloudName = props.name ?? 'xos';
    this.outdir = props.outdir;
    this.target = props.target;
    this.backend = props.backend;
    this.stackBackends = props.stackBackends;
    registry().clouds.push(this);
  }

  /** @internal where the program declared this cloud, when it can be told */
  public get source(): SourceLocation | undefined {
    return declarationSite(this.declaredAt);
  }

  /** True once the program asked for synthesis. */
  public get synthesized(): boolean {
    return this.synthRequested;
  }

  /**
   * Grant a root-scope role: `admin` may change everything; `default` is what every User
   * holds implicitly and need not be granted.
   */
  public grant(user: User, role: RootRole): Privilege {
    const p = Privilege.create(this, 'root', user, role, null);
    this.rootGrants.push(p);
    return p;
  }

  /**
   * Validate the model and write the synthesized output (cdktf's manifest, one stack per
   * Controller, xos-model.json and xos-output.json) for the project's target. Run by
   * `cdktf synth` through cdktf.json; under the `xos` CLI (and `Testing.load`) it only marks
   * the cloud, and the caller synthesizes with its own options.
   * @throws SynthError, carrying every violation, when the model breaks a rule: nothing is
   * written, and the process is left running (a test can catch it).
   */
  public synth(): void {
    this.synthRequested = true;
    if (Cloud.captureMode()) return;
    const synthesize = (globalThis as unknown as Record<symbol, Synthesizer | undefined>)[SYNTHESIZER];
    if (!synthesize) throw usageError("cloud.synth() found no synthesizer: import the constructs from 'xos' (its entry point provides it), or run the program with the xos CLI.");
    synthesize(this);
  }

  /**
   * @internal Provide what `synth()` runs. The constructs know nothing of synthesis: xos's
   * entry point (lib/index.ts) hands it in, so that the construct layer never loads the
   * synthesizer and the synthesizer's own imports of the constructs make no circle.
   */
  public static useSynthesizer(fn: Synthesizer): void {
    (globalThis as unknown as Record<symbol, Synthesizer>)[SYNTHESIZER] = fn;
  }
}
