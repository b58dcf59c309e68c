/**
 * Reading Terraform plan JSON files: decoding (UTF-8 with or without a byte-order mark,
 * UTF-16 little- or big-endian as PowerShell's `>` writes it), parsing, checking that the
 * file is a plan in a format version we understand, and normalizing every resource change.
 *
 * Every error names the file, says what was wrong with it and how to produce a good one.
 */
import * as fs from 'fs';
import { externalError } from '../errors';
import { decodeBytes } from '../state/decode';
import { jsonProblem, quoteValue } from '../util/json-error';
import { MAX_JSON_FILE, MAX_REVIEW_CHANGES } from '../limits';
import { thousandsOf } from '../util/numbers';
import { releaseAfterRead } from '../util/release';
import type { ChangeAction, MarkTree, PathStep, Plan, PlanChange, RelevantAttribute } from './types';

/** Oldest and newest major versions of the plan JSON format this reader understands. */
export const SUPPORTED_FORMATS = '0.1 to 1.2 (and later 1.x)';

const HOW_TO = 'Produce it with `terraform plan -out PLAN` and `terraform show -json PLAN > plan.json`.';

/** Decode a plan file's bytes (UTF-8 or UTF-16, with or without a byte-order mark). */
export function decodePlanBytes(bytes: Buffer): { text: string; encoding: Plan['encoding'] } {
  return decodeBytes(bytes);
}

/** Read and normalize a plan JSON file. Throws an external error naming the file when it is not one. */
export function readPlanFile(file: string): Plan {
  let bytes: Buffer | undefined;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw externalError(`cannot read plan file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}. ${HOW_TO}`);
  }
  if (bytes.length > MAX_JSON_FILE) throw externalError(`plan file ${file} is ${thousandsOf(bytes.length)} bytes, more than the ${thousandsOf(MAX_JSON_FILE)} xos reads. Review the stacks in smaller plans (one per stack). ${HOW_TO}`);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) throw externalError(`plan file ${file} is gzip-compressed, not JSON: decompress it first (gunzip -c ${file} > plan.json). ${HOW_TO}`);
  const size = bytes.length;
  let decoded: { text: string; encoding: Plan['encoding'] } | undefined = decodePlanBytes(bytes);
  // The bytes are let go before the text is parsed: a large plan need not be held twice over.
  bytes = undefined;
  const plan = parseText(decoded.text, decoded.encoding, file);
  // The text and the raw tree are garbage now: a large plan's are let go at once.
  decoded = undefined;
  releaseAfterRead(size);
  return plan;
}

/** Parse a plan from bytes (or text); `file` names it in messages. */
export function parsePlan(input: Buffer | string, file: string): Plan {
  const { text, encoding } = typeof input === 'string' ? { text: input, encoding: 'utf-8' as const } : decodePlanBytes(input);
  return parseText(text, encoding, file);
}

