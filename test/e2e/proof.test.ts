/**
 * The guide's definition of done for a target, end to end: Terraform has run what it writes
 * (init, validate, plan, apply against the provider harness), and that very output is proven by
 * `xos verify` to let through exactly what the model declares. For the examples with private
 * tenancies and random clouds with the auto target (OpenStack and EC2 back-ends), the folder
 * Terraform applied is the folder verify reads; and an edit Terraform accepts without a word
 * (a tenancy's rule deleted) is what verify refuses.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { startHarnessProcess, type Harness } from '../../lib/rehearse/harness';
import { rehearse } from '../../lib/rehearse/run';
import { centralOfficeCopy } from '../helpers/examples';
import { cloudSpec } from '../helpers/random-cloud';
import { describeWith, tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(program: string, out: string): void {
  const r = xos(['synth', program, '--out', out, '--target', 'auto', '--transpile-only']);
  if (r.code !== 0) throw new Error(`xos synth ${program} failed:\n${r.stdout}${r.stderr}`);
}

function stackFile(dir: string, stack: string): string {
  return path.join(dir, 'stacks', stack, 'cdk.tf.json');
}

describeWith('terraform', 'what Terraform applies is what xos verify proves', () => {
  const work = tmpDir('xos-proof-e2e-');
  let h: Harness;

  beforeAll(async () => {
    h = await startHarnessProcess({ dir: path.join(work, 'harness') });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Rehearse an output folder (every stack applied) and check the scratch copies are that output, byte for byte. */
  async function applied(out: string, scratch: string, harness: Harness = h): Promise<string[]> {
    const r = await rehearse({ outdir: out, scratch, harness, parallelism: 2 });
    expect(r.stacks.filter((s) => s.status !== 'applied').map((s) => ({ stack: s.stack, problem: s.problem }))).toEqual([]);
    for (const s of r.stacks) expect({ stack: s.stack, same: fs.readFileSync(stackFile(scratch, s.stack), 'utf8') === fs.readFileSync(stackFile(out, s.stack), 'utf8') }).toEqual({ stack: s.stack, same: true });
    return r.stacks.map((s) => s.stack);
  }

  function verified(out: string): Json {
    const v = xos(['verify', out, '--json']);
    const doc = JSON.parse(v.stdout) as Json;
    expect({ code: v.code, violations: doc.violations }).toEqual({ code: 0, violations: [] });
    expect(doc.ok).toBe(true);
    for (const row of doc.summary) expect({ name: row.name, missing: row.missing, extra: row.extra, admitted: row.admitted }).toEqual({ name: row.name, missing: 0, extra: 0, admitted: row.intended });
    return doc;
  }

  const privateTenancies = (out: string) => (JSON.parse(fs.readFileSync(path.join(out, 'xos-model.json'), 'utf8')).tenants as Json[]).filter((t) => t.connect === 'shared-private' || t.connect === 'interconnect-private').map((t) => t.key as string);

  test.each(['central-office', 'opencloud'])('%s: every stack applied by Terraform, and the same output verified clean, private tenancies included', async (example) => {
    const out = path.join(work, example, 'out');
    // central-office with three of its thousand generated subscribers besides its named ones:
    // their records carry no packets, and Terraform takes minutes over four thousand of them.
    synth(example === 'central-office' ? centralOfficeCopy(path.join(work, 'co-program'), 3) : `examples/${example}`, out);
    expect(privateTenancies(out).length).toBeGreaterThan(0);
    const stacks = await applied(out, path.join(work, example, 'scratch'));
    const doc = verified(out);
    // The proof read the stacks Terraform applied, OpenStack and AWS ones among them.
    expect(doc.stacks.map((s: Json) => s.name)).toEqual(expect.arrayContaining(stacks));
    expect([...new Set(doc.stacks.filter((s: Json) => stacks.includes(s.name)).map((s: Json) => s.target))]).toEqual(expect.arrayContaining(example === 'opencloud' ? ['openstack', 'aws'] : ['openstack']));
    for (const t of privateTenancies(out)) expect(doc.summary.find((row: Json) => row.name === t)?.intended).toBeGreaterThan(0);
  });

  test('random valid clouds with the auto target (OpenStack and EC2 back-ends, private tenancies): applied by Terraform, verified clean', async () => {
    const helper = path.resolve(__dirname, '..', 'helpers', 'random-cloud');
    const programs: string[] = [];
    for (const [i, spec] of fc.sample(cloudSpec(3), { numRuns: 2, seed: 20261204 }).entries()) {
      const file = path.join(work, `random-${i}.ts`);
      fs.writeFileSync(file, `import * as xos from 'xos';\nimport { buildCloud } from ${JSON.stringify(helper)};\nbuildCloud(${JSON.stringify(spec)}, xos).cloud.synth();\n`);
      programs.push(file);
    }
    const ec2 = path.join(work, 'random-ec2.ts');
    fs.writeFileSync(ec2, `import { generateCloud } from ${JSON.stringify(path.join(ROOT, 'bench', 'generate'))};\ngenerateCloud({ seed: 11, resources: 80, sitesPerDeployment: 2, backend: 'ec2' }).synth();\n`);
    programs.push(ec2);
    const targets = new Set<string>();
    let privates = 0;
    for (const [i, program] of programs.entries()) {
      const out = path.join(work, `random-${i}-out`);
      // A model that validates synthesizes (TGT-001): no refusal to skip here.
      synth(program, out);
      privates += privateTenancies(out).length;
      // Each cloud in clouds of its own (names of different programs would meet in one).
      const own = await startHarnessProcess({ dir: path.join(work, `random-${i}-harness`) });
      try {
        await applied(out, path.join(work, `random-${i}-scratch`), own);
      } finally {
        await own.stop();
      }
      for (const s of verified(out).stacks) targets.add(s.target);
    }
    expect([...targets]).toEqual(expect.arrayContaining(['openstack', 'aws']));
    expect(privates).toBeGreaterThan(0);
  });

  test("a tenancy's rule deleted: Terraform plans and applies the edited stack without a word, and xos verify names the flow it no longer admits", async () => {
    const out = path.join(work, 'central-office', 'out');
    const edited = path.join(work, 'edited');
    fs.cpSync(out, edited, { recursive: true });
    const file = stackFile(edited, 'co1-openstack');
    const tf = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    const rules = tf.resource.openstack_networking_secgroup_rule_v2 as Json;
    expect(rules['secrule_vOLT__tenant-of-vCPE__udp-67']).toBeDefined();
    delete rules['secrule_vOLT__tenant-of-vCPE__udp-67'];
    fs.writeFileSync(file, JSON.stringify(tf, null, 2));
    await applied(edited, path.join(work, 'edited-scratch'));
    const v = xos(['verify', edited]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^FLOW-001 error vOLT\/tenant-of-vCPE: shared-private tenancy vOLT\/tenant-of-vCPE: .* on udp\/67: no ingress rule of /m);
    expect(v.stdout).not.toMatch(/^FLOW-002/m);
  });
});
