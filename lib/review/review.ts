/**
 * The review of a pull request's plans, in the model's words: what each stack's plan
 * does, grouped by the model object it comes from; what the change does to the model;
 * whether the actor may make it; which rules the new model breaks; and what changed outside
 * Terraform. The result is plain data: the markdown and JSON renderers print it.
 *
 * Time is linear in the size of the plans (plus n log n sorting): every lookup is a map.
 */
import { compileModel, type Compiled } from '../compile';
import type { AcknowledgementModel, InstanceModel, Kind, ModelObject, PrivilegeModel, TenantModel, XosModel } from '../model/types';
import { acknowledgementId } from '../model/acknowledgements';
import { diffAttributes, formatPath, markPaths, type AttributeChange } from '../plan/diff';
import type { ChangeAction, Plan, PlanChange } from '../plan/types';
import type { TargetName } from '../synth/declared';
import { assignStacks, changeMapper, indexRealTargets, modelSide, needsRealTargets, ownerFinder, realTargetsPending, secretPathsOf, type ModelSide, type ObjectRef, type PlanStack } from './mapping';
import { layoutChanges, type ConfigChange } from './config';
import { diffModels, type ObjectDiff } from './model-diff';
import { builtFromJson } from './model-file';
import { tenancyDiagram, type Diagram, type Mark } from './mermaid';
import { authorize, notChecked, type Authorization, type Subject } from './rbac';
import { usageError } from '../errors';
import { SecretScrubber } from './scrub';

export const REVIEW_FORMAT_VERSION = 1;

/** Shared empty lists of a review's records (read-only data: one list for all that have none). */
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_CHANGES: readonly AttributeChange[] = Object.freeze([]);

/** Counts of what the plans do. A moved or imported resource may also be updated. */
export interface Counts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  move: number;
  import: number;
  forget: number;
  /** Data sources read: not model objects, counted only. */
  read: number;
}

export interface StackSummary {
  readonly stack: string;
  /** How the plan's stack was decided: named on the command line, by its addresses, or not at all. */
  readonly matched: 'named' | 'addresses' | 'unmatched';
  readonly plan: string;
  readonly terraformVersion?: string;
  readonly formatVersion: string;
  readonly counts: Counts;
}

/** One resource change, as the review shows it. */
export interface ResourceReview {
  readonly stack: string;
  readonly address: string;
  readonly previousAddress?: string;
  readonly action: ChangeAction;
  readonly actions: readonly string[];
  readonly actionReason?: string;
  /** Terraform's reason in words. */
  readonly reason?: string;
  readonly replacePaths: readonly string[];
  readonly importing?: string;
  readonly deposed?: string;
  /** Which part of its model object the resource is (`sliver`, `port`, `grant` ...). */
  readonly part?: string;
  /** Only what changes; sensitive values and the model's secrets masked. */
  readonly attributes: readonly AttributeChange[];
  readonly object?: { readonly key: string; readonly kind?: Kind };
}

export type ReviewStatus = 'added' | 'removed' | 'changed' | 'affected';

/** The changes to one model object. */
export interface ObjectReview {
  readonly key: string;
  readonly kind: Kind | undefined;
  readonly label: string;
  /** added/removed/changed in the model; `affected`: unchanged in the model, changed in the plan. */
  readonly status: ReviewStatus;
  /** The object's changed attributes in the model (needs the base model). */
  readonly model: readonly AttributeChange[];
  readonly resources: readonly ResourceReview[];
  readonly notes: readonly string[];
}

export interface DriftReview {
  readonly stack: string;
  readonly address: string;
  readonly addressRebuilt?: boolean;
  readonly action: ChangeAction;
  readonly attributes: readonly AttributeChange[];
  readonly object?: { readonly key: string; readonly kind?: Kind; readonly label: string };
}

export interface ViolationReview {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly message: string;
  /** False when the base model already had this finding; undefined without a base. */
  readonly new?: boolean;
  /** The finding's stable id (`RULE@path#key`). */
  readonly finding?: string;
  /** The reason of the head model's acknowledgement that covers this warning. */
  readonly acknowledged?: string;
}

/**
 * An acknowledgement the change adds, alters or removes (every one of the head model when
 * there is no base to compare with). The pull request's program writes acknowledgements, so
 * the approver sees each one, with the warnings of the head model it covers.
 */
export interface AcknowledgementReview {
  readonly status: 'added' | 'changed' | 'removed';
  readonly rule: string;
  /** The key of the object it is made on (`''`: the cloud); it covers that object and everything below it. */
  readonly path: string;
  /** The one finding it covers, when it names one. */
  readonly finding?: string;
  /** Its reason (the base's, when removed). */
  readonly reason: string;
  /** The base's reason, when the change alters it. */
  readonly before?: string;
  /** How many warnings of the head model it covers, and the ids of the first few. */
  readonly covers: number;
  readonly covered: readonly string[];
}

