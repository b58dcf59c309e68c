/**
 * The status of every declared object on one back-end (stack), from that back-end's state:
 *
 * - `in-sync`: every resource of the object is in state, as declared;
 * - `pending`: declared, not (all) in state: the next apply creates it;
 * - `drifted`: in state with other values than declared (each attribute named), or holding
 *   resources the model no longer declares;
 * - `failed`: tainted (a create that failed, or `terraform taint`) or deposed (a
 *   create-before-destroy replacement whose destroy failed);
 * - `orphaned`: in state, no longer declared by the model.
 *
 * One pass over the declared resources and one over the state, with maps between them:
 * time linear in their sizes.
 */
import { usageError } from '../errors';
import type { DeclaredResource } from '../synth/declared';
import type { StateInstance, StateSnapshot } from '../state/types';
import { compareResource, showValue, type AttrDiff } from './compare';
import type { TargetSchema } from './target-schema';

export const STATUSES = ['failed', 'drifted', 'pending', 'orphaned', 'in-sync'] as const;
export type Status = (typeof STATUSES)[number];

/** What a refresh (`terraform plan -refresh-only`) found changed outside Terraform. */
export interface RefreshDrift {
  readonly address: string;
  /** `update` (changed outside Terraform) or `delete` (gone from the cloud). */
  readonly action: string;
  /** Top-level attributes that changed, for an update. */
  readonly attributes: readonly string[];
}

export interface ResourceReport {
  readonly address: string;
  readonly type: string;
  readonly status: Status;
  /** Why, in a few words; empty when in sync. */
  readonly reason: string;
  readonly diffs?: readonly AttrDiff[];
  readonly refresh?: RefreshDrift;
}

export interface ObjectReport {
  /** The model key (construct path), or the address of a resource in state that names none. */
  readonly key: string;
  readonly kind: string;
  readonly status: Status;
  /** The line's detail: what differs, for people. */
  readonly detail: string;
  readonly resources: readonly ResourceReport[];
}

export type Totals = Record<Status, number> & { objects: number };

export interface StateSummary {
  readonly source: string;
  readonly format: string;
  readonly serial?: number;
  readonly lineage?: string;
  readonly terraformVersion?: string;
  readonly resources: number;
}

export interface StackReport {
  readonly stack: string;
  /** The backend, described for people (no secrets). */
  readonly backend: string;
  /** The state read; absent when the backend holds none yet. */
  readonly state?: StateSummary;
  readonly notes: readonly string[];
  readonly objects: readonly ObjectReport[];
  readonly totals: Totals;
}

export interface StackDiffInput {
  readonly stack: string;
  readonly backend: string;
  readonly declared: readonly DeclaredResource[];
  /** The stack's state; undefined when there is none yet (everything is pending). */
  readonly state?: StateSnapshot;
  readonly schema: TargetSchema;
  /** The kind of a model object by key (for example `Sliver`), when the model knows it. */
  readonly kindOf?: (key: string) => string | undefined;
  /** Drift that a refresh found, by address. */
  readonly refresh?: ReadonlyMap<string, RefreshDrift>;
  readonly notes?: readonly string[];
  /** The target the stack is declared for, for messages. */
  readonly target?: string;
}

export function emptyTotals(): Totals {
  return { failed: 0, drifted: 0, pending: 0, orphaned: 0, 'in-sync': 0, objects: 0 };
}

const RANK: Record<Status, number> = { failed: 0, drifted: 1, pending: 2, orphaned: 3, 'in-sync': 4 };

function worst(a: Status, b: Status): Status {
  return RANK[a] <= RANK[b] ? a : b;
}

/** A short text for the attribute differences of one resource. */
export function describeDiffs(diffs: readonly AttrDiff[], max = 80): string {
  return diffs.map((d) => `${d.path}: declared ${showValue(d.declared, max)}, actual ${showValue(d.actual, max)}`).join('; ');
}

function refreshText(r: RefreshDrift): string {
  if (r.action === 'delete') return 'deleted outside Terraform (found by refresh)';
  return `changed outside Terraform${r.attributes.length ? ` (${r.attributes.join(', ')})` : ''} (found by refresh)`;
}

