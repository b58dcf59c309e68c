import type { ModelIndex } from '../model/index';
import type { SourceLocation, XosModel } from '../model/types';
import type { Layout } from '../synth/layout';

export type Severity = 'error' | 'warning';

/** What the rules see: the model, its index and the derived layout of every stack. */
export interface RuleContext {
  readonly model: XosModel;
  readonly index: ModelIndex;
  readonly layout: Layout;
  /** Where the program declared an object, when known (a rule that must pick the latest of several asks it). */
  readonly sourceOf?: (key: string) => SourceLocation | undefined;
}

/**
 * One problem a rule found, on one object. Its id, `RULE@path` or `RULE@path#key` (see
 * `findingId`), names it in reports and in an acknowledgement of that one finding.
 */
export interface Finding {
  /** The model key (construct path) of the offending object. */
  readonly path: string;
  readonly message: string;
  /**
   * A short, stable name that tells this finding from the rule's other findings on the same
   * object (the member or attribute at fault); absent when the rule finds at most one thing
   * per object. It must not depend on counts or wording, which change from run to run.
   */
  readonly key?: string;
  /**
   * The key in `meta.sources` of the program line to point at, when it is not the object's
   * own declaration (a `slice.join(network)` call, for example).
   * @default the declaration of `path` (or of its nearest declared ancestor)
   */
  readonly at?: string;
}

/** What every rule states beside its check: the rules table of docs/rules.md is made from it. */
export interface RuleMetadata {
  readonly id: string;
  readonly severity: Severity;
  /** The rule in one line, as the invariants state it. */
  readonly title: string;
  /** Why it matters to an operator. */
  readonly why: string;
  /** How to fix a violation. */
  readonly fix: string;
  /** Where the rule comes from (the seeds, or operator judgement). */
  readonly origin: string;
}

/** A rule `xos validate`, `xos synth` and `xos review` check over one model: metadata beside a small pure check. */
export interface ModelRule extends RuleMetadata {
  readonly needsActor?: false;
  readonly check: (ctx: RuleContext) => Iterable<Finding>;
}

/**
 * A review-time rule: it judges a change (an actor, two models, the plans), so only `xos
 * review --actor` checks it, and `xos validate` skips it. Its check takes what only a review
 * has; the authorization rules (lib/review/rbac.ts) say what exactly. Review-time rules
 * decide who may make a change: they are never acknowledged.
 */
export interface ReviewRule extends RuleMetadata {
  readonly needsActor: true;
  readonly judge: (...args: never[]) => unknown;
}

/**
 * A rule proven on the synthesized output by `xos verify` (and every `xos synth`), not on the
 * model: `xos validate` has nothing to check it on (lib/verify does).
 */
export interface VerifyRule extends RuleMetadata {
  readonly needsActor?: false;
  readonly checkedBy: 'verify';
}

/** A rule of xos's invariants: metadata beside its check. */
export type Rule = ModelRule | ReviewRule | VerifyRule;

/** Whether a rule is proven on synthesized output (FLOW-001, FLOW-002) rather than checked on the model. */
export function provenByVerify(r: Rule): r is VerifyRule {
  return 'checkedBy' in r && r.checkedBy === 'verify';
}

/** Whether an acknowledgement may cover a rule's findings: only warnings of the model's rules. */
export function acknowledgeable(r: Rule): boolean {
  return r.severity === 'warning' && !r.needsActor;
}

/** The stable id of a finding: `NET-005@co1/vbng/wan`, with `#key` when the rule gives one. The cloud's own path is empty. */
export function findingId(rule: string, f: Pick<Finding, 'path' | 'key'>): string {
  return `${rule}@${f.path}${f.key !== undefined ? `#${f.key}` : ''}`;
}

/** A rule's finding as reported: `ID severity path: message`. */
export interface Violation {
  readonly id: string;
  readonly severity: Severity;
  readonly path: string;
  readonly message: string;
  /** The finding's stable id (`findingId`; rules' findings have one): an acknowledgement of this one finding names it. */
  readonly finding?: string;
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
