import * as v8 from 'v8';
import type { Cloud } from '../constructs/cloud';
import type { AllocationChange, AllocationLock } from './model/allocate';
import { buildModel, type BuiltModel } from './model/build';
import { checkModelBounds } from './limits';
import { ModelIndex } from './model/index';
import { runRules, summarize, type RunOptions, type Violation } from './rules/index';
import { formatSource, type Finding } from './rules/rule';
import type { XosModel } from './model/types';
import { buildLayout, type Layout } from './synth/layout';
import { releaseAroundLargeLayout } from './util/release';

/** A checked model: everything synthesis and the reports need, no cdktf in it. */
export interface Compiled {
  readonly built: BuiltModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
  readonly violations: readonly Violation[];
  readonly errors: number;
  readonly warnings: number;
}

export interface CompileOptions extends RunOptions {
  /** The allocations recorded before (`xos.allocations.json`), kept where they hold. */
  readonly allocations?: AllocationLock;
  /**
   * Allocate nothing: a value that is not recorded, or a recorded one that must change, is a
   * TNI-005 error (CI: the reviewed file is the truth).
   */
  readonly locked?: boolean;
  /** The allocations file, as messages name it. @default 'xos.allocations.json' */
  readonly allocationsFile?: string;
  /** What the previous compile of this program made, reused when the model is the same (--watch). */
  readonly memo?: CompileMemo;
}

/** A model with its index, layout and each rule's findings on it (filled as the rules run). */
interface Checked {
  readonly model: XosModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
  readonly findings: Map<string, readonly Finding[]>;
}

/**
 * What compiling a program's model made, kept for its next compile in this process (--watch:
 * a save that leaves the model as it was, which most edits of a large program's own code do).
 * When the model is the same, content for content (its V8 serialization, byte for byte: every
 * value, key order and shared reference; 3-5 ms for central-office's 4,013 instances), the model
 * already indexed, laid out and checked stands for the new one. What depends on more than the
 * model is made anew every time: declaration sites, acknowledgements, build errors, allocation
 * changes, and the findings of a rule that asked where something was declared. One model is
 * kept: the last one. The same content in another representation (an array V8 made holey)
 * serializes differently: then the model is checked again, never the reverse.
 */
export class CompileMemo {
  private last?: Checked & { readonly bytes: Buffer };

  /** The earlier model's parts when `model` is the same as it, else `model`'s, made now. */
  checked(model: XosModel, make: (model: XosModel) => Omit<Checked, 'model' | 'findings'>): Checked {
    let bytes: Buffer | undefined;
    try {
      bytes = v8.serialize(model);
    } catch {
      // Something V8 cannot copy (a function): never reused.
    }
    if (bytes && this.last?.bytes.equals(bytes)) return this.last;
    const made = { model, ...make(model), findings: new Map<string, readonly Finding[]>() };
    this.last = bytes ? { ...made, bytes } : undefined;
    return made;
  }
}

function check(model: XosModel): Omit<Checked, 'model' | 'findings'> {
  const index = new ModelIndex(model);
  // Counts multiply in the layout (a port per Sliver and Network, keys in every Sliver): bounded before it is built.
  checkModelBounds(model, index);
  const layout = buildLayout(model, index);
  releaseAroundLargeLayout(layout.stacks.reduce((n, s) => n + s.resources.length, 0));
  return { index, layout };
}

/** Build the model, derive the layout and run every static rule. */
export function compileModel(built: BuiltModel, options: CompileOptions = {}): Compiled {
  const { model, index, layout, findings } = options.memo ? options.memo.checked(built.model, check) : { model: built.model, ...check(built.model), findings: undefined };
  if (model !== built.model) {
    // The same model as before stands for this one: the index and layout are of its objects.
    built = { model, meta: built.meta };
    // The bounds can change while the model does not (XOS_MAX_RESOURCES): checked again (check() did, for a model made now).
    checkModelBounds(model, index);
  }
  const violations = [...runRules(built, layout, { ...options, findings }, index)];
  for (const c of layout.collisions) violations.push(nameCollision(built, c, options.relativeTo));
  if (options.locked) for (const c of built.meta.allocation?.changes ?? []) violations.push(lockedChange(built, index, c, options.allocationsFile ?? 'xos.allocations.json', options.relativeTo));
  const { errors, warnings } = summarize(violations);
  return { built, index, layout, violations, errors, warnings };
}

export function compileCloud(cloud: Cloud, options: CompileOptions = {}): Compiled {
  return compileModel(buildModel(cloud, { allocations: options.allocations }), options);
}

/** TNI-005 under --locked: an allocation the recorded file does not hold as the model needs it. */
function lockedChange(built: BuiltModel, index: ModelIndex, c: AllocationChange, file: string, relativeTo?: string): Violation {
  const present = index.has(c.instance, 'Instance');
  const path = present ? c.instance : c.instance.slice(0, c.instance.lastIndexOf('/'));
  const fix = `Run xos synth without --locked to record it, review and commit ${file}.`;
  const message =
    c.why === 'new'
      ? `${c.attribute} of ${c.instance} is recorded nowhere in ${file}, and --locked allocates nothing (it would get ${c.to}). ${fix}`
      : c.why === 'moved'
        ? `${c.attribute} ${c.from} of ${c.instance}, recorded in ${file}, no longer holds (outside the pool, or another instance holds it: it would move to ${c.to ?? 'nothing'}). ${fix}`
        : `${file} records ${c.attribute} ${c.from} for ${c.instance}, which no longer draws it from the pool (removed, or given its value in the program). ${fix}`;
  const src = formatSource(built.meta.sources.get(path), relativeTo);
  return { id: 'TNI-005', severity: 'error', path, message, ...(src ? { source: src } : {}) };
}

/**
 * XOS-NAME: two objects that would share one Terraform name (or two Controllers one stack
 * folder). Reported on the second, naming both and where each was declared: never a silent
 * overwrite of one by the other.
 */
function nameCollision(built: BuiltModel, c: Layout['collisions'][number], relativeTo?: string): Violation {
  const at = (key: string) => {
    const src = formatSource(built.meta.sources.get(key), relativeTo);
    return src ? ` (declared at ${src})` : '';
  };
  const source = formatSource(built.meta.sources.get(c.b), relativeTo);
  const message =
    c.kind === 'stack'
      ? c.stack === c.name
        ? `Controllers '${c.a}'${at(c.a)} and '${c.b}' both get the stack '${c.name}' (stacks/${c.name}). Give one of them another stackName.`
        : `Controller '${c.b}' gets the stack '${c.name}' and Controller '${c.a}'${at(c.a)} the stack '${c.stack}': names that differ only in case are one folder on macOS and Windows. Give one of them another stackName.`
      : `in stack ${c.stack}, '${c.b}' and '${c.a}'${at(c.a)} both map to the Terraform name '${c.name}'. Rename one of them.`;
  return { id: 'XOS-NAME', severity: 'error', path: c.b, message, ...(source ? { source } : {}) };
}