/** Status of one declared resource. */
function declaredStatus(d: DeclaredResource, current: StateInstance | undefined, deposed: readonly StateInstance[], input: StackDiffInput, lookup: (a: string) => Readonly<Record<string, unknown>> | undefined): ResourceReport {
  const refresh = input.refresh?.get(d.address);
  if (current && !refresh && !deposed.length && current.status !== 'tainted') {
    // The common case, without the intermediate objects below.
    const diffs = compareResource(d, current, input.schema, lookup);
    return diffs.length ? { address: d.address, type: d.type, status: 'drifted', reason: describeDiffs(diffs), diffs } : { address: d.address, type: d.type, status: 'in-sync', reason: '' };
  }
  const base = { address: d.address, type: d.type, ...(refresh ? { refresh } : {}) };
  const dep = deposed.length ? `deposed object${deposed.length > 1 ? 's' : ''} ${deposed.map((x) => x.deposed).join(', ')} left by a failed create-before-destroy replacement` : '';
  if (!current) {
    if (dep) return { ...base, status: 'failed', reason: `${dep}; no current object` };
    return { ...base, status: 'pending', reason: refresh?.action === 'delete' ? refreshText(refresh) : 'not in state' };
  }
  if (current.status === 'tainted') return { ...base, status: 'failed', reason: `tainted (a create failed, or terraform taint): the next apply replaces it${dep ? `; ${dep}` : ''}` };
  if (dep) return { ...base, status: 'failed', reason: dep };
  const diffs = compareResource(d, current, input.schema, lookup);
  if (diffs.length) return { ...base, status: 'drifted', reason: `${describeDiffs(diffs)}${refresh ? ` [${refreshText(refresh)}]` : ''}`, diffs };
  return { ...base, status: 'in-sync', reason: refresh ? refreshText(refresh) : '' };
}

/** The resource name part of an address, for short lines. */
function shortAddress(a: string): string {
  const dot = a.indexOf('.');
  return dot >= 0 && !a.startsWith('module.') && !a.startsWith('data.') ? a.slice(dot + 1) : a;
}

function objectDetail(resources: readonly ResourceReport[], status: Status): string {
  if (status === 'in-sync') {
    let notes = '';
    for (const r of resources) if (r.reason) notes = notes ? `${notes}; ${r.reason}` : r.reason;
    return notes;
  }
  const bad = resources.filter((r) => r.status !== 'in-sync');
  // Resource names alone, unless two resources of the object share a name (other types).
  const names = new Set(resources.map((r) => shortAddress(r.address)));
  const label = names.size === resources.length ? shortAddress : (a: string) => a;
  if (resources.length === 1) return bad[0]?.reason ?? '';
  if (bad.length > 1 && bad.every((r) => r.status === 'pending' && r.reason === 'not in state')) {
    return bad.length === resources.length ? `not in state (${bad.length} resources)` : `${bad.length} of ${resources.length} resources not in state: ${bad.map((r) => label(r.address)).join(', ')}`;
  }
  if (bad.length > 1 && bad.every((r) => r.status === 'orphaned')) return `in state, no longer declared (${bad.length} resources)`;
  return bad.map((r) => `${label(r.address)}: ${r.reason}`).join('; ');
}

/** Check that a state belongs to this stack at all; throws when none of its resources is declared. */
function checkBelongs(input: StackDiffInput, managed: readonly StateInstance[], declaredAddresses: ReadonlySet<string>, modelKeys: ReadonlySet<string>): void {
  if (!input.state || managed.length === 0 || declaredAddresses.size === 0) return;
  let sameModel = false;
  for (const i of managed) {
    if (declaredAddresses.has(i.address)) return;
    const k = input.schema.modelKey?.(i);
    if (k !== undefined && modelKeys.has(k)) sameModel = true;
  }
  const declaredTypes = new Set(input.declared.map((d) => d.type));
  const stateTypes = [...new Set(managed.map((i) => i.type))].sort();
  if (sameModel && !stateTypes.some((t) => declaredTypes.has(t)))
    throw usageError(
      `${input.state.source} holds this model's objects as ${stateTypes.slice(0, 4).join(', ')}${stateTypes.length > 4 ? ', ...' : ''}, but stack ${input.stack} is declared${input.target ? ` for the ${input.target} target` : ''} as ${[...declaredTypes].sort().slice(0, 4).join(', ')}${declaredTypes.size > 4 ? ', ...' : ''}: it was synthesized for another target. Give the target it was deployed with (--target local, for example).`,
    );
  if (sameModel) return;
  const sample = managed.slice(0, 3).map((i) => i.address).join(', ');
  throw usageError(
    `${input.state.source} is not the state of stack ${input.stack}: none of its ${managed.length} resources (${sample}${managed.length > 3 ? ', ...' : ''}) is declared there, nor names an object of this model. It is the state of another program or stack, or of another target; check --state and --target, or the backend's configuration (its key, schema or workspace).`,
  );
}

