import * as fs from 'fs';
import * as path from 'path';
import { compileCloud } from '../../lib/compile';
import { canonicalJson } from '../../lib/model/canonical';
import { synthesizeAtomically } from '../../lib/synth/output';
import { compareStacks } from '../../lib/synth/since';
import { generateCloud } from '../../lib/testing/generate';
import { runTask } from '../../bench/worker';
import { tmpDir } from '../helpers/tools';

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

  test('review over a matching plan sees every resource created and fits a comment', async () => {
    const m = await runTask('review', 300, 2);
    expect(m.resources).toBeGreaterThan(100);
    expect(Number(m.extra!.markdownChars)).toBeLessThanOrEqual(65536);
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
