/**
 * `xos.allocations.json`, beside the program (or recipe): the pool values allocated to tenant
 * instances, reviewed and committed like a lock file (see allocate.ts for why it exists).
 * Read by every command that builds a model from a program; written only by `xos synth`
 * without `--locked`, whole or not at all.
 */
import * as fs from 'fs';
import * as path from 'path';
import { usageError, externalError } from '../errors';
import { ALLOCATIONS_FORMAT_VERSION, type AllocationLock } from './allocate';
import { canonicalJson } from './canonical';
import { dict } from './dict';

export const ALLOCATIONS_FILE = 'xos.allocations.json';

const NOTE =
  'Pool values xos allocated to tenant instances (TNI-005): provider -> attribute -> instance id -> value. ' +
  'Commit this file with the program and review its changes: xos synth records values for new instances and drops those of removed ones; ' +
  'with --locked (CI) nothing is allocated and a missing or stale entry fails the run. Delete a line to have that instance allocated anew.';

/** The allocations file of a program's folder. */
export function allocationsPath(dir: string): string {
  return path.join(dir, ALLOCATIONS_FILE);
}

/** Read the allocations file; undefined when there is none. Anything malformed is a usage error naming the fix. */
export function readAllocations(file: string): AllocationLock | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw externalError(`cannot read ${file}: ${(e as Error).message}.`);
  }
  return parseAllocations(text, file);
}

/** Parse and check the text of an allocations file. */
export function parseAllocations(text: string, file: string): AllocationLock {
  const fix = `Restore it from version control, or delete it to allocate every instance anew (review the change).`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw usageError(`${file} is not valid JSON (${(e as Error).message}); a merge may have left conflict markers in it. ${fix}`);
  }
  const o = doc as { formatVersion?: unknown; allocations?: unknown };
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw usageError(`${file} is not an allocations file (a JSON object with "formatVersion" and "allocations"). ${fix}`);
  if (o.formatVersion !== ALLOCATIONS_FORMAT_VERSION) throw usageError(`${file} has formatVersion ${JSON.stringify(o.formatVersion)}; this xos reads ${ALLOCATIONS_FORMAT_VERSION}. ${fix}`);
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(o.allocations)) throw usageError(`${file}: "allocations" must be an object (provider -> attribute -> instance id -> value). ${fix}`);
  const out = dict<Record<string, Record<string, number | string>>>();
  for (const [provider, attrs] of Object.entries(o.allocations)) {
    if (!isMap(attrs)) throw usageError(`${file}: allocations of ${JSON.stringify(provider)} must be an object of attributes. ${fix}`);
    out[provider] = dict();
    for (const [attr, ids] of Object.entries(attrs)) {
      if (!isMap(ids)) throw usageError(`${file}: allocations of ${provider} ${JSON.stringify(attr)} must be an object of instance ids. ${fix}`);
      const m = dict<number | string>();
      for (const [id, v] of Object.entries(ids)) {
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
          throw usageError(`${file}: ${provider} ${attr} of ${JSON.stringify(id)} is ${JSON.stringify(v)}, not a number or a string. ${fix}`);
        m[id] = v;
      }
      out[provider][attr] = m;
    }
  }
  return { formatVersion: ALLOCATIONS_FORMAT_VERSION, allocations: out };
}

/** The text of an allocations file: sorted, one instance per line, a note on top. */
export function allocationsText(lock: AllocationLock): string {
  return canonicalJson({ '//': NOTE, formatVersion: lock.formatVersion, allocations: lock.allocations });
}

/** Write the allocations file whole (a temporary file renamed over it), or not at all. */
export function writeAllocations(file: string, lock: AllocationLock): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, allocationsText(lock));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw externalError(`could not write ${file}: ${(e as Error).message}. Check that the folder is writable.`);
  }
}

/** True when the file's allocations are exactly `lock`'s (an unchanged file is not rewritten). */
export function sameAllocations(a: AllocationLock | undefined, b: AllocationLock): boolean {
  return allocationsText(a ?? { formatVersion: ALLOCATIONS_FORMAT_VERSION, allocations: {} }) === allocationsText(b);
}
