import type { Cloud } from '../constructs/cloud';
import { buildModel, type BuiltModel } from './model/build';
import { checkModelBounds } from './limits';
import { ModelIndex } from './model/index';
import { runRules, summarize, type RunOptions, type Violation } from './rules/index';
import { formatSource } from './rules/rule';
import { buildLayout, type Layout } from './synth/layout';

/** A checked model: everything synthesis and the reports need, no cdktf in it. */
export interface Compiled {
  readonly built: BuiltModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
  readonly violations: readonly Violation[];
  readonly errors: number;
  readonly warnings: number;
}

/** Build the model, derive the layout and run every static rule. */
export function compileModel(built: BuiltModel, options: RunOptions = {}): Compiled {
  const index = new ModelIndex(built.model);
  // Counts multiply in the layout (a port per Sliver and Network, keys in every Sliver): bounded before it is built.
  checkModelBounds(built.model, index);
  const layout = buildLayout(built.model, index);
  const violations = [...runRules(built, layout, options, index)];
  for (const c of layout.collisions) violations.push(nameCollision(built, c, options.relativeTo));
  const { errors, warnings } = summarize(violations);
  return { built, index, layout, violations, errors, warnings };
}

export function compileCloud(cloud: Cloud, options: RunOptions = {}): Compiled {
  return compileModel(buildModel(cloud), options);
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