export interface Review {
  readonly formatVersion: typeof REVIEW_FORMAT_VERSION;
  /**
   * Changes of the stacks themselves: a stack added or removed, its backend, its provider
   * configuration or its Terraform settings changed. Each needs root admin; the comment
   * shows them first.
   */
  readonly configuration: readonly ConfigChange[];
  readonly model: string;
  /** 3 when the actor may not make some change or a rule fails, else 0. */
  readonly exitCode: 0 | 3;
  readonly blocking: readonly string[];
  readonly summary: {
    readonly total: Counts;
    readonly stacks: readonly StackSummary[];
    readonly objects: Readonly<Record<ReviewStatus, number>>;
    readonly hasBase: boolean;
  };
  readonly destroys: readonly ResourceReview[];
  readonly objects: readonly ObjectReview[];
  readonly unmapped: readonly ResourceReview[];
  readonly drift: { readonly entries: readonly DriftReview[]; readonly irrelevant: number };
  readonly authorization: Authorization;
  readonly violations: readonly ViolationReview[];
  /** The acknowledgements the change adds, alters or removes (without a base model: all of the head's). */
  readonly acknowledgements: readonly AcknowledgementReview[];
  readonly diagram?: Diagram;
  readonly notes: readonly string[];
}

export interface ReviewInput {
  readonly plans: readonly { readonly plan: Plan; readonly stack?: string }[];
  readonly head: XosModel;
  /** The base model: the authority for roles. Required to check authorization, unless `firstDeploy`. */
  readonly base?: XosModel;
  readonly actor?: string;
  readonly target?: TargetName;
  /** No base model exists yet: every change needs root admin, and nobody's roles are trusted. */
  readonly firstDeploy?: boolean;
  /** Changes of the stacks' backends and provider configurations, found by comparing the synthesized outputs (see config.ts). */
  readonly configuration?: readonly ConfigChange[];
  /**
   * Stacks whose synthesized output is the same at base and head: not planned, named as
   * unchanged. When given, every other stack must have a plan, or the review blocks.
   */
  readonly unchanged?: readonly string[];
}

/** The order kinds are listed in: infrastructure and people first, then the service graph. */
export const KIND_ORDER: readonly Kind[] = ['Site', 'User', 'Privilege', 'Deployment', 'Controller', 'Node', 'Image', 'Flavor', 'NetworkTemplate', 'Service', 'Tenant', 'Instance', 'Slice', 'Sliver', 'Network', 'View', 'Addition'];
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

const REASONS: Record<string, string> = {
  replace_because_tainted: 'the object is tainted (marked broken)',
  replace_because_cannot_update: 'a changed attribute cannot be updated in place',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'a replace_triggered_by reference changed',
  delete_because_no_resource_config: 'its configuration was removed',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count/for_each was added or removed',
  delete_because_count_index: 'its count index is out of range',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'its moved block points at nothing',
  read_because_config_unknown: 'its configuration is known only after apply',
  read_because_dependency_pending: 'a dependency has pending changes',
  read_because_check_nested: 'a check block reads it',
};

export function emptyCounts(): Counts {
  return { create: 0, update: 0, replace: 0, delete: 0, move: 0, import: 0, forget: 0, read: 0 };
}

function addCounts(into: Counts, c: Counts): void {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += c[k];
}

function count(counts: Counts, c: PlanChange): void {
  switch (c.action) {
    case 'create':
      counts.create++;
      break;
    case 'update':
      counts.update++;
      break;
    case 'replace':
    case 'replace-forget':
      counts.replace++;
      break;
    case 'delete':
      counts.delete++;
      break;
    case 'forget':
      counts.forget++;
      break;
    case 'read':
      counts.read++;
      break;
    default:
      break;
  }
  if (c.previousAddress) counts.move++;
  if (c.importing) counts.import++;
}

/** A short, readable name for a model object. */
export function objectLabel(key: string, o: ModelObject | undefined, lookup: (k: string | null | undefined) => ModelObject | undefined): string {
  if (!o || (o.kind !== 'Privilege' && o.kind !== 'Tenant' && o.kind !== 'Instance')) return key;
  const nameOf = (k: string | null | undefined) => lookup(k)?.name ?? k ?? '?';
  switch (o.kind) {
    case 'Privilege': {
      const p = o as PrivilegeModel;
      const scope = p.scope === 'root' ? 'root' : `${p.scope === 'site' ? 'Site' : p.scope === 'slice' ? 'Slice' : 'Deployment'}`;
      return `${nameOf(p.user)}: ${scope} ${p.role}${p.scope === 'root' ? '' : ` of ${p.target}`}`;
    }
    case 'Tenant': {
      const t = o as TenantModel;
      return `${nameOf(t.tenant)} -> ${nameOf(t.provider)} (${t.connect})`;
    }
    case 'Instance':
      return instanceLabel(o as InstanceModel, lookup);
    default:
      return key;
  }
}

