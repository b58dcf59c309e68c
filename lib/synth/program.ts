import * as fs from 'fs';
import * as path from 'path';
import type { Cloud } from '../../constructs/cloud';
import { compileCloud } from '../compile';
import { isXosError, SynthError, type SynthViolation } from '../errors';
import { inertIo, processIo, safeText } from '../cli/io';
import { changeText } from '../model/allocate';
import { allocationsPath, readAllocations, sameAllocations, writeAllocations } from '../model/allocations-file';
import { chooseTarget } from '../project';
import { formatViolation } from '../rules/index';
import { resolveBackendSettings } from './backend';
import { synthInto } from './output';
import { isProofFailed, ProofFailed } from '../verify/index';
import type { VerifyResult } from '../verify/check';

/**
 * What `cloud.synth()` does when a program runs on its own, under `cdktf synth`, or in a
 * test: validate, print the violations, and synthesize into CDKTF_OUTDIR (or the cloud's
 * outdir) for the project's target. A model that breaks a rule throws a SynthError carrying
 * the violations (nothing is written); the process is never ended here.
 *
 * Warnings and acknowledged violations go to standard output (cdktf shows standard error
 * as errors); errors go into the SynthError's message.
 */
export function synthProgramCloud(cloud: Cloud): void {
  // The project around the program (the folder of the file that made the Cloud; cdktf runs
  // it from there): its target, its backends, its allocations (xos.allocations.json).
  const entry = cloud.source?.file ?? require.main?.filename;
  const programDir = entry ? path.dirname(entry) : process.cwd();
  const allocationsFile = allocationsPath(programDir);
  const previous = readAllocations(allocationsFile);
  const locked = process.env.XOS_LOCKED === '1';
  const compiled = compileCloud(cloud, { relativeTo: process.cwd(), allocations: previous, locked, allocationsFile: path.relative(process.cwd(), allocationsFile) || allocationsFile });
  const errors = compiled.violations.filter((v) => v.severity === 'error' && !v.acknowledged);
  // Printed through the output layer: names from the program made inert, no credential shown.
  const stdout = inertIo(processIo);
  for (const v of compiled.violations) if (!errors.includes(v)) stdout.out(formatViolation(v) + '\n');
  if (errors.length > 0) {
    const lines = errors.map((v) => `  ${formatViolation(v)}`);
    throw new SynthError(safeText()(`${errors.length} rule violation${errors.length === 1 ? '' : 's'}; nothing was synthesized:\n${lines.join('\n')}\n(xos validate lists them with the fix of each rule in docs/rules.md)`), compiled.violations);
  }
  let target;
  try {
    target = chooseTarget(programDir, { cloud: cloud.target }).target;
  } catch (e) {
    if (isXosError(e)) throw new SynthError(safeText()(e.message), compiled.violations);
    throw e;
  }
  const outdir = process.env.CDKTF_OUTDIR ?? cloud.outdir ?? 'cdktf.out';
  fs.mkdirSync(outdir, { recursive: true });
  try {
    synthInto(compiled, outdir, target, resolveBackendSettings(cloud, programDir), process.cwd(), entry);
    const lock = compiled.built.meta.allocation?.lock;
    if (!locked && lock && !sameAllocations(previous, lock) && (previous || Object.keys(lock.allocations).length)) {
      writeAllocations(allocationsFile, lock);
      const changes = compiled.built.meta.allocation!.changes;
      // Standard output: cdktf shows standard error as errors.
      stdout.out(`xos: ${changes.length} allocation change(s) recorded in ${allocationsFile}: review and commit it.\n`);
      for (const c of changes.slice(0, 20)) stdout.out(`  ${changeText(c)}\n`);
    }
  } catch (e) {
    if (isProofFailed(e)) throw proofSynthError(compiled.violations, e.proof);
    // A usage error (a back-end that cannot be told about an object) is the program's, not a crash.
    if (isXosError(e) && e.kind === 'usage') throw new SynthError(safeText()(e.message), compiled.violations);
    throw e;
  }
}

/**
 * A failed proof of the network as the SynthError `cloud.synth()` and xos/testing throw
 * (nothing is kept): its FLOW violations, one a line, then what it means; it carries the
 * model's violations and the proof's.
 */
export function proofSynthError(violations: readonly SynthViolation[], proof: VerifyResult): SynthError {
  const lines = proof.violations.map((v) => `  ${formatViolation(v)}`);
  return new SynthError(safeText()(`${lines.join('\n')}\n${new ProofFailed(proof).message}`), [...violations, ...proof.violations]);
}
