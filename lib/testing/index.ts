/**
 * `xos/testing`: test a program the way cdktf's `Testing` tests an app. Build a program's
 * cloud in this process, read its violations as data, synthesize its stacks in memory (or
 * into a temporary folder), and assert with jest matchers that work on every target:
 *
 *   import { Testing } from 'xos/testing';
 *   Testing.setupJest();
 *   const app = Testing.load('main.ts');
 *   expect(app).toHaveNoViolations();
 *   expect(app.synth()).toHaveObject('princeton/hello/vm1', 'Sliver');
 *
 * Nothing here ends the process or writes outside a temporary folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cloud } from '../../constructs/cloud';
import { compileCloud, type Compiled } from '../compile';
import { SynthError } from '../errors';
import type { XosModel } from '../model/types';
import { chooseTarget, type TargetMode } from '../project';
import { formatViolation, type Violation } from '../rules/index';
import { formatSource } from '../rules/rule';
import type { VerifyResult } from '../verify/check';
import { matchers } from './matchers';

export { matchers } from './matchers';
export type { Violation } from '../rules/index';

/** One Terraform element of a synthesized stack, with the model object it comes from. */
export interface TestResource {
  /** `type.name`, or `data.type.name`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly data: boolean;
  /** Its Terraform JSON. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The model key of the object it comes from (undefined for what the target adds: providers' helpers, outputs). */
  readonly model?: string;
  /** The model object's kind in the layout (`sliver`, `network`, `port` ...). */
  readonly kind?: string;
}

/** One synthesized stack. */
export class TestStack {
  constructor(
    /** The stack's name (the Controller's stackName). */
    public readonly name: string,
    /** The target that rendered it: `local`, `openstack` or `aws`. */
    public readonly target: string,
    /** Its Terraform JSON, as `cdk.tf.json` holds it. */
    public readonly json: Readonly<Record<string, any>>,
    private readonly origins: ReadonlyMap<string, { model: string; kind: string }>,
  ) {}

  /** Every resource and data source, optionally of one Terraform type. */
  public resources(type?: string): TestResource[] {
    const out: TestResource[] = [];
    for (const data of [false, true]) {
      const section = (data ? this.json.data : this.json.resource) as Record<string, Record<string, Record<string, unknown>>> | undefined;
      for (const [t, byName] of Object.entries(section ?? {})) {
        if (type !== undefined && t !== type) continue;
        for (const [name, body] of Object.entries(byName)) {
          const address = `${data ? 'data.' : ''}${t}.${name}`;
          const o = this.origins.get(address);
          out.push({ address, type: t, name, data, body, ...(o ? { model: o.model, kind: o.kind } : {}) });
        }
      }
    }
    return out;
  }

  /** The resources made from one model object (by key, as `xos validate` prints paths). */
  public resourcesOf(key: string): TestResource[] {
    return this.resources().filter((r) => r.model === key);
  }
}

/** A cloud's stacks, synthesized in memory for one target. */
export class TestSynth {
  constructor(
    /** The target the stacks were synthesized for. */
    public readonly target: TargetMode,
    /** The stacks, in the order synthesis writes them. */
    public readonly stacks: readonly TestStack[],
    /** The proof of the network these stacks build, as `xos verify` makes it (always clean: a failed proof throws). */
    public readonly proof: VerifyResult,
  ) {}

  /** One stack by name; an error lists the stacks there are. */
  public stack(name: string): TestStack {
    const s = this.stacks.find((x) => x.name === name);
    if (!s) throw new Error(`no stack '${name}'; the stacks are: ${this.stacks.map((x) => x.name).join(', ') || '(none)'}.`);
    return s;
  }

  /** Every resource of every stack (optionally of one Terraform type), with its stack's name. */
  public resources(type?: string): (TestResource & { stack: string })[] {
    return this.stacks.flatMap((s) => s.resources(type).map((r) => ({ ...r, stack: s.name })));
  }
}

/** A program's cloud, built in this process and checked. */
export class TestCloud {
  private compiledCache?: Compiled;

  constructor(
    public readonly cloud: Cloud,
    /** The program's folder (its project's target is read from there); the working folder for a Cloud made in the test. */
    public readonly dir: string = process.cwd(),
  ) {}

  /** The compiled model (built once; `TestCloud` reads the cloud as it is when first asked). */
  public get compiled(): Compiled {
    return (this.compiledCache ??= compileCloud(this.cloud, { relativeTo: process.cwd() }));
  }

  /** The declared model, as xos-model.json holds it. */
  public get model(): XosModel {
    return this.compiled.built.model;
  }

  /** Every violation (warnings and acknowledged ones included), as `xos validate --json` prints them. */
  public get violations(): readonly Violation[] {
    return this.compiled.violations;
  }

  /** The violations that fail `xos synth`: errors not acknowledged. */
  public get errors(): readonly Violation[] {
    return this.violations.filter((v) => v.severity === 'error' && !v.acknowledged);
  }

  /** The warnings not acknowledged (they fail `xos validate --strict`). */
  public get warnings(): readonly Violation[] {
    return this.violations.filter((v) => v.severity === 'warning' && !v.acknowledged);
  }

