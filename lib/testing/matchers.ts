/**
 * Jest matchers for xos programs (`Testing.setupJest()` adds them to `expect`):
 *
 * - on a TestCloud, a SynthError or a list of violations:
 *   `toHaveNoViolations()`, `toHaveViolation(id, path?)`;
 * - on a TestSynth (every stack) or a TestStack (one), whatever the target:
 *   `toHaveObject(key, kind?)`: some resource was made from that model object;
 *   `toHaveResource(type, properties?)`: a resource of that Terraform type whose JSON holds
 *   the properties (a partial, deep match, as cdktf's `toHaveResourceWithProperties`).
 */
import { formatViolation, type Violation } from '../rules/index';

interface HasViolations {
  readonly violations: readonly Violation[];
}
interface HasResources {
  resources(type?: string): { address: string; type: string; body: Readonly<Record<string, unknown>>; model?: string; kind?: string; stack?: string }[];
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function violationsOf(received: unknown): readonly Violation[] {
  if (Array.isArray(received)) return received as Violation[];
  const v = (received as HasViolations | undefined)?.violations;
  if (Array.isArray(v)) return v;
  throw new Error(`expected a TestCloud (Testing.load), a SynthError or a list of violations; got ${received === null ? 'null' : typeof received}.`);
}

function resourcesOf(received: unknown): ReturnType<HasResources['resources']> {
  if (received && typeof (received as HasResources).resources === 'function') return (received as HasResources).resources();
  throw new Error(`expected a TestSynth (testCloud.synth()) or a TestStack (synth.stack(name)); got ${received === null ? 'null' : typeof received}.`);
}

function listed(vs: readonly Violation[]): string {
  const order = (v: Violation) => (v.acknowledged ? 2 : v.severity === 'error' ? 0 : 1);
  return vs.length ? [...vs].sort((a, b) => order(a) - order(b)).map((v) => `  ${formatViolation(v)}`).join('\n') : '  (none)';
}

/** Does `actual` hold everything in `expected` (objects key by key, arrays element by element)? */
function holds(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => holds(actual[i], e));
  return Object.entries(expected).every(([k, v]) => holds((actual as Record<string, unknown>)[k], v));
}

export const matchers = {
  /** No violation that counts: every error and warning is acknowledged (acknowledged ones are allowed). */
  toHaveNoViolations(received: unknown): MatcherResult {
    const counting = violationsOf(received).filter((v) => !v.acknowledged);
    return {
      pass: counting.length === 0,
      message: () => (counting.length ? `expected no violations, found ${counting.length}:\n${listed(counting)}` : 'expected violations, found none'),
    };
  },

  /** A violation of rule `id` (on the object at `path`, when given: a key, or a RegExp over keys). */
  toHaveViolation(received: unknown, id: string, path?: string | RegExp): MatcherResult {
    const all = violationsOf(received);
    const hit = all.filter((v) => v.id === id && (path === undefined || (typeof path === 'string' ? v.path === path : path.test(v.path))));
    const what = `${id}${path === undefined ? '' : ` on ${String(path)}`}`;
    return {
      pass: hit.length > 0,
      message: () => (hit.length ? `expected no ${what}, found:\n${listed(hit)}` : `expected ${what}; the violations are:\n${listed(all)}`),
    };
  },

  /** Some resource (of any target) was made from the model object `key` (of layout kind `kind`, when given: `sliver`, `network` ...). */
  toHaveObject(received: unknown, key: string, kind?: string): MatcherResult {
    const all = resourcesOf(received);
    const hit = all.filter((r) => r.model === key && (kind === undefined || r.kind === kind.toLowerCase()));
    const what = `${kind ? `${kind} ` : ''}${key}`;
    const keys = [...new Set(all.map((r) => r.model).filter((m): m is string => !!m))].sort();
    return {
      pass: hit.length > 0,
      message: () =>
        hit.length
          ? `expected no resource made from ${what}, found: ${hit.map((r) => `${r.stack ? `${r.stack}: ` : ''}${r.address}`).join(', ')}`
          : `expected a resource made from ${what}; the objects with resources are: ${keys.slice(0, 50).join(', ')}${keys.length > 50 ? ', ...' : ''}`,
    };
  },

  /** A resource of Terraform type `type` whose JSON holds `properties` (partially, deeply). */
  toHaveResource(received: unknown, type: string, properties?: Record<string, unknown>): MatcherResult {
    const ofType = resourcesOf(received).filter((r) => r.type === type);
    const hit = properties === undefined ? ofType : ofType.filter((r) => holds(r.body, properties));
    const what = `a ${type}${properties ? ` with ${JSON.stringify(properties)}` : ''}`;
    return {
      pass: hit.length > 0,
      message: () =>
        hit.length
          ? `expected no ${type}${properties ? ` with ${JSON.stringify(properties)}` : ''}, found: ${hit.map((r) => r.address).join(', ')}`
          : `expected ${what}; found ${ofType.length} ${type}${ofType.length ? `: ${ofType.slice(0, 10).map((r) => r.address).join(', ')}` : ''}`,
    };
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** No violation that counts (acknowledged ones are allowed). On a TestCloud, a SynthError or a list of violations. */
      toHaveNoViolations(): R;
      /** A violation of rule `id`, on the object at `path` when given. On a TestCloud, a SynthError or a list of violations. */
      toHaveViolation(id: string, path?: string | RegExp): R;
      /** Some resource (of any target) was made from the model object `key`. On a TestSynth or a TestStack. */
      toHaveObject(key: string, kind?: string): R;
      /** A resource of Terraform type `type` whose JSON holds `properties`. On a TestSynth or a TestStack. */
      toHaveResource(type: string, properties?: Record<string, unknown>): R;
    }
  }
}
