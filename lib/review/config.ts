/**
 * Changes of the stacks themselves, which no resource change of a plan shows: a stack added
 * or removed (the layout), a stack's backend (where its state lives, and so who receives the
 * credentials that read it), its Terraform settings (required providers and versions) and
 * its provider configuration (where the provider authenticates, with which credentials).
 * Each needs root admin, and the review shows them first.
 *
 * Stacks added and removed come from the two models' layouts. Backends and providers come
 * from the synthesized outputs (`<out>/stacks/<stack>/cdk.tf.json`), compared block by block:
 * the backend settings a program or its `xos.config.json` gives reach Terraform only there,
 * so comparing the outputs judges every way of changing them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { externalError } from '../errors';
import { jsonEqual } from '../plan/diff';
import { jsonProblemText } from '../util/json-error';

export interface ConfigChange {
  readonly stack: string;
  /** What changed: the stack, its backend, its Terraform settings, or its provider configuration. */
  readonly what: 'stack' | 'backend' | 'terraform settings' | 'provider configuration';
  readonly change: 'added' | 'removed' | 'changed';
  /** A short description for the reader (no secret: backends and providers hold none, credentials are variables). */
  readonly detail: string;
}

/** Stacks the head adds and removes, from the two layouts. */
export function layoutChanges(base: Iterable<string>, head: Iterable<string>): ConfigChange[] {
  const b = new Set(base);
  const h = new Set(head);
  const out: ConfigChange[] = [];
  for (const s of [...h].sort()) if (!b.has(s)) out.push({ stack: s, what: 'stack', change: 'added', detail: `a new stack (a new back-end, with its own backend and provider configuration)` });
  for (const s of [...b].sort()) if (!h.has(s)) out.push({ stack: s, what: 'stack', change: 'removed', detail: 'the stack is removed: everything it holds is destroyed' });
  return out;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Largest cdk.tf.json read to compare configurations (a stack of 100k resources is far below it). */
export const MAX_STACK_FILE = 512 * 1024 * 1024;

/** The `terraform` and `provider` blocks of each stack of an output directory. */
export function stackConfigs(out: string, role: string): Map<string, { backend: unknown; settings: unknown; provider: unknown }> {
  const root = path.join(out, 'stacks');
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (e) {
    throw externalError(`cannot read the ${role} output ${out}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it has no stacks folder' : (e as Error).message}. Give the folder \`xos synth --out\` wrote.`);
  }
  const configs = new Map<string, { backend: unknown; settings: unknown; provider: unknown }>();
  for (const name of names.sort()) {
    const file = path.join(root, name, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    const size = fs.statSync(file).size;
    if (size > MAX_STACK_FILE) throw externalError(`${file} is ${size} bytes, more than the ${MAX_STACK_FILE} bytes xos reads; it is not an output of xos synth.`);
    const text = fs.readFileSync(file, 'utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw externalError(`${file} is not valid JSON (${jsonProblemText(e, text)}): the ${role} output is damaged; synthesize it again.`);
    }
    const tf = isObject(doc) && isObject(doc.terraform) ? doc.terraform : {};
    const { backend, cloud, ...settings } = tf;
    configs.set(name, { backend: cloud !== undefined ? { cloud } : backend ?? { local: {} }, settings, provider: isObject(doc) ? doc.provider ?? null : null });
  }
  return configs;
}

/** The kind of a backend block, for the reader: `pg`, `s3`, `local` ... */
function backendKind(b: unknown): string {
  return isObject(b) ? Object.keys(b).join(', ') || 'local' : 'local';
}

/** Backends, Terraform settings and provider configurations that differ between two outputs, stack by stack (stacks in both). */
export function outputChanges(baseOut: string, headOut: string): ConfigChange[] {
  const base = stackConfigs(baseOut, 'base');
  const head = stackConfigs(headOut, 'head');
  const out: ConfigChange[] = [];
  for (const [stack, h] of head) {
    const b = base.get(stack);
    if (!b) continue;
    if (!jsonEqual(b.backend, h.backend)) {
      const kinds = [backendKind(b.backend), backendKind(h.backend)];
      out.push({ stack, what: 'backend', change: 'changed', detail: kinds[0] === kinds[1] ? `the ${kinds[0]} backend's settings change (where the state is read and written)` : `the backend changes from ${kinds[0]} to ${kinds[1]}` });
    }
    if (!jsonEqual(b.settings, h.settings)) out.push({ stack, what: 'terraform settings', change: 'changed', detail: 'required providers or Terraform version change' });
    if (!jsonEqual(b.provider, h.provider)) out.push({ stack, what: 'provider configuration', change: 'changed', detail: 'where or how the provider authenticates changes' });
  }
  return out;
}
