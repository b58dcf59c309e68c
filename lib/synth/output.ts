import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import type { Compiled } from '../compile';
import { writeCanonicalJsonFile } from '../model/canonical';
import { swapInto, writeDirAtomically, writeDirAtomicallyInterruptible } from './atomic';
import { BACKENDS_CONTEXT, type BackendSettings } from './backend';
import { renderLayout, TARGET_MODES, type TargetMode } from './targets';

/** `auto`: each stack by its Controller's back-end (openstack, aws, local); `local`: every stack. */
export const TARGETS = TARGET_MODES;
export type Target = TargetMode;

export interface SynthOptions {
  readonly outdir: string;
  readonly target: Target;
  /** Where each stack keeps its state. @default a local state file per stack beside the output directory */
  readonly backends?: BackendSettings;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly { readonly name: string; readonly resources: number; readonly backend: string; readonly target?: string }[];
}

/** Synthesize into `dir` (which must not exist or be empty) with cdktf, each stack by its target. */
export function synthInto(compiled: Compiled, dir: string, target: Target, backends?: BackendSettings): SynthResult {
  const app = new App({ outdir: dir, stackTraces: false, skipValidation: true, ...(backends ? { context: { [BACKENDS_CONTEXT]: backends } } : {}) });
  const { stacks } = renderLayout(app, compiled.layout, target);
  app.synth(); // each OpenStack stack is checked against the provider schema as it is written
  writeCanonicalJsonFile(path.join(dir, 'xos-model.json'), compiled.built.model as unknown as Record<string, unknown>);
  return { outdir: dir, stacks };
}

/**
 * Synthesize whole or not at all: write into a fresh directory beside `outdir`, then swap
 * it into place under a lock (see `atomic.ts`). An error leaves an existing `outdir` exactly
 * as it was; two synths into one `outdir` at once leave one complete result.
 */
export function synthesizeAtomically(compiled: Compiled, options: SynthOptions): SynthResult {
  const outdir = path.resolve(options.outdir);
  const result = writeDirAtomically(outdir, (tmp) => synthInto(compiled, tmp, options.target, options.backends));
  return { ...result, outdir };
}

/**
 * `synthesizeAtomically` for the CLI: a SIGINT, SIGTERM or SIGHUP during synthesis removes
 * the temporary directory, leaves `outdir` as it was, and rejects with `Interrupted`.
 */
export async function synthesizeAtomicallyInterruptible(compiled: Compiled, options: SynthOptions): Promise<SynthResult> {
  const outdir = path.resolve(options.outdir);
  const result = await writeDirAtomicallyInterruptible(outdir, (tmp) => synthInto(compiled, tmp, options.target, options.backends));
  return { ...result, outdir };
}

export { swapInto };
