import * as fs from 'fs';
import * as path from 'path';
import { compileCloud } from '../../lib/compile';
import { canonicalJson } from '../../lib/model/canonical';
import { synthesizeAtomically } from '../../lib/synth/output';
import { compareStacks } from '../../lib/synth/since';
import { generateCloud } from '../../bench/generate';
import { runTask } from '../../bench/worker';
import { describeWith, terraform, tmpDir } from '../helpers/tools';

describe('the cloud generator', () => {
  test.each([300, 2000])('makes a valid cloud of about %i resources', (size) => {
    const c = compileCloud(generateCloud({ seed: 7, resources: size }));
    expect(c.violations).toEqual([]);
    const n = c.layout.stacks.reduce((a, s) => a + s.resources.length, 0);
    expect(n).toBeGreaterThan(size * 0.5);
    expect(n).toBeLessThan(size * 1.5);
  });

  test('is deterministic from its seed, and differs across seeds', () => {
    const a = canonicalJson(compileCloud(generateCloud({ seed: 3, resources: 800 })).built.model);
    const b = canonicalJson(compileCloud(generateCloud({ seed: 3, resources: 800 })).built.model);
    const c = canonicalJson(compileCloud(generateCloud({ seed: 4, resources: 800 })).built.model);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  test('makes a valid cloud on EC2 back-ends too, with the same layout', () => {
    const ec2 = compileCloud(generateCloud({ seed: 7, resources: 600, backend: 'ec2' }));
    const os = compileCloud(generateCloud({ seed: 7, resources: 600 }));
    expect(ec2.violations).toEqual([]);
    expect(ec2.layout.stacks.map((s) => s.backend)).toEqual(os.layout.stacks.map(() => 'ec2'));
    expect(ec2.layout.stacks.map((s) => s.resources.length)).toEqual(os.layout.stacks.map((s) => s.resources.length));
  });

  test('uses every connect mode', () => {
    const m = compileCloud(generateCloud({ seed: 1, resources: 3000 })).built.model;
    expect(new Set(m.tenants.map((t) => t.connect))).toEqual(new Set(['public', 'shared-private', 'interconnect-private']));
  });
});

describe('the benchmark tasks (smallest size, no timing asserted)', () => {
  test('synth-local and the plain cdktf baseline declare the same resources, and the floor reads the same bytes', async () => {
    const ours = await runTask('synth-local', 300, 1);
    const plain = await runTask('plain-cdktf', 300, 1);
    const floor = await runTask('floor', 300, 1);
    expect(ours.resources).toBe(plain.resources);
    expect(ours.resources).toBeGreaterThan(100);
    expect(Number(floor.extra!.bytes)).toBeGreaterThan(0);
    for (const m of [ours, plain, floor]) {
      expect(m.ms).toBeGreaterThanOrEqual(0);
      expect(m.maxRssMb).toBeGreaterThan(0);
    }
  });

  test('compile reports validation time apart', async () => {
    const m = await runTask('compile', 300, 1);
    expect(m.extra).toEqual(expect.objectContaining({ validateMs: expect.any(Number), buildMs: expect.any(Number) }));
  });
});

describe('the benchmark tasks over status and review (smallest size)', () => {
  beforeAll(() => {
    require('../../bench/tasks-extra');
  });

  test('status over a matching state finds every object in sync', async () => {
    const m = await runTask('status', 300, 2);
    expect(m.extra).toEqual(expect.objectContaining({ differs: 0 }));
    expect(Number(m.extra!.inSync)).toBe(Number(m.extra!.objects));
    expect(Number(m.extra!.inSync)).toBeGreaterThan(50);
  });

  test('synth-openstack and synth-aws write every generated stack with its back-end\'s own target', async () => {
    const os = await runTask('synth-openstack', 300, 1);
    const aws = await runTask('synth-aws', 300, 1);
    expect(os.extra!.targets).toBe('openstack');
    expect(aws.extra!.targets).toBe('aws');
    expect(aws.resources).toBe(os.resources);
    expect(Number(os.extra!.bytes)).toBeGreaterThan(0);
    expect(Number(aws.extra!.bytes)).toBeGreaterThan(0);
  });

  test('since: one more Sliver changes the output of exactly one stack', async () => {
    const m = await runTask('since', 2000, 2);
    expect(m.extra).toEqual(expect.objectContaining({ changed: 1, added: 0, removed: 0 }));
    expect(Number(m.extra!.unchanged)).toBeGreaterThan(0);
  });

  test('review over a matching plan sees every resource created and fits a comment', async () => {
    const m = await runTask('review', 300, 2);
    expect(m.resources).toBeGreaterThan(100);
    expect(Number(m.extra!.markdownChars)).toBeLessThanOrEqual(65536);
  });
});

describeWith('terraform', "the bench's plans and states are the ones Terraform writes", () => {
  // One generated stack planned and applied by the real terraform; the bench's synthetic plan
  // and state for it must hold the same, so that its JSON floors are those of real files.
  const { cachedPlans, cachedStates } = require('../../bench/tasks-extra') as typeof import('../../bench/tasks-extra');
  const { cachedOutput } = require('../../bench/worker') as typeof import('../../bench/worker');
  type Json = Record<string, any>;
  const read = (f: string): Json => JSON.parse(fs.readFileSync(f, 'utf8'));
  let real: { plan: Json; state: Json };
  let stack: string;

  beforeAll(() => {
    const out = cachedOutput(300, 2);
    const stacks = fs.readdirSync(path.join(out, 'stacks'));
    // A stack with secrets (variables) and references, as most are.
    stack = stacks.find((s) => JSON.stringify(read(path.join(out, 'stacks', s, 'cdk.tf.json'))).includes('"variable"'))!;
    const dir = tmpDir();
    const sd = path.join(dir, 'out', 'stacks', stack);
    fs.mkdirSync(sd, { recursive: true });
    fs.copyFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), path.join(sd, 'cdk.tf.json'));
    terraform(sd, ['init', '-input=false']);
    terraform(sd, ['plan', '-input=false', '-out', 'p.bin']);
    const plan = JSON.parse(terraform(sd, ['show', '-json', 'p.bin']));
    terraform(sd, ['apply', '-input=false', 'p.bin']);
    real = { plan, state: read(path.join(dir, `terraform.${stack}.tfstate`)) };
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  test('the plan: every section as terraform show -json writes it', () => {
    const syn = read(cachedPlans(300, 2).find((f) => path.basename(f) === `${stack}.plan.json`)!);
    expect(Object.keys(syn).sort()).toEqual(Object.keys(real.plan).sort());
    for (const k of ['variables', 'planned_values', 'resource_changes', 'configuration', 'applyable', 'complete', 'errored', 'format_version']) expect([k, syn[k]]).toEqual([k, real.plan[k]]);
    const attrs = (p: Json) => p.relevant_attributes.map((r: Json) => JSON.stringify(r)).sort();
    expect(attrs(syn)).toEqual(attrs(real.plan));
  });

  test('the state: the same resources, values, types, dependencies and sensitive attributes (ids aside)', () => {
    const syn = read(cachedStates(300, 2).find((f) => path.basename(f) === `terraform.${stack}.tfstate`)!);
    // Terraform's ids are random: each is replaced by the synthetic id of the same resource.
    const ids = new Map<string, string>();
    const synById = new Map<string, Json>(syn.resources.map((r: Json) => [r.name, r]));
    for (const r of real.state.resources) ids.set(r.instances[0].attributes.id, synById.get(r.name)?.instances[0].attributes.id);
    const swap = (v: unknown): unknown => (typeof v === 'string' ? ids.get(v) ?? v : Array.isArray(v) ? v.map(swap) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)])) : v);
    // Sensitive paths are a set: Terraform writes them in no particular order.
    const byName = (s: Json) =>
      Object.fromEntries(s.resources.map((r: Json) => [r.name, { ...r, instances: r.instances.map((i: Json) => ({ ...i, sensitive_attributes: i.sensitive_attributes.map((p: unknown) => JSON.stringify(p)).sort() })) }]));
    expect(byName(syn)).toEqual(byName(swap(real.state) as Json));
    expect(Object.keys(syn).sort()).toEqual(Object.keys(real.state).sort());
  });
});