/** How many links of a chain a label names before it says `...`. */
const CHAIN_SHOWN = 8;

/**
 * A tenant instance in its subscriber's words: `sub-1042 (alice: subscriber -> vOLT -> vCPE)`,
 * its id, then the chain that holds it from the User or Service it starts at, through the
 * providers of the instances on the way, to its own provider.
 */
function instanceLabel(i: InstanceModel, lookup: (k: string | null | undefined) => ModelObject | undefined): string {
  const providers: string[] = [];
  const seen = new Set<string>();
  let at: ModelObject | undefined = i;
  let root = '?';
  while (at?.kind === 'Instance' && !seen.has(at.key) && seen.size < 64) {
    seen.add(at.key);
    providers.push(lookup(at.provider)?.name ?? at.provider ?? '?');
    const sub: ModelObject | undefined = lookup(at.subscriber);
    if (sub?.kind !== 'Instance') root = sub?.name ?? at.subscriber ?? '?';
    at = sub;
  }
  providers.reverse();
  const shown = providers.length > CHAIN_SHOWN ? [...providers.slice(0, 2), '...', ...providers.slice(-(CHAIN_SHOWN - 3))] : providers;
  return `${i.name} (${root}: ${shown.join(' -> ')})`;
}

/**
 * A tenant instance's changed attributes as its subscriber reads them: `bundle` rather than
 * `attributes.bundle`, `c_tag (allocated)` rather than `allocated.c_tag`.
 */
function instanceWords(changes: readonly AttributeChange[]): readonly AttributeChange[] {
  return changes.map((c) =>
    c.path.startsWith('attributes.') ? { ...c, path: c.path.slice('attributes.'.length) } : c.path.startsWith('allocated.') ? { ...c, path: `${c.path.slice('allocated.'.length)} (allocated)` } : c,
  );
}

/**
 * Build the review. Throws usage errors for plans that cannot be placed (see assignStacks),
 * and when authorization is asked for (an actor) without a base model to read roles from,
 * unless in first-deploy mode.
 */
