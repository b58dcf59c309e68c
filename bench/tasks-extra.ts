/**
 * Benchmark tasks over the other commands: synthesis for the back-ends' own targets, and the
 * review of a plan and the status of a state that match a generated cloud. Each has its own
 * JSON floor (`review-floor`, `status-floor`: parse and stringify of the bytes it reads),
 * measured in a process of its own as every task is, so that the ratio is to its input.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileCloud } from '../lib/compile';
import { generateCloud } from './generate';
import { cacheDir, cachedOutput, madeApart, registerCache, registerTask, stackFiles, type Variant } from './worker';

/**
 * JSON.parse and JSON.stringify of the files' text, one file at a time (as status and review
 * hold one state or plan text at a time); the time of reading each file is left out. Its
 * peak memory is that of the largest file, not of all of them at once.
 */
function jsonFloor(files: readonly string[]): { ms: number; resources: number; extra: Record<string, number> } {
  let ms = 0;
  let bytes = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    bytes += text.length;
    const t0 = performance.now();
    JSON.stringify(JSON.parse(text));
    ms += performance.now() - t0;
  }
  return { ms, resources: 0, extra: { bytes } };
}

/*
 * The plans and states the review and status tasks read are shaped as Terraform 1.11 writes
 * them for these stacks (checked against a real `terraform plan` / `terraform show -json` and
 * a real apply of a generated stack): plans with `planned_values`, `resource_changes`,
 * `configuration` and `relevant_attributes`; states with each dynamic value's type, the ids of
 * an apply, dependencies and sensitive attributes. Each JSON floor is of those bytes.
 */

type Body = { input: Record<string, unknown>; triggers_replace?: { secrets: Record<string, string> } };
type Tf = { resource?: { terraform_data?: Record<string, Body> }; variable?: Record<string, { type?: string; description?: string; default?: string; sensitive?: boolean }> };

/** A resource id as Terraform's terraform_data makes one (a UUID), stable for the name. */
function idOf(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const REF = /^\$\{terraform_data\.([^.]+)\.id\}$/;
const isRef = (v: unknown): v is string => typeof v === 'string' && v.startsWith('${');

/** A value as an apply resolves it: references to the referenced resource's id, variables to their (empty) default. */
function resolved(v: unknown): unknown {
  if (typeof v === 'string') {
    const r = REF.exec(v);
    if (r) return idOf(r[1]);
    return /^\$\{var\.[A-Za-z0-9_]+\}$/.test(v) ? '' : v;
  }
  if (Array.isArray(v)) return v.map(resolved);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolved(x)]));
  return v;
}

/** The known part of a value before apply: references unknown (left out of objects, null in lists). */
function known(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (isRef(x) ? null : known(x)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => !isRef(x)).map(([k, x]) => [k, known(x)]));
  return v;
}

/** `after_unknown` (`unknown`: references true) or `after_sensitive` (nothing marked) of a value: containers kept, scalars left out of objects. */
function marks(v: unknown, unknown: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => (isRef(x) ? unknown : x && typeof x === 'object' ? marks(x, unknown) : false));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as object)) {
    if (isRef(x)) {
      if (unknown) out[k] = true;
    } else if (x && typeof x === 'object') out[k] = marks(x, unknown);
  }
  return out;
}

/** Terraform's type of a JSON value, as a raw state writes it beside a dynamic value. */
function typeOf(v: unknown): unknown {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'dynamic';
  if (Array.isArray(v)) return ['tuple', v.map(typeOf)];
  return ['object', Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, typeOf(x)]))];
}

/** The resources `body` references (`terraform_data.NAME`), in order of appearance. */
function referencesOf(body: unknown, out: string[] = []): string[] {
  if (typeof body === 'string') {
    const r = REF.exec(body);
    if (r) out.push(`terraform_data.${r[1]}`);
  } else if (Array.isArray(body)) for (const x of body) referencesOf(x, out);
  else if (body && typeof body === 'object') for (const x of Object.values(body)) referencesOf(x, out);
  return out;
}

