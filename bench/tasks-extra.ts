/**
 * Benchmark tasks over the other commands: synthesis for the back-ends' own targets, and the
 * review of a plan and the status of a state that match a generated cloud. Each measures its
 * own JSON floor (parse and stringify of the bytes it reads) so the ratio is to its input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileCloud } from '../lib/compile';
import { generateCloud } from '../lib/testing/generate';
import { cachedOutput, registerTask, stackFiles } from './worker';

function jsonFloor(files: readonly string[]): number {
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const t0 = performance.now();
  for (const t of texts) JSON.stringify(JSON.parse(t));
  return performance.now() - t0;
}

/** Resolve `${terraform_data.X.id}` and `${var.X}` the way an apply would, for plans and states. */
function resolved(v: unknown): unknown {
  if (typeof v === 'string') {
    const r = /^\$\{terraform_data\.([^.]+)\.id\}$/.exec(v);
    if (r) return `id-${r[1]}`;
    return /^\$\{var\.[A-Za-z0-9_]+\}$/.test(v) ? '' : v;
  }
  if (Array.isArray(v)) return v.map(resolved);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolved(x)]));
  return v;
}

type Tf = { resource?: { terraform_data?: Record<string, { input: unknown; triggers_replace?: unknown }> } };

/** One plan JSON per stack that creates every resource: what the first `terraform plan` shows. */
export function cachedPlans(size: number, seed: number): string[] {
  const out = cachedOutput(size, seed);
  const dir = path.join(os.tmpdir(), `xos-bench-plans-${seed}-${size}`);
  if (fs.existsSync(dir)) return fs.readdirSync(dir).map((f) => path.join(dir, f));
  fs.mkdirSync(dir + '.tmp', { recursive: true });
  for (const f of stackFiles(out)) {
    const stack = path.basename(path.dirname(f));
    const tf = JSON.parse(fs.readFileSync(f, 'utf8')) as Tf;
    const changes = Object.entries(tf.resource?.terraform_data ?? {}).map(([name, body]) => ({
      address: `terraform_data.${name}`,
      mode: 'managed',
      type: 'terraform_data',
      name,
      provider_name: 'terraform.io/builtin/terraform',
      change: {
        actions: ['create'],
        before: null,
        after: { input: resolved(body.input), triggers_replace: body.triggers_replace ? resolved(body.triggers_replace) : null },
        after_unknown: { id: true, output: true },
        before_sensitive: false,
        after_sensitive: body.triggers_replace ? { triggers_replace: true } : {},
      },
    }));
    fs.writeFileSync(path.join(dir + '.tmp', `${stack}.plan.json`), JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: changes, applyable: true, complete: true, errored: false }));
  }
  fs.renameSync(dir + '.tmp', dir);
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}

/** One raw v4 state per stack holding every resource as an apply leaves it. */
export function cachedStates(size: number, seed: number): string[] {
  const out = cachedOutput(size, seed);
  const dir = path.join(os.tmpdir(), `xos-bench-states-${seed}-${size}`);
  if (fs.existsSync(dir)) return fs.readdirSync(dir).map((f) => path.join(dir, f));
  fs.mkdirSync(dir + '.tmp', { recursive: true });
  for (const f of stackFiles(out)) {
    const stack = path.basename(path.dirname(f));
    const tf = JSON.parse(fs.readFileSync(f, 'utf8')) as Tf;
    const resources = Object.entries(tf.resource?.terraform_data ?? {}).map(([name, body]) => {
      const input = resolved(body.input);
      return {
        mode: 'managed',
        type: 'terraform_data',
        name,
        provider: 'provider["terraform.io/builtin/terraform"]',
        instances: [
          {
            schema_version: 0,
            attributes: { id: `id-${name}`, input: { value: input, type: ['object', {}] }, output: { value: input, type: ['object', {}] }, triggers_replace: body.triggers_replace ? { value: resolved(body.triggers_replace), type: ['object', {}] } : null },
            sensitive_attributes: [],
          },
        ],
      };
    });
    fs.writeFileSync(path.join(dir + '.tmp', `terraform.${stack}.tfstate`), JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: `bench-${stack}`, outputs: {}, resources, check_results: null }));
  }
  fs.renameSync(dir + '.tmp', dir);
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
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

registerTask('review', (size, seed) => {
  const files = cachedPlans(size, seed);
  const modelFile = path.join(cachedOutput(size, seed), 'xos-model.json');
  const { readPlanFile } = require('../lib/plan/index') as typeof import('../lib/plan/index');
  const { buildReview, renderMarkdown, readModelFile } = require('../lib/review/index') as typeof import('../lib/review/index');
  const t0 = performance.now();
  const head = readModelFile(modelFile);
  const plans = files.map((f) => ({ plan: readPlanFile(f) }));
  const review = buildReview({ plans, head, target: 'local' });
  const md = renderMarkdown(review);
  const ms = performance.now() - t0;
  const floorMs = jsonFloor([...files, modelFile]);
  const changes = review.summary ? JSON.stringify(review.summary).length : 0;
  void changes;
  return { ms, resources: plans.reduce((n, p) => n + p.plan.changes.length, 0), extra: { floorMs: Math.round(floorMs), vsOwnFloor: +(ms / Math.max(1, floorMs)).toFixed(2), markdownChars: md.length } };
});

registerTask('status', async (size, seed) => {
  const files = cachedStates(size, seed);
  const out = cachedOutput(size, seed);
  const modelFile = path.join(out, 'xos-model.json');
  const { computeStatus, readModelFile } = require('../lib/drift/status') as typeof import('../lib/drift/status');
  const t0 = performance.now();
  const declared = readModelFile(modelFile);
  const report = await computeStatus({ declared, outdir: out, target: 'local', states: files.map((file) => ({ stack: path.basename(file).replace(/^terraform\.|\.tfstate$/g, ''), file })) });
  const ms = performance.now() - t0;
  const floorMs = jsonFloor([...files, modelFile]);
  const t = report.totals;
  const differs = t.failed + t.drifted + t.pending + t.orphaned;
  const resources = files.reduce((n, f) => n + (JSON.parse(fs.readFileSync(f, 'utf8')) as { resources: unknown[] }).resources.length, 0);
  return { ms, resources, extra: { floorMs: Math.round(floorMs), vsOwnFloor: +(ms / Math.max(1, floorMs)).toFixed(2), inSync: t['in-sync'], differs, objects: t.objects } };
});