export function buildReview(input: ReviewInput): Review {
  if (input.actor !== undefined && !input.base && !input.firstDeploy)
    throw usageError(
      "no base model: the actor's roles must come from the base (the model before the change), never from the change itself. Give --base-model (the base branch's xos-model.json); for the very first deploy, when no base exists, give --first-deploy instead, and every change then needs a root admin's approval.",
    );
  if (input.firstDeploy && input.base) throw usageError('--first-deploy is for a cloud with no base model yet, and a base model was given: leave out one of them.');
  const target = input.target ?? 'local';
  // The real targets' addresses (a cdktf render of the whole layout) are indexed only when
  // some plan holds an address the local target does not declare in its stack.
  // Each model is indexed and laid out once, for the rules and for the address maps alike.
  const headCompiled = compileModel(builtFromJson(input.head));
  const baseCompiled = input.base ? compileModel(builtFromJson(input.base)) : undefined;
  const head = modelSide(input.head, target, { realTargets: 'later', compiled: headCompiled });
  const base = input.base ? modelSide(input.base, target, { realTargets: 'later', compiled: baseCompiled }) : undefined;
  const lookup = (k: string | null | undefined) => head.index.get(k) ?? base?.index.get(k);
  const assigned = assignWithTargets(input.plans, base ? [head, base] : [head]);

  const total = emptyCounts();
  const stacks: StackSummary[] = [];
  // Per model object: its first ref, the `object` every resource of it names (one record for
  // all: the same key has the same kind), and its resources.
  const byObject = new Map<string, { ref: ObjectRef; object: ResourceReview['object']; resources: ResourceReview[] }>();
  const unmapped: ResourceReview[] = [];
  const destroys: ResourceReview[] = [];
  const driftEntries: DriftReview[] = [];
  let irrelevant = 0;
  const notes: string[] = [];

  // First pass: map every change to its object, and learn every secret value the plans hold.
  // Each plan's refs sit in lists beside its changes and drift (same index).
  const scrubber = new SecretScrubber();
  const mapped = assigned.map(({ plan, stack }) => {
    const map = changeMapper(stack, head, base);
    const changes = new Array<ObjectRef | undefined>(plan.changes.length);
    const drift = new Array<ObjectRef | undefined>(plan.drift.length);
    plan.changes.forEach((c, i) => {
      const ref = (changes[i] = map(c));
      scrubber.collect(c, secretPathsOf(ref?.declared));
    });
    plan.drift.forEach((c, i) => {
      const ref = (drift[i] = map(c));
      scrubber.collect(c, secretPathsOf(ref?.declared));
    });
    return { changes, drift };
  });

  assigned.forEach(({ plan, stack, how }, pi) => {
    const counts = emptyCounts();
    const refs = mapped[pi].changes;
    for (let i = 0; i < plan.changes.length; i++) {
      const c = plan.changes[i];
      const ref = refs[i];
      count(counts, c);
      if (c.mode === 'data' || c.action === 'read') continue;
      if (c.action === 'no-op' && !c.previousAddress && !c.importing) continue;
      let g = ref ? byObject.get(ref.key) : undefined;
      if (ref && !g) {
        g = { ref, object: ref.kind ? { key: ref.key, kind: ref.kind } : { key: ref.key }, resources: [] };
        byObject.set(ref.key, g);
      }
      const r: ResourceReview = new ChangeReview(c, stack, ref, g?.object, scrubber);
      if (c.action === 'delete' || c.action === 'replace' || c.action === 'replace-forget') destroys.push(r);
      if (g) g.resources.push(r);
      else unmapped.push(r);
    }
    addCounts(total, counts);
    stacks.push({ stack, matched: how, plan: plan.file, ...(plan.terraformVersion ? { terraformVersion: plan.terraformVersion } : {}), formatVersion: plan.formatVersion, counts });

    const relevant = plan.relevantAttributes ? new Set(plan.relevantAttributes.map((r) => r.resource)) : undefined;
    const driftRefs = mapped[pi].drift;
    for (let i = 0; i < plan.drift.length; i++) {
      const d = plan.drift[i];
      const ref = driftRefs[i];
      if (relevant && !relevant.has(d.address)) {
        irrelevant++;
        continue;
      }
      const secret = secretPathsOf(ref?.declared);
      driftEntries.push({
        stack,
        address: d.address,
        ...(d.addressRebuilt ? { addressRebuilt: true } : {}),
        action: d.action,
        attributes: d.action === 'delete' ? [] : scrubber.scrub(diffAttributes({ before: d.before, after: d.after, beforeSensitive: markPaths(d.beforeSensitive, secret), afterSensitive: markPaths(d.afterSensitive, secret), afterUnknown: d.afterUnknown })),
        ...(ref ? { object: { key: ref.key, ...(ref.kind ? { kind: ref.kind } : {}), label: objectLabel(ref.key, lookup(ref.key), lookup) } } : {}),
      });
    }

    if (plan.errored) notes.push(`The plan for ${stack} (${plan.file}) stopped on an error: it is incomplete. Fix the error and plan again.`);
    else if (plan.complete === false) notes.push(`The plan for ${stack} (${plan.file}) is not complete: Terraform deferred some changes to a later plan.`);
    if (Number(plan.formatVersion.split('.')[0]) === 1 && Number(plan.formatVersion.split('.')[1]) > 2)
      notes.push(`The plan for ${stack} has format version ${plan.formatVersion}, newer than the 1.2 this xos was written for; anything new in it is not shown.`);
    if (how === 'unmatched') notes.push(`No address of ${plan.file} is declared by the model: its changes are listed as not in the model. If it is an xos stack, name it: --plan STACK=${plan.file}`);
  });
  const planned = new Set(assigned.map((a) => a.stack));
  const unchanged = new Set(input.unchanged ?? []);
  for (const s of unchanged) if (planned.has(s)) unchanged.delete(s);
  if (unchanged.size) {
    const names = [...unchanged].sort();
    notes.push(`Unchanged (synthesized output identical at base and head, not planned): ${names.slice(0, 40).join(', ')}${names.length > 40 ? ` and ${names.length - 40} more` : ''}.`);
  }
  const missing = [...new Set([...head.stacks.keys(), ...(base ? base.stacks.keys() : [])])].filter((s) => !planned.has(s) && !unchanged.has(s)).sort();
  if (missing.length)
    notes.push(`No plan was given for stack${missing.length === 1 ? '' : 's'} ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}: ${missing.length === 1 ? 'its' : 'their'} Terraform changes are not in this review.`);

  // What the change does to the model, when both models are known.
  const modelDiffs: ObjectDiff[] = base ? diffModels(base.index, head.index) : [];
  const diffByKey = new Map(modelDiffs.map((d) => [d.key, d]));

  const unsorted: ObjectReview[] = [];
  const addObject = (key: string, g: { ref: ObjectRef; resources: ResourceReview[] } | undefined) => {
    const d = diffByKey.get(key);
    const resources = g ? g.resources.sort(byStackAddress) : [];
    const h = head.index.get(key);
    const o = h ?? base?.index.get(key);
    const kind = d?.kind ?? g?.ref.kind ?? o?.kind;
    const status: ReviewStatus = d ? d.status : base ? 'affected' : planStatus(resources);
    const publicNet = h?.kind === 'Network' && h.public && status !== 'removed' && status !== 'affected';
    let objNotes: readonly string[] = NO_STRINGS;
    if (publicNet || !o) {
      const n: string[] = [];
      if (publicNet) n.push('public network: its Slivers are reachable from the Internet (NET-005)');
      if (!o) n.push('not declared in the head model' + (base ? ' nor in the base model' : ''));
      objNotes = n;
    }
    const model = d?.attributes ? (kind === 'Instance' ? instanceWords(d.attributes) : d.attributes) : NO_CHANGES;
    unsorted.push({ key, kind, label: objectLabel(key, o, lookup), status, model, resources, notes: objNotes });
  };
  // The model's changed objects first, then the plan's other objects, each once.
  if (modelDiffs.length) for (const key of new Set<string>([...modelDiffs.map((d) => d.key), ...byObject.keys()])) addObject(key, byObject.get(key));
  else for (const [key, g] of byObject) addObject(key, g);
  const objects = byKindThenKey(unsorted);
  destroys.sort(byStackAddress);
  unmapped.sort(byStackAddress);
  driftEntries.sort(byStackAddress);

  // What changes the stacks themselves: stacks added or removed (from the two layouts),
  // backends and provider configurations (from the synthesized outputs, when given).
  const configuration = [...(base ? layoutChanges(base.stacks.keys(), head.stacks.keys()) : []), ...(input.configuration ?? [])];

  // Who may make it: every change of the plans, by address, plus every object the model
  // diff names (objects no back-end holds change only there), plus every stack configuration change.
  // Which rules the head model breaks, and what the change does to the acknowledgements.
  const violations = violationsOf(headCompiled, baseCompiled);
  const acknowledgements = acknowledgementChanges(input.head, input.base, violations);

  let authorization: Authorization;
  if (input.actor === undefined) authorization = notChecked();
  else {
    const subjects = planSubjects(assigned, head, base);
    for (const d of modelDiffs) subjects.add({ key: d.key, kind: d.kind, status: d.status });
    // An acknowledgement belongs to the object it is made on: adding, altering or removing it
    // changes that object (an object the change adds or removes is judged as such already).
    // One on no object of both models (the cloud itself) needs a root admin.
    for (const a of base ? acknowledgements : []) {
      const before = base!.index.get(a.path);
      const after = head.index.get(a.path);
      if (before && after) subjects.add({ key: a.path, kind: after.kind, status: 'changed' });
      else if (!before && !after) subjects.add({ key: `acknowledgement of ${a.rule} on ${a.path || 'the cloud'}`, kind: undefined, status: a.status, unmapped: true });
    }
    for (const c of configuration) subjects.add({ key: `stack ${c.stack}: ${c.what}`, kind: undefined, status: c.change === 'added' ? 'added' : c.change === 'removed' ? 'removed' : 'changed', config: true });
    authorization = authorize({ actor: input.actor, subjects: subjects.list(), head: head.index, ...(base ? { base: base.index } : {}), ...(input.firstDeploy ? { firstDeploy: true } : {}) });
  }


  // The picture.
  const marks = new Map<string, Mark>();
  for (const o of objects) {
    if (o.kind !== 'Service' && o.kind !== 'Tenant') continue;
    marks.set(o.key, o.status === 'affected' ? 'changed' : o.status);
  }
  const diagram = tenancyDiagram(input.head, input.base, marks);

  const objCounts: Record<ReviewStatus, number> = { added: 0, removed: 0, changed: 0, affected: 0 };
  for (const o of objects) objCounts[o.status]++;
  const blocking: string[] = [];
  // When the unchanged stacks are known (the outputs were compared), every other stack must
  // have been planned: one that was not (its plan failed) has changes nobody has seen.
  if (input.unchanged !== undefined && missing.length)
    blocking.push(`${missing.length === 1 ? 'Stack' : 'Stacks'} ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''} changed but ${missing.length === 1 ? 'was' : 'were'} not planned: what ${missing.length === 1 ? 'it does' : 'they do'} cannot be reviewed.`);
  if (!authorization.checked) blocking.push('Authorization was not checked (no --actor): nothing says the change may be made.');
  if (configuration.length) blocking.push(`The change alters ${configuration.length === 1 ? 'a stack' : `${configuration.length} stacks`}' configuration (${[...new Set(configuration.map((c) => c.what))].join(', ')}): only a root admin may approve that.`);
  if (authorization.denied) blocking.push(`${authorization.actor} may not make ${authorization.denied} of the changes: approval is needed (${[...new Set(authorization.checks.filter((c) => !c.allowed).map((c) => c.id))].join(', ')}).`);
  const errors = violations.filter((v) => v.severity === 'error');
  if (errors.length) blocking.push(`The head model breaks ${errors.length} rule${errors.length === 1 ? '' : 's'} (${[...new Set(errors.map((v) => v.id))].join(', ')}).`);

  return {
    formatVersion: REVIEW_FORMAT_VERSION,
    configuration,
    model: input.head.name,
    exitCode: blocking.length ? 3 : 0,
    blocking,
    summary: { total, stacks, objects: objCounts, hasBase: !!base },
    destroys,
    objects,
    unmapped,
    drift: { entries: driftEntries, irrelevant },
    authorization,
    violations,
    acknowledgements,
    ...(diagram ? { diagram } : {}),
    notes,
  };
}