function readStack(f: string): { stack: string; tf: Tf; bodies: [string, Body][] } {
  const tf = JSON.parse(fs.readFileSync(f, 'utf8')) as Tf;
  return { stack: path.basename(path.dirname(f)), tf, bodies: Object.entries(tf.resource?.terraform_data ?? {}) };
}

/** Write each stack's file into a fresh folder, made once per size and seed. */
function cached(kind: 'plans' | 'states', size: number, seed: number, write: (stack: ReturnType<typeof readStack>, dir: string) => void, variant: Variant = 'cloud'): string[] {
  const dir = cacheDir(kind, size, seed, variant);
  if (!fs.existsSync(dir) && !madeApart(kind, size, seed, variant)) {
    fs.rmSync(dir + '.tmp', { recursive: true, force: true });
    fs.mkdirSync(dir + '.tmp', { recursive: true });
    for (const f of stackFiles(cachedOutput(size, seed, variant))) write(readStack(f), dir + '.tmp');
    fs.renameSync(dir + '.tmp', dir);
  }
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}

/** How a plan names a resource, in every section. */
function resourceHead(name: string) {
  return { address: `terraform_data.${name}`, mode: 'managed', type: 'terraform_data', name };
}

/** One plan JSON per stack that creates every resource: what `terraform show -json` of the first plan holds. */
export function cachedPlans(size: number, seed: number, variant: Variant = 'cloud'): string[] {
  return cached('plans', size, seed, ({ stack, tf, bodies }, dir) => {
    const provider = 'terraform.io/builtin/terraform';
    const secretsAfter = (b: Body) => (b.triggers_replace ? { secrets: resolved(b.triggers_replace.secrets) } : null);
    const secretMarks = (b: Body) => (b.triggers_replace ? { triggers_replace: { secrets: Object.fromEntries(Object.keys(b.triggers_replace.secrets).map((k) => [k, true])) } } : {});
    const referenced = new Set<string>();
    for (const [, b] of bodies) for (const r of referencesOf(b.input)) referenced.add(r);
    const plan = {
      format_version: '1.2',
      terraform_version: '1.11.4',
      variables: Object.fromEntries(Object.keys(tf.variable ?? {}).map((v) => [v, { value: '' }])),
      planned_values: {
        root_module: {
          resources: bodies.map(([name, b]) => ({
            ...resourceHead(name),
            provider_name: provider,
            schema_version: 0,
            values: { input: known(b.input), triggers_replace: secretsAfter(b) },
            sensitive_values: { input: marks(b.input, false), output: {}, ...secretMarks(b) },
          })),
        },
      },
      resource_changes: bodies.map(([name, b]) => ({
        ...resourceHead(name),
        provider_name: provider,
        change: {
          actions: ['create'],
          before: null,
          after: { input: known(b.input), triggers_replace: secretsAfter(b) },
          after_unknown: { id: true, input: marks(b.input, true), output: true, ...(b.triggers_replace ? { triggers_replace: { secrets: {} } } : {}) },
          before_sensitive: false,
          after_sensitive: { input: marks(b.input, false), output: {}, ...secretMarks(b) },
        },
      })),
      configuration: {
        provider_config: { terraform: { name: 'terraform', full_name: provider } },
        root_module: {
          resources: bodies.map(([name, b]) => {
            const refs = referencesOf(b.input);
            const secretRefs = b.triggers_replace ? Object.values(b.triggers_replace.secrets).map((v) => v.slice(2, -1)) : [];
            return {
              ...resourceHead(name),
              provider_config_key: 'terraform',
              expressions: {
                input: { constant_value: b.input, ...(refs.length ? { references: refs.flatMap((r) => [`${r}.id`, r]) } : {}) },
                ...(b.triggers_replace ? { triggers_replace: { constant_value: b.triggers_replace, references: secretRefs } } : {}),
              },
              schema_version: 0,
            };
          }),
          // As the configuration declares them (Terraform leaves the type out when it is the default).
          variables: Object.fromEntries(Object.entries(tf.variable ?? {}).map(([k, { type: _type, ...v }]) => [k, v])),
        },
      },
      relevant_attributes: [...referenced].sort().map((resource) => ({ resource, attribute: ['id'] })),
      timestamp: '2026-11-22T00:00:00Z',
      applyable: true,
      complete: true,
      errored: false,
    };
    fs.writeFileSync(path.join(dir, `${stack}.plan.json`), JSON.stringify(plan));
  }, variant);
}

