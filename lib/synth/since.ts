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

/**
 * A digest of each stack's cdk.tf.json under an output directory (empty when there is none).
 * Each file is read in pieces into one buffer: a large cloud's stacks are tens of megabytes
 * each, and the digests are taken right after synthesis, while the compiled model is held.
 */
export function snapshotStacks(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = path.join(dir, 'stacks');
  if (!fs.existsSync(root)) return out;
  const buf = Buffer.allocUnsafe(1024 * 1024);
  for (const name of fs.readdirSync(root)) {
    const f = path.join(root, name, 'cdk.tf.json');
    if (fs.existsSync(f)) out.set(name, digestOf(f, buf));
  }
  return out;
}

/** The sha256 of a file, read through `buf`. */
function digestOf(file: string, buf: Buffer): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
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
