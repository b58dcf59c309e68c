/**
 * Check a recipe against its published JSON Schema (schema/recipe.schema.json), and turn
 * each error into one problem at the YAML line and column, saying what to write instead.
 * The validator is ajv's code for the schema, generated ahead of time
 * (scripts/gen-recipe-validator.ts; a test fails when it is stale): compiling the schema at
 * load time cost about 120 ms of every run.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../schema/recipe.schema.json';
import generated from './generated/validate-recipe';
import { positionAt, type RecipePath, type RecipeProblem, type RecipeSource } from './source';
import { didYouMean, listOf } from './suggest';

export const RECIPE_SCHEMA: Readonly<Record<string, unknown>> = schema;

const validator = (): ValidateFunction => generated as unknown as ValidateFunction;

type SchemaNode = { description?: string; type?: string | string[]; properties?: Record<string, SchemaNode>; anyOf?: SchemaNode[]; enum?: unknown[] };

/** `/a/b~1c/0` -> ['a', 'b/c', 0] (numbers where the data holds a list). */
function pointerPath(pointer: string, data: unknown): (string | number)[] {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schemaType: string | string[] | undefined, v: unknown): boolean {
  if (schemaType === undefined) return true;
  const t = jsonType(v);
  const types = Array.isArray(schemaType) ? schemaType : [schemaType];
  return types.some((s) => s === t || (s === 'number' && t === 'integer'));
}

const A: Record<string, string> = { object: 'a map', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'nothing (null)' };

/** Values under credentials are never echoed: a literal there may be the secret itself. */
function secretPath(path: RecipePath): boolean {
  return path.includes('credentials');
}

function shown(v: unknown, path: RecipePath): string {
  if (secretPath(path)) return 'the value';
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return s && s.length > 60 ? s.slice(0, 57) + '...' : String(s);
}

function describe(e: ErrorObject): string {
  const d = (e.parentSchema as SchemaNode | undefined)?.description;
  return d ? d : '';
}

/** Drop the failing branches of an anyOf whose type does not fit the value; keep the one that does. */
function collapseAnyOf(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  let out = [...errors];
  for (const any of errors.filter((e) => e.keyword === 'anyOf')) {
    const value = valueAt(data, pointerPath(any.instancePath, data));
    const branches = ((any.parentSchema as SchemaNode | undefined)?.anyOf ?? []) as SchemaNode[];
    const fit = branches.findIndex((b) => typeMatches(b.type, value));
    const under = (e: ErrorObject) => e.schemaPath.startsWith(any.schemaPath + '/') && e.instancePath.startsWith(any.instancePath);
    if (fit < 0) out = out.filter((e) => !under(e));
    else {
      const keep = `${any.schemaPath}/${fit}`;
      out = out.filter((e) => e !== any && (!under(e) || e.schemaPath === keep || e.schemaPath.startsWith(keep + '/')));
    }
  }
  return out;
}

function valueAt(data: unknown, path: RecipePath): unknown {
  let cur = data;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}

/** One ajv error as a problem with a position and a fix. */
function problemOf(src: RecipeSource, e: ErrorObject): RecipeProblem {
  const data = src.data;
  const path = pointerPath(e.instancePath, data);
  const value = valueAt(data, path);
  const desc = describe(e);
  const about = desc ? ` (${desc})` : '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(p.missingProperty);
      const d = (e.parentSchema as SchemaNode | undefined)?.properties?.[missing]?.description;
      return { path, position: positionAt(src, path, 'key'), message: `'${missing}' is missing${d ? `: ${d}` : ''}. Add '${missing}:' here.` };
    }
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as SchemaNode | undefined)?.properties ?? {});
      return {
        path: [...path, extra],
        position: positionAt(src, [...path, extra], 'key'),
        message: `unknown key '${extra}'.${didYouMean(extra, allowed)} Allowed here: ${listOf(allowed, 20)}.`,
      };
    }
    case 'type': {
      if (!path.length) return { path, position: positionAt(src, path), message: `the recipe is ${A[jsonType(value)] ?? jsonType(value)}, but must be a map of sections: cloud, sites, images, flavors, networkTemplates, deployments, controllers, users, services, views. Start it with 'cloud: <name>'.` };
      const expected = String(p.type)
        .split(',')
        .map((t) => A[t] ?? t)
        .join(' or ');
      if (secretPath(path) && (e.parentSchema as SchemaNode | undefined)?.properties?.env)
        return { path, position: positionAt(src, path), message: `is ${A[jsonType(value)] ?? jsonType(value)}, but a credential must be a reference to a secret, never the secret itself. Write { env: NAME } (an environment variable where Terraform runs) or { tfvar: NAME } (a sensitive Terraform variable), and keep the secret out of the recipe.` };
      return { path, position: positionAt(src, path), message: `is ${A[jsonType(value)] ?? jsonType(value)}, but must be ${expected}${about}. Write ${expected} here.` };
    }
    case 'enum': {
      const allowed = ((p.allowedValues as unknown[]) ?? []).map(String);
      return { path, position: positionAt(src, path), message: `${shown(value, path)} is not allowed here.${typeof value === 'string' ? didYouMean(value, allowed) : ''} Write one of: ${allowed.join(', ')}.` };
    }
    case 'pattern':
    case 'minLength': {
      if (e.propertyName !== undefined) {
        const key = [...path, e.propertyName];
        return { path: key, position: positionAt(src, key, 'key'), message: `the id '${e.propertyName}' is not valid: ${desc || 'it must match ' + String(p.pattern)}. Rename it.` };
      }
      return { path, position: positionAt(src, path), message: `${shown(value, path)} is not valid${desc ? `: it must be ${desc}` : ''}. Write a valid value.` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, position: positionAt(src, path), message: `${shown(value, path)} is out of range: it must be ${String(p.comparison)} ${String(p.limit)}${about}.` };
    case 'minProperties':
    case 'maxProperties':
      return { path, position: positionAt(src, path), message: `must have ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(p.limit)} key${p.limit === 1 ? '' : 's'}${about}.` };
    case 'anyOf':
      return { path, position: positionAt(src, path), message: `is ${A[jsonType(value)] ?? jsonType(value)}, which is not allowed here. Write ${desc || 'a value the schema allows'}.` };
    default:
      return { path, position: positionAt(src, path), message: `${e.message ?? 'is not valid'}${about}.` };
  }
}

/** Every schema problem of a parsed recipe, in document order. */
export function checkSchema(src: RecipeSource): RecipeProblem[] {
  const validate = validator();
  if (validate(src.data)) return [];
  const errors = collapseAnyOf(validate.errors ?? [], src.data).filter((e) => e.keyword !== 'propertyNames');
  const problems = errors.map((e) => problemOf(src, e));
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const id = `${p.position.line}:${p.position.column}:${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
}