/** Subjects gathered once each (by what they are, their key and status), with the plan addresses behind them. */
class Subjects {
  private readonly byId = new Map<string, { subject: Subject; resources: string[] }>();
  public add(s: Subject, resource?: string): void {
    const id = `${s.config ? 'c' : s.unmapped ? 'u' : 'o'}\u0000${s.status}\u0000${s.key}`;
    let e = this.byId.get(id);
    if (!e) {
      e = { subject: s, resources: [] };
      this.byId.set(id, e);
    }
    if (resource !== undefined && e.resources.length < MAX_SUBJECT_RESOURCES) e.resources.push(resource);
  }
  public list(): Subject[] {
    return [...this.byId.values()].map(({ subject, resources }) => (resources.length ? { ...subject, resources } : subject));
  }
}

/** How many plan addresses a check names (the JSON review lists every change anyway). */
const MAX_SUBJECT_RESOURCES = 5;

/**
 * Every change of the plans as subjects of authorization, mapped by address alone: what the
 * change touches that exists (delete, update, replace, forget, the old address of a move) to
 * the object that owns the address in the base layout, what it makes new (create, import,
 * the new side of an update or replace, the new address of a move) to the owner in the head
 * layout. An address that layout does not declare in the plan's stack is unmapped: root admin.
 */
