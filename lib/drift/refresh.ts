/**
 * `--refresh`: ask each back-end what changed in the cloud itself, with
 * `terraform plan -refresh-only`, and fold its `resource_drift` into the report. The plan's
 * `prior_state` is the refreshed state, so objects deleted outside Terraform show as
 * pending, and values changed outside it as drift against the model.
 */
import { jsonProblemText } from '../util/json-error';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { externalError, usageError } from '../errors';
import { instanceAddress } from '../state/address';
import { isInitialized, runTerraform, stackBackendOf, terraformErrorSummary, type TerraformOptions } from '../state/pull';
import { checkFormatVersion, readShowJson } from '../state/show-json';
import type { StateSnapshot } from '../state/types';
import { sameValue } from './compare';
import type { RefreshDrift } from './diff';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The address of a plan's resource entry (Terraform 1.0.0 omitted it from resource_drift). */
function entryAddress(e: Json): string | undefined {
  if (typeof e.address === 'string') return e.address;
  if (typeof e.type !== 'string' || typeof e.name !== 'string') return undefined;
  const mode = e.mode === 'data' ? 'data' : 'managed';
  const key = typeof e.index === 'number' || typeof e.index === 'string' ? e.index : undefined;
  return instanceAddress(typeof e.module_address === 'string' ? e.module_address : '', mode, e.type, e.name, key);
}

/** Top-level attributes that differ between two values of a resource. */
function changedAttributes(before: unknown, after: unknown): string[] {
  if (!isObject(before) || !isObject(after)) return [];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((k) => !sameValue(before[k], after[k])).sort();
}

/** What a refresh found: drift by address, and the refreshed state when the plan holds one. */
export interface RefreshResult {
  readonly drift: Map<string, RefreshDrift>;
  readonly state?: StateSnapshot;
}

/** Read a plan (terraform show -json of a refresh-only plan): its resource_drift and prior_state. */
export function refreshFromPlan(doc: unknown, source: string): RefreshResult {
  if (!isObject(doc) || !('format_version' in doc) || !('planned_values' in doc || 'resource_drift' in doc || 'resource_changes' in doc || 'prior_state' in doc))
    throw usageError(`${source} is not a plan (terraform show -json of a plan file).`);
  checkFormatVersion(doc.format_version, source, 'the plan');
  const drift = new Map<string, RefreshDrift>();
  for (const e of Array.isArray(doc.resource_drift) ? doc.resource_drift : []) {
    if (!isObject(e) || !isObject(e.change)) continue;
    const address = entryAddress(e);
    if (!address) continue;
    const actions = Array.isArray(e.change.actions) ? e.change.actions.filter((a): a is string => typeof a === 'string') : [];
    const action = actions.includes('delete') && !actions.includes('create') ? 'delete' : actions.join('+') || 'update';
    drift.set(address, { address, action, attributes: action === 'delete' ? [] : changedAttributes(e.change.before, e.change.after) });
  }
  const prior = doc.prior_state;
  const state = isObject(prior) ? readShowJson({ format_version: doc.format_version, ...prior }, `${source} (refreshed state)`) : undefined;
  return { drift, ...(state ? { state } : {}) };
}

/** `resource_drift` messages of `terraform plan -json` (the machine-readable UI stream). */
export function refreshFromStream(text: string): Map<string, RefreshDrift> {
  const drift = new Map<string, RefreshDrift>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isObject(m) || m.type !== 'resource_drift' || !isObject(m.change) || !isObject(m.change.resource)) continue;
    const address = m.change.resource.addr;
    if (typeof address !== 'string') continue;
    drift.set(address, { address, action: typeof m.change.action === 'string' ? m.change.action : 'update', attributes: [] });
  }
  return drift;
}

/** Error diagnostics of a `terraform ... -json` stream, as text. */
function streamErrors(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const m = JSON.parse(line) as Json;
      if (m['@level'] === 'error' && isObject(m.diagnostic)) out.push([m.diagnostic.summary, m.diagnostic.detail].filter((x) => typeof x === 'string' && x).join(': '));
    } catch {
      /* not a message */
    }
  }
  return out.join('; ');
}

/** Run a refresh-only plan in a synthesized stack directory and read what it found. */
export async function refreshStack(stack: string, stackDir: string, options: TerraformOptions = {}): Promise<RefreshResult> {
  const backend = stackBackendOf(stackDir);
  if (!isInitialized(stackDir))
    throw usageError(`stack ${stack}: --refresh plans in ${stackDir}, which is not initialized. Run 'terraform -chdir=${stackDir} init' (or cdktf deploy) first, or leave out --refresh.`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-refresh-'));
  try {
    const planFile = path.join(scratch, 'refresh.tfplan');
    const plan = await runTerraform(['plan', '-refresh-only', '-json', '-input=false', '-lock-timeout=60s', `-out=${planFile}`], stackDir, options);
    if (plan.code !== 0) {
      const why = streamErrors(plan.stdout) || terraformErrorSummary(plan.stderr, plan.stdout);
      throw externalError(`stack ${stack}: terraform plan -refresh-only failed (backend ${backend.label}): ${why}`, `${plan.stdout}\n${plan.stderr}`);
    }
    const streamed = refreshFromStream(plan.stdout);
    const show = await runTerraform(['show', '-json', '-no-color', planFile], stackDir, options);
    if (show.code !== 0) throw externalError(`stack ${stack}: terraform show -json of the refresh plan failed: ${terraformErrorSummary(show.stderr, show.stdout)}`, show.stderr);
    let doc: unknown;
    try {
      doc = JSON.parse(show.stdout);
    } catch (e) {
      throw externalError(`stack ${stack}: terraform show -json printed no JSON (${jsonProblemText(e, show.stdout)}).`);
    }
    const result = refreshFromPlan(doc, `refresh plan of stack ${stack}`);
    for (const [a, d] of streamed) if (!result.drift.has(a)) result.drift.set(a, d);
    return result;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