/** One raw v4 state per stack holding every resource as an apply leaves it. */
export function cachedStates(size: number, seed: number, variant: Variant = 'cloud'): string[] {
  return cached('states', size, seed, ({ stack, bodies }, dir) => {
    const byName = new Map(bodies);
    // Terraform records every resource a resource depends on, directly or not.
    const deps = new Map<string, Set<string>>();
    const depsOf = (name: string): Set<string> => {
      let d = deps.get(name);
      if (d) return d;
      deps.set(name, (d = new Set()));
      for (const r of referencesOf(byName.get(name)?.input)) {
        d.add(r);
        for (const x of depsOf(r.slice('terraform_data.'.length))) d.add(x);
      }
      return d;
    };
    const dynamic = (v: unknown) => ({ value: v, type: typeOf(v) });
    const resources = bodies.map(([name, b]) => {
      const input = resolved(b.input);
      const secrets = b.triggers_replace ? Object.keys(b.triggers_replace.secrets).sort() : [];
      return {
        mode: 'managed',
        type: 'terraform_data',
        name,
        provider: 'provider["terraform.io/builtin/terraform"]',
        instances: [
          {
            schema_version: 0,
            attributes: { id: idOf(name), input: dynamic(input), output: dynamic(input), triggers_replace: b.triggers_replace ? dynamic(resolved(b.triggers_replace)) : null },
            sensitive_attributes: secrets.map((k) => [
              { type: 'get_attr', value: 'triggers_replace' },
              { type: 'get_attr', value: 'secrets' },
              { type: 'get_attr', value: k },
            ]),
            ...(depsOf(name).size ? { dependencies: [...depsOf(name)].sort() } : {}),
          },
        ],
      };
    });
    // Indented, as Terraform writes state files.
    fs.writeFileSync(path.join(dir, `terraform.${stack}.tfstate`), JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: `bench-${stack}`, outputs: {}, resources, check_results: null }, null, 2) + '\n');
  }, variant);
}

/** Compile and synthesize with `--target auto`: every generated Controller's back-end is `backend`. */
function synthAuto(size: number, seed: number, backend: 'openstack' | 'ec2') {
  const { synthesizeAtomically } = require('../lib/synth/output') as typeof import('../lib/synth/output');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-')), 'out');
  const t0 = performance.now();
  const c = compileCloud(generateCloud({ seed, resources: size, backend }));
  const t1 = performance.now();
  const result = synthesizeAtomically(c, { outdir: out, target: 'auto' });
  const ms = performance.now() - t0;
  const bytes = stackFiles(out).reduce((n, f) => n + fs.statSync(f).size, 0);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { ms, resources: c.layout.stacks.reduce((n, s) => n + s.resources.length, 0), extra: { compileMs: Math.round(t1 - t0), bytes, targets: [...new Set(result.stacks.map((s) => s.target ?? 'local'))].join('+') } };
}

registerTask('synth-openstack', (size, seed) => synthAuto(size, seed, 'openstack'));
registerTask('synth-aws', (size, seed) => synthAuto(size, seed, 'ec2'));

