/**
 * `terraform show -json` of a state (JSON output formats 0.1 to 1.x): `values.root_module`
 * with nested `child_modules`, `sensitive_values` (0.2 and later), `tainted` and
 * `deposed_key`. The `prior_state` of a plan has the same shape.
 */
import { quoteValue } from '../util/json-error';
import { usageError } from '../errors';
import { instanceAddress, parseShowProvider, resourceAddress } from './address';
import type { AttrPath, PathStep, StateInstance, StateOutput, StateSnapshot } from './types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `sensitive_values` mirrors the value, with `true` where it is sensitive. */
export function sensitiveValuePaths(mirror: unknown, prefix: PathStep[] = [], out: AttrPath[] = []): AttrPath[] {
  if (mirror === true) {
    if (prefix.length) out.push([...prefix]);
  } else if (Array.isArray(mirror)) {
    mirror.forEach((m, i) => {
      prefix.push(i);
      sensitiveValuePaths(m, prefix, out);
      prefix.pop();
    });
  } else if (isObject(mirror)) {
    for (const [k, m] of Object.entries(mirror)) {
      prefix.push(k);
      sensitiveValuePaths(m, prefix, out);
      prefix.pop();
    }
  }
  return out;
}

/** The major version of a `format_version`, or throws naming the source. */
export function checkFormatVersion(v: unknown, source: string, what: string): string {
  const m = typeof v === 'string' ? /^(\d+)\.(\d+)$/.exec(v) : null;
  if (!m) throw usageError(`${source}: ${what} has format_version ${quoteValue(v)}, which is not a version (expected "0.1" ... "1.x").`);
  if (Number(m[1]) > 1)
    throw usageError(`${source}: ${what} has format_version ${v}, which this xos does not know (it reads 0.1 to 1.x). Upgrade xos, or give the raw state instead (terraform state pull).`);
  return v as string;
}

function readModule(mod: Json, moduleAddress: string, source: string, out: StateInstance[]): void {
  const resources = mod.resources ?? [];
  if (!Array.isArray(resources)) throw usageError(`${source}: module ${moduleAddress || '(root)'} has 'resources' that is not a list: the file is damaged.`);
  resources.forEach((r: unknown, i: number) => {
    const where = `${source}: module ${moduleAddress || '(root)'}, resource #${i + 1}`;
    if (!isObject(r)) throw usageError(`${where} is not an object: the file is damaged.`);
    const mode = r.mode;
    if (mode !== 'managed' && mode !== 'data') throw usageError(`${where} has mode ${quoteValue(mode)} (expected "managed" or "data"): the file is damaged.`);
    if (typeof r.type !== 'string' || typeof r.name !== 'string') throw usageError(`${where} has no type or name: the file is damaged.`);
    const key = typeof r.index === 'number' || typeof r.index === 'string' ? r.index : undefined;
    out.push({
      address: instanceAddress(moduleAddress, mode, r.type, r.name, key),
      resourceAddress: resourceAddress(moduleAddress, mode, r.type, r.name),
      module: moduleAddress,
      mode,
      type: r.type,
      name: r.name,
      ...(key !== undefined ? { indexKey: key } : {}),
      provider: parseShowProvider(typeof r.provider_name === 'string' ? r.provider_name : ''),
      status: r.tainted === true ? 'tainted' : 'ok',
      ...(typeof r.deposed_key === 'string' && r.deposed_key ? { deposed: r.deposed_key } : {}),
      attributes: isObject(r.values) ? r.values : {},
      sensitivePaths: sensitiveValuePaths(r.sensitive_values),
      ...(typeof r.schema_version === 'number' ? { schemaVersion: r.schema_version } : {}),
      ...(isObject(r.identity) ? { identity: r.identity } : {}),
      ...(typeof r.identity_schema_version === 'number' ? { identitySchemaVersion: r.identity_schema_version } : {}),
      dependencies: Array.isArray(r.depends_on) ? r.depends_on.filter((d): d is string => typeof d === 'string') : [],
    });
  });
  const children = mod.child_modules ?? [];
  if (!Array.isArray(children)) throw usageError(`${source}: module ${moduleAddress || '(root)'} has 'child_modules' that is not a list: the file is damaged.`);
  for (const c of children) {
    if (!isObject(c) || typeof c.address !== 'string') throw usageError(`${source}: a child module of ${moduleAddress || '(root)'} has no address: the file is damaged.`);
    readModule(c, c.address, source, out);
  }
}

/** Read a parsed `terraform show -json` of a state (or a plan's `prior_state`). */
export function readShowJson(doc: Json, source: string): StateSnapshot {
  const formatVersion = checkFormatVersion(doc.format_version, source, 'the state (terraform show -json)');
  const instances: StateInstance[] = [];
  const outputs: Record<string, StateOutput> = {};
  // An empty state shows as `{"format_version": "1.0"}` with no values at all.
  if (doc.values !== undefined && doc.values !== null) {
    if (!isObject(doc.values)) throw usageError(`${source}: 'values' is not an object: the file is damaged.`);
    const root = doc.values.root_module;
    if (root !== undefined && root !== null) {
      if (!isObject(root)) throw usageError(`${source}: 'values.root_module' is not an object: the file is damaged.`);
      readModule(root, '', source, instances);
    }
    if (isObject(doc.values.outputs)) {
      for (const [name, o] of Object.entries(doc.values.outputs)) {
        if (!isObject(o)) continue;
        outputs[name] = o.sensitive === true ? { sensitive: true } : { sensitive: false, value: o.value };
      }
    }
  }
  return {
    source,
    format: 'show-json',
    formatVersion,
    ...(typeof doc.terraform_version === 'string' ? { terraformVersion: doc.terraform_version } : {}),
    instances,
    outputs,
    emptyResources: [],
  };
}