const NONE: readonly StateInstance[] = [];

function managedCount(instances: readonly StateInstance[]): number {
  let n = 0;
  for (const i of instances) if (i.mode === 'managed') n++;
  return n;
}

/** The report of one stack. */
export function diffStack(input: StackDiffInput): StackReport {
  const current = new Map<string, StateInstance>();
  const deposed = new Map<string, StateInstance[]>();
  let managed = 0;
  for (const i of input.state?.instances ?? []) {
    if (i.deposed) {
      const l = deposed.get(i.address);
      if (l) l.push(i);
      else deposed.set(i.address, [i]);
    } else {
      if (i.mode === 'managed') managed++;
      current.set(i.address, i);
    }
  }
  const lookup = (a: string) => current.get(a)?.attributes;

  // Declared resources, grouped by model object. The instances they find are remembered
  // (by identity: no second set of addresses), and what is left in state is orphaned.
  const groups = new Map<string, { kind: string; resources: ResourceReport[] }>();
  const group = (key: string, kind: string) => {
    let g = groups.get(key);
    if (!g) {
      g = { kind, resources: [] };
      groups.set(key, g);
    }
    return g;
  };
  const found = new Set<StateInstance>();
  let foundManaged = false;
  for (const d of input.declared) {
    const cur = current.get(d.address);
    if (cur) {
      found.add(cur);
      if (cur.mode === 'managed') foundManaged = true;
    }
    const r = declaredStatus(d, cur, deposed.size ? deposed.get(d.address) ?? NONE : NONE, input, lookup);
    group(d.model, input.kindOf?.(d.model) ?? d.kind).resources.push(r);
  }
  // The set of declared addresses, made only for the rare cases below that need it.
  let addresses: Set<string> | undefined;
  const declaredAddresses = () => (addresses ??= new Set(input.declared.map((d) => d.address)));
  // A state none of whose managed resources is declared here belongs elsewhere (or to another target).
  if (!foundManaged && managed > 0) {
    const modelKeys = new Set(input.declared.map((d) => d.model));
    checkBelongs(input, [...current.values()].filter((i) => i.mode === 'managed'), declaredAddresses(), modelKeys);
  }
  // Resources in state that nothing declares (managed only: data sources are re-read).
  const orphanOf = (i: StateInstance, why: string): void => {
    const key = input.schema.modelKey?.(i) ?? i.address;
    const kind = groups.get(key)?.kind ?? input.kindOf?.(key) ?? input.schema.modelKind?.(i) ?? i.type;
    group(key, kind).resources.push({ address: i.address, type: i.type, status: 'orphaned', reason: why });
  };
  if (found.size < current.size) {
    for (const i of current.values()) {
      if (i.mode !== 'managed' || found.has(i)) continue;
      orphanOf(i, i.status === 'tainted' ? 'in state (tainted), no longer declared' : 'in state, no longer declared');
    }
  }
  for (const [a, list] of deposed) {
    if (list[0].mode !== 'managed' || declaredAddresses().has(a)) continue;
    for (const i of list) orphanOf({ ...i, address: `${a} (deposed ${i.deposed})` }, 'deposed object in state, no longer declared');
  }

  const objects: ObjectReport[] = [];
  const totals = emptyTotals();
  for (const [key, g] of groups) {
    const declaredHere = g.resources.some((r) => r.status !== 'orphaned');
    let status: Status = declaredHere ? 'in-sync' : 'orphaned';
    // A declared object holding resources the model no longer declares has drifted.
    for (const r of g.resources) status = worst(status, r.status === 'orphaned' ? (declaredHere ? 'drifted' : 'orphaned') : r.status);
    objects.push({ key, kind: g.kind, status, detail: objectDetail(g.resources, status), resources: g.resources });
    totals[status]++;
    totals.objects++;
  }
  objects.sort((a, b) => RANK[a.status] - RANK[b.status] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const notes = [...(input.notes ?? [])];
  if (!input.state) notes.push('no state yet: nothing of this stack was deployed');
  return {
    stack: input.stack,
    backend: input.backend,
    ...(input.state
      ? {
          state: {
            source: input.state.source,
            format: input.state.format,
            ...(input.state.serial !== undefined ? { serial: input.state.serial } : {}),
            ...(input.state.lineage ? { lineage: input.state.lineage } : {}),
            ...(input.state.terraformVersion ? { terraformVersion: input.state.terraformVersion } : {}),
            resources: managedCount(input.state.instances),
          },
        }
      : {}),
    notes,
    objects,
    totals,
  };
}
