import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import type { Compiled } from '../compile';
import { canonicalJson } from '../model/canonical';
import { renderLocal } from './local';
import { XosStack } from './stack';

export const TARGETS = ['local'] as const;
export type Target = (typeof TARGETS)[number];

export interface SynthOptions {
  readonly outdir: string;
  readonly target: Target;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly { readonly name: string; readonly resources: number; readonly backend: string }[];
}

/** Synthesize into `dir` (which must not exist or be empty) with cdktf. */
export function synthInto(compiled: Compiled, dir: string, target: Target): SynthResult {
  const app = new App({ outdir: dir, stackTraces: false, skipValidation: true });
  const stacks: { name: string; resources: number; backend: string }[] = [];
  for (const s of compiled.layout.stacks) {
    const stack = new XosStack(app, s.name);
    if (target === 'local') renderLocal(stack, s);
    stacks.push({ name: s.name, resources: s.resources.length, backend: s.backend });
  }
  app.synth();
  fs.writeFileSync(path.join(dir, 'xos-model.json'), canonicalJson(compiled.built.model));
  return { outdir: dir, stacks };
}

/**
 * Synthesize whole or not at all: write into a fresh directory beside `outdir`, then swap
 * it into place. An error leaves an existing `outdir` exactly as it was.
 */
export function synthesizeAtomically(compiled: Compiled, options: SynthOptions): SynthResult {
  const outdir = path.resolve(options.outdir);
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.tmp-`));
  let result: SynthResult;
  try {
    result = synthInto(compiled, tmp, options.target);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  swapInto(tmp, outdir);
  return { ...result, outdir };
}

/** Move `tmp` to `target`, replacing what was there, with no moment where neither is whole. */
export function swapInto(tmp: string, target: string): void {
  const old = `${path.join(path.dirname(target), '.' + path.basename(target))}.old-${process.pid}-${Date.now()}`;
  let moved = false;
  try {
    if (fs.existsSync(target)) {
      fs.renameSync(target, old);
      moved = true;
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    if (moved && !fs.existsSync(target)) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (moved) fs.rmSync(old, { recursive: true, force: true });
}
