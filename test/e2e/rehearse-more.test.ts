/**
 * End to end against the provider harness, beyond the examples' own rehearsals: `cdktf
 * deploy` of opencloud with the auto target, as a cdktf user runs it (every OpenStack and AWS
 * stack, the S3 stack first), and random valid clouds through `xos rehearse`, awkward names
 * and external S3 tenancies included, each in sync afterwards.
 */
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { startHarnessProcess, terraformEnv, type Harness } from '../../lib/rehearse/harness';
import { placeholder, rehearse } from '../../lib/rehearse/run';
import { cloudSpec } from '../helpers/random-cloud';
import { describeWith, tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');

describeWith('terraform', 'cdktf deploy and random clouds against the provider harness', () => {
  const work = tmpDir('xos-rehearse-more-');
  let h: Harness;

  beforeAll(async () => {
    h = await startHarnessProcess({ dir: path.join(work, 'harness') });
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('cdktf deploy of opencloud with the auto target: every stack applied by cdktf, in its order, and xos status in sync', () => {
    // A project of the user's own: the program, a cdktf.json, and the library installed by name.
    const project = path.join(work, 'opencloud');
    fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'examples', 'opencloud', 'main.ts'), path.join(project, 'main.ts'));
    fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'xos'));
    const tsNode = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true } }));
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `node ${tsNode} --transpile-only main.ts`, output: 'cdktf.out', sendCrashReports: 'false', terraformProviders: [], terraformModules: [] }));
    // The credentials the stacks ask for, as placeholders (cdktf passes the environment to Terraform).
    const synth = xos(['synth', 'examples/opencloud', '--out', path.join(work, 'names'), '--transpile-only']);
    expect(synth.code).toBe(0);
    const vars: Record<string, string> = {};
    for (const s of fs.readdirSync(path.join(work, 'names', 'stacks')))
      for (const v of Object.keys(JSON.parse(fs.readFileSync(path.join(work, 'names', 'stacks', s, 'cdk.tf.json'), 'utf8')).variable ?? {})) vars[`TF_VAR_${v}`] = placeholder(v);
    const cdktf = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
    // The attached harness is not installed in the stacks, so there is nothing for `terraform providers lock` to lock.
    const r = spawnSync(cdktf, ['deploy', '*', '--auto-approve', '--parallelism', '2', '--skip-provider-lock'], {
      cwd: project,
      env: terraformEnv(h, process.env, { ...vars, CI: '1', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: '1' }),
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const stacks = fs.readdirSync(path.join(project, 'cdktf.out', 'stacks')).sort();
    expect(stacks).toHaveLength(12);
    expect({ code: r.status, tail: (r.stdout + r.stderr).slice(-3000) }).toEqual({ code: 0, tail: expect.stringContaining('Apply complete!') });
    for (const s of stacks) {
      // The auto target's own state, apart from the local target's (terraform.<stack>.tfstate).
      const state = JSON.parse(fs.readFileSync(path.join(project, `terraform.${s}.auto.tfstate`), 'utf8'));
      const declared = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', s, 'cdk.tf.json'), 'utf8'));
      const managed = Object.values((declared.resource ?? {}) as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);
      expect({ stack: s, managed: state.resources.filter((x: { mode: string }) => x.mode === 'managed').length }).toEqual({ stack: s, managed });
    }
    const status = xos(['status', path.join(project, 'cdktf.out')]);
    expect({ code: status.code, last: status.stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: expect.stringMatching(/all in sync$/) });
  });

  test('random valid clouds (awkward names, tenancies of every kind, an external S3 service, EC2 back-ends) rehearse, and are in sync afterwards', async () => {
    const helper = path.resolve(__dirname, '..', 'helpers', 'random-cloud');
    const programs: string[] = [];
    for (const [i, spec] of fc.sample(cloudSpec(3), { numRuns: 2, seed: 20261203 }).entries()) {
      const file = path.join(work, `random-${i}.ts`);
      fs.writeFileSync(file, `import * as xos from 'xos';\nimport { buildCloud } from ${JSON.stringify(helper)};\nbuildCloud(${JSON.stringify({ ...spec, external: true })}, xos).cloud.synth();\n`);
      programs.push(file);
    }
    // EC2 back-ends: the generator's clouds with every Controller an ec2 one.
    const ec2 = path.join(work, 'random-ec2.ts');
    fs.writeFileSync(ec2, `import { generateCloud } from ${JSON.stringify(path.join(ROOT, 'bench', 'generate'))};\ngenerateCloud({ seed: 7, resources: 80, sitesPerDeployment: 2, backend: 'ec2' }).synth();\n`);
    programs.push(ec2);
    let rehearsed = 0;
    for (const [i, program] of programs.entries()) {
      const out = path.join(work, `random-${i}-out`);
      const s = xos(['synth', program, '--out', out, '--target', 'auto', '--transpile-only']);
      // A real target may refuse what the rules allow (a public endpoint on a Slice without a Network): a usage error naming the fix.
      if (s.code !== 0) {
        expect(s.stderr).toMatch(/Add |Give |Use |Declare |Remove |connect /);
        continue;
      }
      const scratch = path.join(work, `random-${i}-scratch`);
      // Each cloud in clouds of its own (their S3 tenants' IAM users would share names in one account).
      const own = await startHarnessProcess({ dir: path.join(work, `random-${i}-harness`) });
      try {
        const r = await rehearse({ outdir: out, scratch, harness: own, parallelism: 2 });
        expect(r.stacks.filter((x) => x.status !== 'applied').map((x) => ({ stack: x.stack, problem: x.problem }))).toEqual([]);
      } finally {
        await own.stop();
      }
      const status = xos(['status', scratch]);
      expect({ program, code: status.code, last: status.stdout.trim().split('\n').pop() }).toEqual({ program, code: 0, last: expect.stringMatching(/all in sync$/) });
      rehearsed++;
    }
    expect(rehearsed).toBeGreaterThanOrEqual(2);
  });
});