  /** The violations of one rule, optionally on one object. */
  public violationsOf(id: string, path?: string): readonly Violation[] {
    return this.violations.filter((v) => v.id === id && (path === undefined || v.path === path));
  }

  /** The target the project chose (XOS_TARGET, xos.config.json, cdktf.json, the Cloud, auto). */
  public get target(): TargetMode {
    return chooseTarget(this.dir, { cloud: this.cloud.target }).target;
  }

  /**
   * Synthesize every stack in memory, for the project's target or the one given, and prove
   * the network they build (as `xos synth` does before it writes). Throws a SynthError
   * carrying the violations when the model breaks a rule or the proof fails, as
   * `cloud.synth()` does.
   */
  public synth(options: { target?: TargetMode } = {}): TestSynth {
    this.assertSynthesizable();
    const target = options.target ?? this.target;
    // Loaded here: building and checking a model never loads cdktf.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { renderInMemory } = require('../synth/rendered') as typeof import('../synth/rendered');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { declaredResources } = require('../synth/declared') as typeof import('../synth/declared');
    const layout = this.compiled.layout;
    const rendered = renderInMemory(layout, target);
    const local = declaredResources(layout, 'local');
    const stacks = rendered.stacks.map((s) => {
      const origins = new Map<string, { model: string; kind: string }>();
      if (s.target === 'local') for (const d of local.get(s.name) ?? []) origins.set(d.address, { model: d.model, kind: d.kind });
      else for (const [address, o] of rendered.origins.get(s.name) ?? []) origins.set(address, { model: o.model, kind: o.kind });
      return new TestStack(s.name, s.target, rendered.json.get(s.name)!, origins);
    });
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { verifyStacks } = require('../verify/index') as typeof import('../verify/index');
    const sources = this.compiled.built.meta.sources;
    const proof = verifyStacks(this.model, rendered.json, { sourceOf: (key) => formatSource(sources.get(key), process.cwd()) }, this.compiled.index);
    if (proof.errors) throw this.proofError(proof);
    return new TestSynth(target, stacks, proof);
  }

  /**
   * Synthesize into a fresh temporary folder, as `xos synth` writes (manifest.json,
   * stacks/<stack>/cdk.tf.json, xos-model.json, xos-output.json), and return its path: for
   * running terraform on the output in a test. The caller removes it.
   */
  public fullSynth(options: { target?: TargetMode } = {}): string {
    this.assertSynthesizable();
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { synthesizeAtomically } = require('../synth/output') as typeof import('../synth/output');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { resolveBackendSettings } = require('../synth/backend') as typeof import('../synth/backend');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { isProofFailed } = require('../verify/index') as typeof import('../verify/index');
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xos-testing-')), 'cdktf.out');
    try {
      synthesizeAtomically(this.compiled, { outdir: dir, target: options.target ?? this.target, backends: resolveBackendSettings(this.cloud, this.dir), relativeTo: process.cwd() });
    } catch (e) {
      if (isProofFailed(e)) throw this.proofError(e.proof);
      throw e;
    }
    return dir;
  }

  private proofError(proof: VerifyResult): SynthError {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { proofSynthError } = require('../synth/program') as typeof import('../synth/program');
    return proofSynthError(this.violations, proof);
  }

  private assertSynthesizable(): void {
    const errors = this.errors;
    if (errors.length)
      throw new SynthError(`${errors.length} rule violation${errors.length === 1 ? '' : 's'}; nothing was synthesized:\n${errors.map((v) => `  ${formatViolation(v)}`).join('\n')}`, this.violations);
  }
}

export interface LoadOptions {
  /**
   * Run the program without type checking it (only where this process has no TypeScript
   * loader of its own: under jest, ts-jest compiles it).
   * @default false
   */
  readonly transpileOnly?: boolean;
}

/** Entry points, in the style of cdktf's `Testing`. */
export class Testing {
  /**
   * Run a program (a .ts file, a folder holding main.ts, or a recipe.yaml; relative to the
   * working folder) in this process and return its cloud, checked. The program's
   * `cloud.synth()` only marks the cloud, as under `xos`; nothing is written.
   */
  public static load(program: string, options: LoadOptions = {}): TestCloud {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { loadProgram } = require('../cli/load') as typeof import('../cli/load');
    const loaded = loadProgram(program, { transpileOnly: !!options.transpileOnly, hostLoader: 'if-present' });
    return new TestCloud(loaded.cloud, loaded.dir);
  }

  /** Check a Cloud the test made itself (`new Cloud(...)`), without a program file. */
  public static of(cloud: Cloud, dir: string = process.cwd()): TestCloud {
    return new TestCloud(cloud, dir);
  }

  /**
   * A fresh Cloud for a test, forgetting any made before (a program declares one Cloud;
   * tests make many).
   */
  public static cloud(props: ConstructorParameters<typeof Cloud>[0] = {}): Cloud {
    Cloud.reset();
    return new Cloud(props);
  }

  /** Add xos's matchers to jest's `expect` (call once, in a test file or a jest setup file). */
  public static setupJest(): void {
    const expect = (globalThis as { expect?: { extend(m: object): void } }).expect;
    if (!expect || typeof expect.extend !== 'function') throw new Error('Testing.setupJest() needs jest\'s global expect: call it inside a jest test file or setup file.');
    expect.extend(matchers);
  }
}