function planSubjects(assigned: readonly PlanStack[], head: ModelSide, base: ModelSide | undefined): Subjects {
  const out = new Subjects();
  for (const { plan, stack } of assigned) {
    const owners = ownerFinder(stack, head, base);
    for (const c of plan.changes) {
      if (c.mode === 'data' || c.action === 'read') continue;
      const moved = c.previousAddress !== undefined;
      if (c.action === 'no-op' && !moved && !c.importing) continue;
      const at = `${stack}: ${c.address}${moved ? ` (from ${c.previousAddress})` : ''}`;
      // Whether the change touches an object already in state, and whether it leaves one there.
      const old = !c.importing && c.action !== 'create';
      const neu = c.action !== 'delete' && c.action !== 'forget';
      const oldAddress = c.previousAddress ?? c.address;
      const was = old ? owners.base(oldAddress) : undefined;
      const will = neu ? owners.head(c.address) : undefined;
      if (old && !was) out.add({ key: `${stack}: ${oldAddress}`, kind: undefined, status: neu ? 'changed' : 'removed', unmapped: true }, at);
      if (neu && !will) out.add({ key: `${stack}: ${c.address}`, kind: undefined, status: old ? 'changed' : 'added', unmapped: true }, at);
      if (was && will && was.key === will.key) out.add({ key: was.key, kind: will.kind ?? was.kind, status: 'changed' }, at);
      else {
        if (was) out.add({ key: was.key, kind: was.kind, status: 'removed' }, at);
        if (will) out.add({ key: will.key, kind: will.kind, status: 'added' }, at);
      }
    }
  }
  return out;
}

/**
 * Assign the plans to stacks by the local addresses first; index the real targets' addresses
 * (a cdktf render of the whole layout) and assign again only when some plan holds an address
 * the local target does not declare in its stack, or the local addresses alone tie or clash.
 */
function assignWithTargets(plans: ReviewInput['plans'], sides: readonly ModelSide[]): PlanStack[] {
  let assigned: PlanStack[] | undefined;
  try {
    assigned = assignStacks(plans, sides);
  } catch (e) {
    if (!sides.some(realTargetsPending)) throw e;
  }
  if (assigned && !(sides.some(realTargetsPending) && needsRealTargets(assigned, sides))) return assigned;
  sides.forEach(indexRealTargets);
  return assignStacks(plans, sides);
}

/**
 * Objects in KIND_ORDER (unknown kinds last), each kind's by key. Keys are distinct, so this
 * is the order of comparing rank, then key; it looks each object's rank up once, not per comparison.
 */
