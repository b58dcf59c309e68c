/**
 * Acknowledgements as the model carries them: a list in xos-model.json (so that whatever
 * reads the model back honours them, and a review can show what a change does to them),
 * and a map by object key, which the rules walk up the construct tree.
 */
import type { Acknowledgement, AcknowledgementModel } from './types';

/** The list xos-model.json holds: by path, then rule, then finding, then reason. */
export function acknowledgementList(byPath: ReadonlyMap<string, readonly Acknowledgement[]>): AcknowledgementModel[] {
  const out: AcknowledgementModel[] = [];
  for (const [path, acks] of byPath) for (const a of acks) out.push({ path, rule: a.rule, reason: a.reason, ...(a.finding !== undefined ? { finding: a.finding } : {}) });
  return out.sort((a, b) => cmp(a.path, b.path) || cmp(a.rule, b.rule) || cmp(a.finding ?? '', b.finding ?? '') || cmp(a.reason, b.reason));
}

/** The acknowledgements by the key of the object they were made on. */
export function acknowledgementMap(list: readonly AcknowledgementModel[] | undefined): Map<string, Acknowledgement[]> {
  const m = new Map<string, Acknowledgement[]>();
  for (const a of list ?? []) {
    const ack: Acknowledgement = { rule: a.rule, reason: a.reason, ...(a.finding !== undefined ? { finding: a.finding } : {}) };
    const l = m.get(a.path);
    if (l) l.push(ack);
    else m.set(a.path, [ack]);
  }
  return m;
}

/** What one acknowledgement covers: its rule on its object (and below it), or one finding. Two with the same identity are the same acknowledgement, whatever their reasons. */
export function acknowledgementId(a: AcknowledgementModel): string {
  return `${a.rule}\u0000${a.path}\u0000${a.finding ?? ''}`;
}

/** The first problem with the `acknowledgements` of a model read from JSON, or undefined. */
export function acknowledgementsProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return `"acknowledgements" must be a list (got ${typeof v})`;
  for (let i = 0; i < v.length; i++) {
    const a = v[i] as Record<string, unknown>;
    if (!a || typeof a !== 'object' || Array.isArray(a)) return `acknowledgements[${i}] must be an object of { rule, path, reason, finding? }`;
    for (const f of ['rule', 'path', 'reason']) if (typeof a[f] !== 'string') return `acknowledgements[${i}]: "${f}" must be a string`;
    if (a.finding !== undefined && typeof a.finding !== 'string') return `acknowledgements[${i}]: "finding" must be a string when given`;
  }
  return undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
