import type { ModelIndex } from '../model/index';
import type { SourceLocation, XosModel } from '../model/types';
import type { Layout } from '../synth/layout';

export type Severity = 'error' | 'warning';

/** What the rules see: the model, its index and the derived layout of every stack. */
export interface RuleContext {
  readonly model: XosModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
}

/** One problem a rule found, on one object. */
export interface Finding {
  /** The model key (construct path) of the offending object. */
  readonly path: string;
  readonly message: string;
}

/** A rule of INVARIANTS.md: metadata beside a small pure check. */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  /** The rule in one line, as INVARIANTS.md states it. */
  readonly title: string;
  /** Why it matters to an operator. */
  readonly why: string;
  /** How to fix a violation. */
  readonly fix: string;
  /** Where the rule comes from (the seeds, or operator judgement). */
  readonly origin: string;
  /** Review-time rules need an actor and two models; `xos validate` skips them. */
  readonly needsActor?: boolean;
  readonly check?: (ctx: RuleContext) => Iterable<Finding>;
}

/** A rule's finding as reported: `ID severity path: message`. */
export interface Violation {
  readonly id: string;
  readonly severity: Severity;
  readonly path: string;
  readonly message: string;
  /** `file:line` in the program where the object was declared, when known. */
  readonly source?: string;
  /** The reason given when the rule was acknowledged on this object or above it. */
  readonly acknowledged?: string;
}

export function formatSource(s: SourceLocation | undefined, relativeTo?: string): string | undefined {
  if (!s) return undefined;
  let file = s.file;
  if (relativeTo && file.startsWith(relativeTo.endsWith('/') ? relativeTo : relativeTo + '/')) {
    file = file.slice(relativeTo.length + (relativeTo.endsWith('/') ? 0 : 1));
  }
  return `${file}:${s.line}`;
}
