/**
 * Where `xos view` gets status from. Reading Terraform state and comparing it with the
 * model is the job of `lib/state` and `lib/drift` (`xos status`); this module is the one
 * place a view reaches for them.
 */
import type { Compiled } from '../compile';
import { usageError } from '../errors';
import type { StatusSource } from './status';

export interface StateOptions {
  /** A state file: `terraform show -json` output or a raw `.tfstate`. */
  readonly state?: string;
  /** A synthesized output directory whose stacks hold local state. */
  readonly out?: string;
}

/** Status for a view, or undefined when no state was asked for. */
export async function statusSource(compiled: Compiled, options: StateOptions): Promise<StatusSource | undefined> {
  if (!options.state && !options.out) return undefined;
  if (options.state && options.out) throw usageError('give either --state FILE or --out DIR, not both.');
  void compiled;
  throw usageError(
    `status needs the state reader (lib/state and lib/drift, the modules behind 'xos status'), which this build does not have yet. Run 'xos view' without --state/--out for the model's view.`,
  );
}
