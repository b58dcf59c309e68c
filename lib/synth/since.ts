/**
 * Which stacks' output changed against a previous output directory (`xos synth --since DIR`),
 * so that CI plans only those: a one-Sliver change in a large cloud re-plans one stack.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface StackChanges {
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

/** A digest of each stack's cdk.tf.json under an output directory (empty when there is none). */
export function snapshotStacks(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = path.join(dir, 'stacks');
  if (!fs.existsSync(root)) return out;
  for (const name of fs.readdirSync(root)) {
    const f = path.join(root, name, 'cdk.tf.json');
    if (fs.existsSync(f)) out.set(name, createHash('sha256').update(fs.readFileSync(f)).digest('hex'));
  }
  return out;
}

/** Compare two snapshots: stacks whose output differs, appeared, disappeared or stayed the same. */
export function compareSnapshots(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): StackChanges {
  const changed: string[] = [];
  const added: string[] = [];
  const unchanged: string[] = [];
  for (const [name, digest] of after) {
    const old = before.get(name);
    if (old === undefined) added.push(name);
    else if (old !== digest) changed.push(name);
    else unchanged.push(name);
  }
  const removed = [...before.keys()].filter((n) => !after.has(n));
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort(), unchanged: unchanged.sort() };
}

/** Compare the synthesized stacks of two output directories. */
export function compareStacks(previousDir: string, currentDir: string): StackChanges {
  return compareSnapshots(snapshotStacks(previousDir), snapshotStacks(currentDir));
}