describe('only what changed is planned again', () => {
  test('a one-Sliver change re-plans exactly one stack', () => {
    const dir = tmpDir();
    const before = path.join(dir, 'before');
    const after = path.join(dir, 'after');
    synthesizeAtomically(compileCloud(generateCloud({ seed: 5, resources: 3000 })), { outdir: before, target: 'local' });
    const cloud = generateCloud({ seed: 5, resources: 3000 });
    const slice = cloud.node.findChild('site-3').node.findChild('slice-0') as unknown as { addSliver(id: string, p: unknown): void; slivers: { placement: unknown }[] };
    slice.addSliver('one-more', slice.slivers[0].placement);
    synthesizeAtomically(compileCloud(cloud), { outdir: after, target: 'local' });
    const changes = compareStacks(before, after);
    expect(changes.changed).toEqual(['ctl-0']);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    expect(changes.unchanged.length).toBe(fs.readdirSync(path.join(after, 'stacks')).length - 1);
  });
});

describe('the central-office generator and the tasks at instance sizes (smallest size, no timing asserted)', () => {
  beforeAll(() => {
    require('../../bench/tasks-extra');
    require('../../bench/tasks-instances');
  });

  test('makes valid offices of 10,000 subscribers each, every subscriber a chain of three instances', () => {
    const { generateOffices } = require('../../bench/generate') as typeof import('../../bench/generate');
    const c = compileCloud(generateOffices({ seed: 2, subscribers: 250, perOffice: 100 }));
    expect(c.violations).toEqual([]);
    expect(c.layout.stacks.map((s) => s.name)).toEqual(['co0-head', 'co1-head', 'co2-head']);
    expect(c.built.model.instances).toHaveLength(750);
    expect(c.built.model.instances.filter((i) => i.provider === 'vBNG-co2')).toHaveLength(50);
  });

  test('synthesis, plain cdktf, status and review run over the offices, on the same resources', async () => {
    const ours = await runTask('instances-synth', 200, 1);
    const plain = await runTask('instances-plain-cdktf', 200, 1);
    expect(ours.resources).toBe(plain.resources);
    expect(ours.resources).toBeGreaterThan(600);
    const status = await runTask('instances-status', 200, 1);
    expect(status.extra).toMatchObject({ differs: 0 });
    const review = await runTask('instances-review', 200, 1);
    expect(review.resources).toBe(ours.resources);
  });

  test('one office of all the subscribers: the central-office recipe with its CSV, synthesized by xos synth', async () => {
    const m = await runTask('instances-one-office', 50, 1);
    // 50 from the CSV and the recipe's three named subscribers, each a chain of four; the CDN's one.
    expect(m.extra).toMatchObject({ stacks: 1, instances: 4 * 53 + 1 });
    expect(m.resources).toBeGreaterThan(4 * 53);
  });

  test('one more subscriber re-plans one stack and adds only its three records', async () => {
    const m = await runTask('instances-since', 200, 1);
    expect(m.extra).toMatchObject({ changed: 1, added: 0, removed: 0, resourcesAdded: 3, resourcesChanged: 0, resourcesRemoved: 0, notTheSubscribers: 0 });
  });
});
