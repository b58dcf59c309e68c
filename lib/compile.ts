import type { Cloud } from '../constructs/cloud';
import { buildModel, type BuiltModel } from './model/build';
import { ModelIndex } from './model/index';
import { runRules, summarize, type RunOptions, type Violation } from './rules/index';
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
  const layout = buildLayout(built.model, index);
  const violations = [...runRules(built, layout, options, index)];
  for (const c of layout.collisions) {
    violations.push({
      id: 'XOS-NAME',
      severity: 'error',
      path: c.b,
      message: `in stack ${c.stack}, '${c.b}' and '${c.a}' both map to the Terraform name '${c.name}'. Rename one of them.`,
    });
  }
  const { errors, warnings } = summarize(violations);
  return { built, index, layout, violations, errors, warnings };
}

export function compileCloud(cloud: Cloud, options: RunOptions = {}): Compiled {
  return compileModel(buildModel(cloud), options);
}
