/**
 * Which stacks' output changed against a previous output directory (`xos synth --since DIR`),
 * so that CI plans only those: a one-Sliver change in a large cloud re-plans one stack.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface StackChanges {
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

function stacksIn(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = path.join(dir, 'stacks');
  if (!fs.existsSync(root)) return out;
  for (const name of fs.readdirSync(root)) {
    const f = path.join(root, name, 'cdk.tf.json');
    if (fs.existsSync(f)) out.set(name, f);
  }
  return out;
}

/** Compare the synthesized stacks of two output directories, byte for byte. */
export function compareStacks(previousDir: string, currentDir: string): StackChanges {
  const before = stacksIn(previousDir);
  const after = stacksIn(currentDir);
  const changed: string[] = [];
  const added: string[] = [];
  const unchanged: string[] = [];
  for (const [name, file] of after) {
    const old = before.get(name);
    if (!old) added.push(name);
    else if (!sameBytes(old, file)) changed.push(name);
    else unchanged.push(name);
  }
  const removed = [...before.keys()].filter((n) => !after.has(n));
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort(), unchanged: unchanged.sort() };
}

function sameBytes(a: string, b: string): boolean {
  const sa = fs.statSync(a);
  const sb = fs.statSync(b);
  if (sa.size !== sb.size) return false;
  return fs.readFileSync(a).equals(fs.readFileSync(b));
}