function byKindThenKey(objects: readonly ObjectReview[]): ObjectReview[] {
  const buckets = new Map<number, ObjectReview[]>();
  for (const o of objects) {
    const rank = KIND_RANK.get(o.kind as Kind) ?? 99;
    const b = buckets.get(rank);
    if (b) b.push(o);
    else buckets.set(rank, [o]);
  }
  const out: ObjectReview[] = [];
  for (const rank of [...buckets.keys()].sort((a, b) => a - b)) for (const o of buckets.get(rank)!.sort(byKey)) out.push(o);
  return out;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function byStackAddress(a: { stack: string; address: string }, b: { stack: string; address: string }): number {
  return a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/** Without a base model: an object whose every resource is created was added, and so on. */
function planStatus(resources: readonly ResourceReview[]): ReviewStatus {
  if (resources.length && resources.every((r) => r.action === 'create')) return 'added';
  if (resources.length && resources.every((r) => r.action === 'delete' || r.action === 'forget')) return 'removed';
  return 'changed';
}


/** Whether an attribute change is left out of a resource's list (see `ChangeReview.shownAttributes`). */
function hidden(a: AttributeChange, create: boolean, ref: ObjectRef | undefined): boolean {
  if (create && a.unknown) return true;
  if (!ref || ('before' in a && 'after' in a)) return false;
  // Only when they say what the address says: an xos_key claiming another object is shown.
  const v = 'after' in a ? a.after : a.before;
  return (a.path === 'input.xos_key' && v === ref.key) || (a.path === 'input.xos_kind' && v === ref.declared?.kind);
}

/** The `attributes` of every `ChangeReview`: one getter for all, so they share one hidden class. */
const ATTRIBUTES: PropertyDescriptor = {
  get(this: ChangeReview) {
    return this.shownAttributes();
  },
  enumerable: true,
  configurable: true,
};

/**
 * One resource change as the review shows it, its fields in the order the review prints
 * them. Its attribute list is made on first read: the markdown prints only what fits in a
 * comment, and listing every attribute of every create up front was most of a large review's
 * time and memory. `attributes` is still an own enumerable property (read through a getter),
 * so JSON, copies and comparisons see the plain record the interface describes; the inputs it
 * is made from are private fields, which none of them see.
 */
class ChangeReview implements ResourceReview {
  declare readonly stack: string;
  declare readonly address: string;
  declare readonly previousAddress?: string;
  declare readonly action: ChangeAction;
  declare readonly actions: readonly string[];
  declare readonly actionReason?: string;
  declare readonly reason?: string;
  declare readonly replacePaths: readonly string[];
  declare readonly importing?: string;
  declare readonly deposed?: string;
  declare readonly part?: string;
  declare readonly attributes: readonly AttributeChange[];
  declare readonly object?: { readonly key: string; readonly kind?: Kind };
  readonly #change: PlanChange;
  readonly #ref: ObjectRef | undefined;
  readonly #scrubber: SecretScrubber;
  #attributes: readonly AttributeChange[] | undefined;

  /** `object`: the record of the model object it belongs to (shared by its resources). The scrubber must have collected every change's secrets before any `attributes` is read. */
  constructor(c: PlanChange, stack: string, ref: ObjectRef | undefined, object: ResourceReview['object'], scrubber: SecretScrubber) {
    this.#change = c;
    this.#ref = ref;
    this.#scrubber = scrubber;
    const self = this as { -readonly [K in keyof ResourceReview]: ResourceReview[K] };
    self.stack = stack;
    self.address = c.address;
    if (c.previousAddress) self.previousAddress = c.previousAddress;
    self.action = c.action;
    self.actions = c.actions;
    if (c.actionReason) {
      self.actionReason = c.actionReason;
      self.reason = REASONS[c.actionReason] ?? c.actionReason.replace(/_/g, ' ');
    }
    self.replacePaths = c.replacePaths.length ? c.replacePaths.map(formatPath) : NO_STRINGS;
    if (c.importing) self.importing = c.importing.id ?? (c.importing.unknown ? '(known after apply)' : '(by identity)');
    if (c.deposed) self.deposed = c.deposed;
    const part = ref?.declared?.kind ?? xosKind(c);
    if (part) self.part = part;
    Object.defineProperty(this, 'attributes', ATTRIBUTES);
    if (object) self.object = object;
  }

  /**
   * Only what changes, sensitive values and the model's secrets masked. On a create, values
   * known only after apply (ids, outputs) say nothing a reviewer can check, and a mapped
   * resource's xos_key/xos_kind repeat the object it is listed under: both are left out.
   */
  public shownAttributes(): readonly AttributeChange[] {
    if (this.#attributes) return this.#attributes;
    const c = this.#change;
    const ref = this.#ref;
    let shown: readonly AttributeChange[] = [];
    if (c.action !== 'delete' && c.action !== 'forget') {
      const secret = secretPathsOf(ref?.declared);
      const attributes = diffAttributes({
        before: c.before,
        after: c.after,
        beforeSensitive: markPaths(c.beforeSensitive, secret),
        afterSensitive: markPaths(c.afterSensitive, secret),
        afterUnknown: c.afterUnknown,
        replacePaths: c.replacePaths,
      });
      // Masking keeps each change's path, `unknown` and sides, so it may come after the cut.
      const create = c.action === 'create';
      shown = this.#scrubber.scrub(attributes.filter((a) => !hidden(a, create, ref)));
    }
    return (this.#attributes = shown);
  }
}

function xosKind(c: PlanChange): string | undefined {
  for (const v of [c.after, c.before]) {
    const input = v && typeof v === 'object' ? (v as { input?: unknown }).input : undefined;
    const k = input && typeof input === 'object' ? (input as { xos_kind?: unknown }).xos_kind : undefined;
    if (typeof k === 'string') return k;
  }
  return undefined;
}

/**
 * The static rules over the head model; with a base model, each is marked new or not. The
 * acknowledgements the models carry cover their warnings (never an error, never authorization).
 */
export function ruleViolations(head: XosModel, base?: XosModel): ViolationReview[] {
  return violationsOf(compileModel(builtFromJson(head)), base ? compileModel(builtFromJson(base)) : undefined);
}

/**
 * The violations of compiled models. The same finding (rule, object and key) counts as the
 * same violation, even if its message changed (a count in it, say).
 */
function violationsOf(head: Compiled, base: Compiled | undefined): ViolationReview[] {
  const idOf = (v: Compiled['violations'][number]) => v.finding ?? `${v.id}@${v.path}`;
  const before = base ? new Set(base.violations.map(idOf)) : undefined;
  return head.violations.map((v) => ({
    id: v.id,
    severity: v.severity,
    path: v.path,
    message: v.message,
    ...(before ? { new: !before.has(idOf(v)) } : {}),
    ...(v.finding !== undefined ? { finding: v.finding } : {}),
    ...(v.acknowledged !== undefined ? { acknowledged: v.acknowledged } : {}),
  }));
}

/** How many finding ids an acknowledgement's record names (it counts them all). */
const MAX_COVERED = 5;

/**
 * The acknowledgements the change adds, alters (a new reason) or removes, by what each
 * covers (rule, object, finding); without a base model, every one of the head's. Each with
 * the acknowledged warnings of the head model it covers: found by walking each warning's
 * path up the tree once, so the work is linear in the violations, however many
 * acknowledgements a model holds.
 */
function acknowledgementChanges(head: XosModel, base: XosModel | undefined, violations: readonly ViolationReview[]): AcknowledgementReview[] {
  const before = new Map((base?.acknowledgements ?? []).map((a) => [acknowledgementId(a), a]));
  const after = new Map((head.acknowledgements ?? []).map((a) => [acknowledgementId(a), a]));
  const out: { -readonly [K in keyof AcknowledgementReview]: AcknowledgementReview[K] extends readonly (infer U)[] ? U[] : AcknowledgementReview[K] }[] = [];
  const record = (status: AcknowledgementReview['status'], a: AcknowledgementModel, was?: string) =>
    out.push({ status, rule: a.rule, path: a.path, ...(a.finding !== undefined ? { finding: a.finding } : {}), reason: a.reason, ...(was !== undefined ? { before: was } : {}), covers: 0, covered: [] });
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b) record('added', a);
    else if (b.reason !== a.reason) record('changed', a, b.reason);
  }
  for (const [id, b] of before) if (!after.has(id)) record('removed', b);
  if (!out.length) return out;
  // What the added and altered ones cover in the head model.
  const byId = new Map(out.filter((r) => r.status !== 'removed').map((r) => [acknowledgementId(r), r]));
  const cover = (r: (typeof out)[number] | undefined, finding: string) => {
    if (!r) return;
    r.covers++;
    if (r.covered.length < MAX_COVERED) r.covered.push(finding);
  };
  for (const v of violations) {
    if (v.acknowledged === undefined) continue;
    const finding = v.finding ?? `${v.id}@${v.path}`;
    let k = v.path;
    for (;;) {
      cover(byId.get(acknowledgementId({ rule: v.id, path: k, reason: '' })), finding);
      cover(byId.get(acknowledgementId({ rule: v.id, path: k, reason: '', finding })), finding);
      if (k === '') break;
      const i = k.lastIndexOf('/');
      k = i < 0 ? '' : k.slice(0, i);
    }
  }
  const rank = { added: 0, changed: 1, removed: 2 };
  return out.sort((x, y) => rank[x.status] - rank[y.status] || byKey({ key: x.path }, { key: y.path }) || byKey({ key: x.rule }, { key: y.rule }));
}

export type { ModelSide, ConfigChange };