/** `xos review` over a plan per stack that creates every resource of the generated cloud of a variant. */
export function reviewTask(variant: Variant = 'cloud') {
  return (size: number, seed: number) => {
    const files = cachedPlans(size, seed, variant);
    const modelFile = path.join(cachedOutput(size, seed, variant), 'xos-model.json');
    const { readPlanFile } = require('../lib/plan/index') as typeof import('../lib/plan/index');
    const { buildReview, renderMarkdown, readModelFile } = require('../lib/review/index') as typeof import('../lib/review/index');
    const t0 = performance.now();
    const head = readModelFile(modelFile);
    const plans = files.map((f) => ({ plan: readPlanFile(f) }));
    const review = buildReview({ plans, head, target: 'local' });
    const md = renderMarkdown(review);
    const ms = performance.now() - t0;
    return { ms, resources: plans.reduce((n, p) => n + p.plan.changes.length, 0), extra: { markdownChars: md.length } };
  };
}

/** The review's floor: the plans and the model it reads. */
export function reviewFloorTask(variant: Variant = 'cloud') {
  return (size: number, seed: number) => jsonFloor([...cachedPlans(size, seed, variant), path.join(cachedOutput(size, seed, variant), 'xos-model.json')]);
}

/** `xos status` over a state per stack that holds every resource of the generated cloud of a variant. */
export function statusTask(variant: Variant = 'cloud') {
  return async (size: number, seed: number) => {
    const files = cachedStates(size, seed, variant);
    const out = cachedOutput(size, seed, variant);
    const modelFile = path.join(out, 'xos-model.json');
    const { computeStatus, readModelFile } = require('../lib/drift/status') as typeof import('../lib/drift/status');
    const t0 = performance.now();
    const declared = readModelFile(modelFile);
    const report = await computeStatus({ declared, outdir: out, target: 'local', states: files.map((file) => ({ stack: path.basename(file).replace(/^terraform\.|\.tfstate$/g, ''), file })) });
    const ms = performance.now() - t0;
    const t = report.totals;
    const differs = t.failed + t.drifted + t.pending + t.orphaned;
    const resources = report.stacks.reduce((n, st) => n + (st.state?.resources ?? 0), 0);
    return { ms, resources, extra: { inSync: t['in-sync'], differs, objects: t.objects } };
  };
}

/** Status's floor: the states and the model it reads. */
export function statusFloorTask(variant: Variant = 'cloud') {
  return (size: number, seed: number) => jsonFloor([...cachedStates(size, seed, variant), path.join(cachedOutput(size, seed, variant), 'xos-model.json')]);
}

registerCache('plans', cachedPlans);
registerCache('states', cachedStates);
registerTask('review', reviewTask());
registerTask('review-floor', reviewFloorTask());
registerTask('status', statusTask());
registerTask('status-floor', statusFloorTask());

/**
 * `xos synth --since`: the generated cloud with one more Sliver (in the first Slice, by key,
 * that has Slivers) compiled, synthesized and compared with the cloud's earlier output. Only
 * the stacks whose output changed are planned again: one, for one Sliver.
 */
registerTask('since', (size, seed) => {
  const { synthesizeAtomically } = require('../lib/synth/output') as typeof import('../lib/synth/output');
  const { compareStacks } = require('../lib/synth/since') as typeof import('../lib/synth/since');
  const { Slice } = require('../constructs/slice') as typeof import('../constructs/slice');
  const before = cachedOutput(size, seed);
  const after = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-')), 'out');
  const cloud = generateCloud({ seed, resources: size });
  const slice = cloud.node
    .findAll()
    .filter((c): c is InstanceType<typeof Slice> => c instanceof Slice && c.slivers.length > 0)
    .sort((a, b) => (a.node.path < b.node.path ? -1 : 1))[0];
  slice.addSliver('one-more', slice.slivers[0].placement);
  const t0 = performance.now();
  const c = compileCloud(cloud);
  synthesizeAtomically(c, { outdir: after, target: 'local' });
  const t1 = performance.now();
  const changes = compareStacks(before, after);
  const ms = performance.now() - t0;
  fs.rmSync(path.dirname(after), { recursive: true, force: true });
  return {
    ms,
    resources: c.layout.stacks.reduce((n, s) => n + s.resources.length, 0),
    extra: { compareMs: Math.round(performance.now() - t1), changed: changes.changed.length, added: changes.added.length, removed: changes.removed.length, unchanged: changes.unchanged.length },
  };
});
