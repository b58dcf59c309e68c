import type { Cloud } from '../constructs/cloud';
import type { AllocationChange, AllocationLock } from './model/allocate';
import { buildModel, type BuiltModel } from './model/build';
import { checkModelBounds } from './limits';
import { ModelIndex } from './model/index';
import { runRules, summarize, type RunOptions, type Violation } from './rules/index';
import { formatSource } from './rules/rule';
import { buildLayout, type Layout } from './synth/layout';
import { releaseAfterLayout } from './util/release';

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
}

/** Build the model, derive the layout and run every static rule. */
export function compileModel(built: BuiltModel, options: CompileOptions = {}): Compiled {
  const index = new ModelIndex(built.model);
  // Counts multiply in the layout (a port per Sliver and Network, keys in every Sliver): bounded before it is built.
  checkModelBounds(built.model, index);
  const layout = buildLayout(built.model, index);
  releaseAfterLayout(layout.stacks.reduce((n, s) => n + s.resources.length, 0));
  const violations = [...runRules(built, layout, options, index)];
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
