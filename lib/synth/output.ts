import { releaseAroundLargeLayout } from '../util/release';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import type { Compiled } from '../compile';
import { writeCanonicalJsonFile } from '../model/canonical';
import { swapInto, writeDirAtomically, writeDirAtomicallyInterruptible } from './atomic';
import { BACKENDS_CONTEXT, type BackendSettings } from './backend';
import { renderLayout, TARGET_MODES, type TargetMode } from './targets';
import { formatSource } from '../rules/rule';
import { verifyGraphs, type VerifyResult } from '../verify/check';
import type { StackGraph } from '../verify/graph';
import { ProofFailed, readStack } from '../verify/index';
import { DERIVED_FILE, derivedOf } from './derived';
import { TARGET_CONTEXT_KEY } from '../project';
import { outputInfo, writeOutputInfo } from './output-info';

/** `auto`: each stack by its Controller's back-end (openstack, aws, local); `local`: every stack. */
export const TARGETS = TARGET_MODES;
export type Target = TargetMode;

export interface SynthOptions {
  readonly outdir: string;
  readonly target: Target;
  /** Make the program's file names in proof messages relative to this folder. */
  readonly relativeTo?: string;
  /** Where each stack keeps its state. @default a local state file per stack beside the output directory */
  readonly backends?: BackendSettings;
  /** The program's entry file, recorded in xos-output.json. */
  readonly program?: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly { readonly name: string; readonly resources: number; readonly backend: string; readonly target?: string }[];
  /** The proof of the network written (always clean: a failed proof writes nothing). */
  readonly proof?: VerifyResult;
}

/**
 * Synthesize into `dir` (which must not exist or be empty) with cdktf, each stack by its
 * target, and prove what was written: every stack's JSON, as it is written, is read into the
 * network its back-end would build (lib/verify), and the flows it admits must be exactly the
 * flows the model intends. When they are not, `ProofFailed` is thrown (the atomic writers then
 * leave the output as it was). xos-model.json holds the model, xos-output.json which cloud and
 * target made it.
 */
export function synthInto(compiled: Compiled, dir: string, target: Target, backends?: BackendSettings, relativeTo?: string, program?: string): SynthResult {
  releaseAroundLargeLayout(compiled.layout.stacks.reduce((n, s) => n + s.resources.length, 0));
  const app = new App({ outdir: dir, stackTraces: false, skipValidation: true, context: { [TARGET_CONTEXT_KEY]: target, ...(backends ? { [BACKENDS_CONTEXT]: backends } : {}) } });
  const { stacks, constructs } = renderLayout(app, compiled.layout, target);
  const graphs: StackGraph[] = [];
  for (const [name, stack] of constructs) stack.addWriteCheck((tf) => graphs.push(readStack(tf, name)));
  app.synth(); // each OpenStack stack is checked against the provider schema as it is written
  const sources = compiled.built.meta.sources;
  const proof = verifyGraphs(compiled.built.model, compiled.index, graphs, { sourceOf: (key) => formatSource(sources.get(key), relativeTo) });
  if (proof.errors) throw new ProofFailed(proof);
  writeCanonicalJsonFile(path.join(dir, 'xos-model.json'), compiled.built.model as unknown as Record<string, unknown>);
  fs.writeFileSync(path.join(dir, DERIVED_FILE), JSON.stringify(derivedOf(compiled.built.model, compiled.layout), null, 2) + '\n');
  writeOutputInfo(dir, outputInfo(compiled.built.model.name, target, stacks, program, dir, compiled.layout.unplaced));
  return { outdir: dir, stacks, proof };
}

/**
 * Synthesize whole or not at all: write into a fresh directory beside `outdir`, then swap
 * it into place under a lock (see `atomic.ts`). An error leaves an existing `outdir` exactly
 * as it was; two synths into one `outdir` at once leave one complete result.
 */
export function synthesizeAtomically(compiled: Compiled, options: SynthOptions): SynthResult {
  const outdir = path.resolve(options.outdir);
  const result = writeDirAtomically(outdir, (tmp) => synthInto(compiled, tmp, options.target, options.backends, options.relativeTo, options.program));
  return { ...result, outdir };
}

/**
 * `synthesizeAtomically` for the CLI: a SIGINT, SIGTERM or SIGHUP during synthesis removes
 * the temporary directory, leaves `outdir` as it was, and rejects with `Interrupted`.
 */
export async function synthesizeAtomicallyInterruptible(compiled: Compiled, options: SynthOptions): Promise<SynthResult> {
  const outdir = path.resolve(options.outdir);
  const result = await writeDirAtomicallyInterruptible(outdir, (tmp) => synthInto(compiled, tmp, options.target, options.backends, options.relativeTo, options.program));
  return { ...result, outdir };
}

export { swapInto };