function parseText(text: string, encoding: Plan['encoding'], file: string): Plan {
  if (!text.trim()) throw externalError(`plan file ${file} is empty. ${HOW_TO}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // Said in words of our own: V8's message quotes the text around the error, and a plan holds secrets.
    const p = jsonProblem(e, text);
    const msg = p.where ? `${p.cause} at ${p.where}` : p.cause;
    if (p.truncated) throw externalError(`plan file ${file} is truncated: its JSON ends early (${msg}). It was cut off while being written or copied. ${HOW_TO}`);
    const hint = /^\s*(Terraform|Plan:|─|No changes|\x1b)/.test(text) ? ' It looks like the human-readable output of `terraform plan` or `terraform show`, not JSON.' : '';
    throw externalError(`plan file ${file} is not valid JSON (${msg}).${hint} ${HOW_TO}`);
  }
  return normalizePlan(raw, file, encoding);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function fail(file: string, what: string): never {
  throw externalError(`plan file ${file} ${what}`);
}

/** Check a parsed document and turn it into a `Plan`. */
export function normalizePlan(raw: unknown, file: string, encoding: Plan['encoding'] = 'utf-8'): Plan {
  if (!isObject(raw)) fail(file, `is not a Terraform plan: it holds ${Array.isArray(raw) ? 'an array' : `a ${raw === null ? 'null' : typeof raw}`}, not an object. ${HOW_TO}`);
  const fv = raw.format_version;
  if (typeof fv !== 'string' || !/^\d+\.\d+$/.test(fv)) {
    if (isObject(raw.values) || typeof raw.version === 'number')
      fail(file, `is a Terraform state, not a plan. ${HOW_TO}`);
    fail(file, `has no valid "format_version" (got ${quoteValue(fv)}): it is not the JSON of a Terraform plan. ${HOW_TO}`);
  }
  const major = Number(fv.split('.')[0]);
  if (major !== 0 && major !== 1) fail(file, `has plan format version ${fv}; xos reads versions ${SUPPORTED_FORMATS}. Upgrade xos, or produce the plan with a Terraform whose format it reads.`);
  if (!('planned_values' in raw) && !('resource_changes' in raw) && !('prior_state' in raw)) {
    if (isObject(raw.values)) fail(file, `is the JSON of a Terraform state (it has "values" and no "planned_values"), not of a plan. ${HOW_TO}`);
    fail(file, `has no "resource_changes", "planned_values" or "prior_state": it is not the JSON of a Terraform plan. ${HOW_TO}`);
  }
  const rawChanges = list(raw.resource_changes, file, 'resource_changes');
  // Counted before any change is normalized: the review's work grows with them.
  if (rawChanges.length > MAX_REVIEW_CHANGES)
    fail(file, `holds ${thousandsOf(rawChanges.length)} resource changes, more than the ${thousandsOf(MAX_REVIEW_CHANGES)} one review takes. Plan and review the stacks in smaller groups.`);
  const shared = new Shared();
  const changes = rawChanges.map((rc, i) => normalizeChange(rc, file, 'resource_changes', i, shared));
  const drift = list(raw.resource_drift, file, 'resource_drift').map((rc, i) => normalizeChange(rc, file, 'resource_drift', i, shared));
  let relevantAttributes: RelevantAttribute[] | undefined;
  // Format 1.1 (Terraform 1.2) introduced relevant_attributes and leaves it out when empty.
  if ('relevant_attributes' in raw || versionAtLeast(fv, 1, 1)) {
    relevantAttributes = list(raw.relevant_attributes, file, 'relevant_attributes').map((r, i) => {
      if (!isObject(r) || typeof r.resource !== 'string' || !Array.isArray(r.attribute))
        fail(file, `has a malformed relevant_attributes[${i}]: expected { "resource": string, "attribute": [...] }.`);
      return { resource: r.resource, attribute: r.attribute.filter((s): s is PathStep => typeof s === 'string' || typeof s === 'number') };
    });
  }
  return {
    file,
    formatVersion: fv,
    ...(typeof raw.terraform_version === 'string' ? { terraformVersion: raw.terraform_version } : {}),
    changes,
    drift,
    ...(relevantAttributes ? { relevantAttributes } : {}),
    configuredAddresses: configuredAddresses(raw.configuration),
    ...(typeof raw.errored === 'boolean' ? { errored: raw.errored } : {}),
    ...(typeof raw.complete === 'boolean' ? { complete: raw.complete } : {}),
    ...(typeof raw.applyable === 'boolean' ? { applyable: raw.applyable } : {}),
    encoding,
  };
}

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const [a, b] = v.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

function list(v: unknown, file: string, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(file, `has a "${field}" that is not an array (got ${typeof v}). ${HOW_TO}`);
  return v;
}

/** Classify Terraform's action list. */
export function classifyActions(actions: readonly string[]): ChangeAction | undefined {
  // A single action is its own key (no string made per change); a pair is joined.
  const key = actions.length === 1 ? actions[0] : actions.join(',');
  switch (key) {
    case 'no-op':
      return 'no-op';
    case 'create':
      return 'create';
    case 'read':
      return 'read';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'forget':
      return 'forget';
    case 'create,forget':
    case 'forget,create':
      return 'replace-forget';
    default:
      return undefined;
  }
}

/** The address Terraform would print, rebuilt from module, mode, type, name and index. */
export function buildAddress(parts: { moduleAddress?: string; mode: string; type: string; name: string; index?: string | number }): string {
  const idx = parts.index === undefined ? '' : typeof parts.index === 'number' ? `[${parts.index}]` : `[${JSON.stringify(parts.index)}]`;
  return `${parts.moduleAddress ? `${parts.moduleAddress}.` : ''}${parts.mode === 'data' ? 'data.' : ''}${parts.type}.${parts.name}${idx}`;
}

/** Most distinct values `Shared` keeps, of each kind. */
const MAX_SHARED = 4096;

/**
 * One copy of each distinct action list and mark tree of a plan, shared by the changes that
 * hold it. A plan of 30,000 creates has a handful of distinct `after_unknown` and
 * `after_sensitive` trees, and one action list: kept once each, they are a few kilobytes
 * where a copy per change was tens of megabytes. (A plan's changes are read-only.)
 */
class Shared {
  private readonly actions = new Map<string, string[]>();
  private readonly marks = new Map<string, MarkTree>();

  public actionList(actions: string[]): string[] {
    const key = actions.length === 1 ? actions[0] : actions.join(',');
    const known = this.actions.get(key);
    if (known) return known;
    if (this.actions.size < MAX_SHARED) this.actions.set(key, actions);
    return actions;
  }

  public markTree(v: unknown): MarkTree {
    const tree = markTree(v);
    if (tree === true || tree === false) return tree;
    const key = JSON.stringify(tree);
    const known = this.marks.get(key);
    if (known !== undefined) return known;
    if (this.marks.size < MAX_SHARED) this.marks.set(key, tree);
    return tree;
  }
}

/** Normalize `field[i]` of a plan. Messages name it; the name is made only for a message. */
function normalizeChange(rc: unknown, file: string, field: string, i: number, shared: Shared): PlanChange {
  if (!isObject(rc)) fail(file, `has a malformed ${field}[${i}]: expected an object.`);
  const change = rc.change;
  if (!isObject(change) || !Array.isArray(change.actions) || !change.actions.every((a) => typeof a === 'string'))
    fail(file, `has a malformed ${field}[${i}]${typeof rc.address === 'string' ? ` (${rc.address})` : ''}: "change.actions" must be a list of action names.`);
  const actions = shared.actionList(change.actions as string[]);
  const action = classifyActions(actions);
  if (!action) fail(file, `has ${field}[${i}]${typeof rc.address === 'string' ? ` (${rc.address})` : ''} with actions ${quoteValue(actions)}, which xos does not know. Upgrade xos, or report the plan's Terraform version.`);
  const mode = rc.mode === 'data' ? 'data' : 'managed';
  const type = typeof rc.type === 'string' ? rc.type : '';
  const name = typeof rc.name === 'string' ? rc.name : '';
  const index = typeof rc.index === 'string' || typeof rc.index === 'number' ? rc.index : undefined;
  const moduleAddress = typeof rc.module_address === 'string' ? rc.module_address : undefined;
  let address = typeof rc.address === 'string' && rc.address ? rc.address : undefined;
  let addressRebuilt = false;
  if (!address) {
    if (!type || !name) fail(file, `has ${field}[${i}] with neither an "address" nor a "type" and "name".`);
    address = buildAddress({ moduleAddress, mode, type, name, index });
    addressRebuilt = true;
  }
  const previousAddress = typeof rc.previous_address === 'string' && rc.previous_address !== address ? rc.previous_address : undefined;
  const replacePaths = Array.isArray(change.replace_paths)
    ? change.replace_paths.filter(Array.isArray).map((p: unknown[]) => p.filter((s): s is PathStep => typeof s === 'string' || typeof s === 'number'))
    : NO_PATHS;
  const importing = isObject(change.importing)
    ? {
        ...(typeof change.importing.id === 'string' ? { id: change.importing.id } : {}),
        ...(change.importing.identity !== undefined ? { identity: change.importing.identity } : {}),
        ...(change.importing.unknown === true ? { unknown: true } : {}),
      }
    : undefined;
  const before = change.before ?? null;
  const after = change.after ?? null;
  const afterUnknown = shared.markTree(change.after_unknown);
  const beforeSensitive = shared.markTree(change.before_sensitive);
  const afterSensitive = shared.markTree(change.after_sensitive);
  const deposed = typeof rc.deposed === 'string' ? rc.deposed : undefined;
  const providerName = typeof rc.provider_name === 'string' ? rc.provider_name : undefined;
  const actionReason = typeof rc.action_reason === 'string' ? rc.action_reason : undefined;
  // The common change (no move, module, index, deposed object, reason or import) is made
  // whole by one literal: a plan holds a change per resource, and fields added one by one
  // (or spread in) cost more than reading the change.
  if (!addressRebuilt && !previousAddress && !moduleAddress && index === undefined && deposed === undefined && providerName !== undefined && actionReason === undefined && !importing)
    return { address, mode, type, name, providerName, action, actions, before, after, afterUnknown, beforeSensitive, afterSensitive, replacePaths };
  // Otherwise field by field, in the same order.
  const c = { address } as { -readonly [K in keyof PlanChange]: PlanChange[K] };
  if (addressRebuilt) c.addressRebuilt = addressRebuilt;
  if (previousAddress) c.previousAddress = previousAddress;
  if (moduleAddress) c.moduleAddress = moduleAddress;
  c.mode = mode;
  c.type = type;
  c.name = name;
  if (index !== undefined) c.index = index;
  if (deposed !== undefined) c.deposed = deposed;
  if (providerName !== undefined) c.providerName = providerName;
  c.action = action;
  c.actions = actions;
  c.before = before;
  c.after = after;
  c.afterUnknown = afterUnknown;
  c.beforeSensitive = beforeSensitive;
  c.afterSensitive = afterSensitive;
  c.replacePaths = replacePaths;
  if (actionReason !== undefined) c.actionReason = actionReason;
  if (importing) c.importing = importing;
  return c;
}

/** The replace paths of a change that has none (shared: a plan's changes are read-only). */
const NO_PATHS: readonly (readonly PathStep[])[] = Object.freeze([]);

function markTree(v: unknown): MarkTree {
  if (v === true) return true;
  if (Array.isArray(v) || isObject(v)) return v as MarkTree;
  return false;
}

/** Addresses of the resources the configuration declares, in every module. */
function configuredAddresses(configuration: unknown): string[] {
  const out: string[] = [];
  const walk = (mod: unknown, prefix: string) => {
    if (!isObject(mod)) return;
    if (Array.isArray(mod.resources)) for (const r of mod.resources) if (isObject(r) && typeof r.address === 'string') out.push(prefix + r.address);
    if (isObject(mod.module_calls)) {
      for (const [name, call] of Object.entries(mod.module_calls)) if (isObject(call)) walk(call.module, `${prefix}module.${name}.`);
    }
  };
  if (isObject(configuration)) walk(configuration.root_module, '');
  return out;
}
