/**
 * The seam between views and operational state. A view asks, for a model key, what the
 * back-ends say about that object; where the answer comes from (Terraform state read by
 * `lib/state` and compared by `lib/drift`) is not the view's business.
 */

/** What the state says about one declared object. */
export interface ObjectStatus {
  /** `in-sync`, `pending`, `drifted`, `failed`, `orphaned` ... as the status report names them. */
  readonly status: string;
  /** One line: why the state differs from the model, when it does. */
  readonly detail?: string;
}

/** Status of model objects by key; undefined when the state says nothing about one. */
export type StatusLookup = (key: string) => ObjectStatus | undefined;

/** Where a view's status came from, for the report's header. */
export interface StatusSource {
  readonly lookup: StatusLookup;
  /** For example `state cdktf.out (2 stacks)`. */
  readonly description: string;
}

/**
 * Worst first, as `xos status` orders them; `unknown` (the state says nothing of the object)
 * ranks just above in sync. The status a group of objects shows is its worst member's.
 */
const SEVERITY = ['failed', 'drifted', 'pending', 'orphaned', 'unknown', 'in-sync'];

function rank(status: string): number {
  const i = SEVERITY.indexOf(status);
  return i < 0 ? SEVERITY.indexOf('unknown') : i;
}

/** True when status `a` is worse than `b`. */
export function worse(a: string, b: string): boolean {
  return rank(a) < rank(b);
}

/** The status of a group of objects: the worst member's, with how many share each status. */
export function aggregateStatus(keys: readonly string[], lookup: StatusLookup): { status: string; counts: Record<string, number>; details: string[] } {
  const counts: Record<string, number> = {};
  const details: string[] = [];
  let worst = 'in-sync';
  let seen = 0;
  for (const k of keys) {
    const s = lookup(k);
    if (!s) continue;
    seen++;
    counts[s.status] = (counts[s.status] ?? 0) + 1;
    if (rank(s.status) < rank(worst)) worst = s.status;
    // Pending objects are simply not applied yet; the rest need someone's attention.
    if (s.status !== 'in-sync' && s.status !== 'pending' && s.detail) details.push(`${k}: ${s.detail}`);
  }
  return { status: seen ? worst : 'unknown', counts, details };
}
