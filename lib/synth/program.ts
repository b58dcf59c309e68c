import * as fs from 'fs';
import * as path from 'path';
import type { Cloud } from '../../constructs/cloud';
import { compileCloud } from '../compile';
import { isXosError } from '../errors';
import { inertIo, processIo } from '../cli/io';
import { changeText } from '../model/allocate';
import { allocationsPath, readAllocations, sameAllocations, writeAllocations } from '../model/allocations-file';
import { formatViolation } from '../rules/index';
import { resolveBackendSettings } from './backend';
import { synthInto, TARGETS, type Target } from './output';
import { isProofFailed } from '../verify/index';

/**
 * What `cloud.synth()` does when a program runs on its own or under `cdktf synth`:
 * validate, print violations, and synthesize into CDKTF_OUTDIR (or the cloud's outdir).
 */
export function synthProgramCloud(cloud: Cloud): void {
  // Backends and allocations: xos.config.json and xos.allocations.json beside the program (cdktf runs it from there).
  const programDir = require.main?.filename ? path.dirname(require.main.filename) : process.cwd();
  const allocationsFile = allocationsPath(programDir);
  const previous = readAllocations(allocationsFile);
  const locked = process.env.XOS_LOCKED === '1';
  const compiled = compileCloud(cloud, { relativeTo: process.cwd(), allocations: previous, locked, allocationsFile: path.relative(process.cwd(), allocationsFile) || allocationsFile });
  // Printed through the output layer: names from the program made inert, no credential shown.
  const stderr = inertIo(processIo);
  for (const v of compiled.violations) if (!v.acknowledged) stderr.err(formatViolation(v) + '\n');
  if (compiled.errors > 0) {
    stderr.err(`xos: ${compiled.errors} error(s); nothing was synthesized.\n`);
    process.exit(1);
  }
  const target = (cloud.target ?? process.env.XOS_TARGET ?? 'auto') as Target;
  if (!(TARGETS as readonly string[]).includes(target)) {
    stderr.err(`xos: unknown target '${target}' (known: ${TARGETS.join(', ')}).\n`);
    process.exit(1);
  }
  const outdir = process.env.CDKTF_OUTDIR ?? cloud.outdir ?? 'cdktf.out';
  fs.mkdirSync(outdir, { recursive: true });
  try {
    synthInto(compiled, outdir, target, resolveBackendSettings(cloud, programDir), process.cwd());
    const lock = compiled.built.meta.allocation?.lock;
    if (!locked && lock && !sameAllocations(previous, lock) && (previous || Object.keys(lock.allocations).length)) {
      writeAllocations(allocationsFile, lock);
      const changes = compiled.built.meta.allocation!.changes;
      stderr.err(`xos: ${changes.length} allocation change(s) recorded in ${allocationsFile}: review and commit it.\n`);
      for (const c of changes.slice(0, 20)) stderr.err(`  ${changeText(c)}\n`);
    }
  } catch (e) {
    // A failed proof of the network: its violations, then the error (nothing is kept).
    if (isProofFailed(e)) for (const v of e.proof.violations) stderr.err(formatViolation(v) + '\n');
    // A usage error (a back-end that cannot be told about an object) is the program's, not a crash.
    if (!isXosError(e) || (e.kind !== 'usage' && !isProofFailed(e))) throw e;
    stderr.err(`xos: ${e.message}\n`);
    process.exit(1);
  }
}
