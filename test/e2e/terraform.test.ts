/**
 * End to end: synthesize central-office for the local target and run real terraform in
 * every stack; then `cdktf deploy` one stack as a cdktf user would.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { centralOfficeCopy } from '../helpers/examples';
import { describeWith, terraform, terraformEnv, tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');

describeWith('terraform', 'central-office through real terraform (init, plan, apply)', () => {
  const work = tmpDir('xos-e2e-');
  const out = path.join(work, 'out');
  // Inside the repository, so that the program resolves the library as the example does; with
  // two of the thousand generated subscribers (terraform applies four thousand resources slowly).
  const program = centralOfficeCopy(path.join(ROOT, 'test', '.tmp', `e2e-${process.pid}`), 2);
  let stacks: string[] = [];

  beforeAll(() => {
    const r = xos(['synth', program, '--out', out, '--target', 'local']);
    if (r.code !== 0) throw new Error(r.stdout + r.stderr);
    stacks = fs.readdirSync(path.join(out, 'stacks')).sort();
  });
  afterAll(() => fs.rmSync(program, { recursive: true, force: true }));

  test('synthesizes one stack per Controller (the abstract subscriber Service has none)', () => {
    expect(stacks).toEqual(['co1-openstack']);
  });

  test('every stack initializes, plans and applies offline, and then plans no change', () => {
    for (const stack of stacks) {
      const dir = path.join(out, 'stacks', stack);
      const declared = Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).resource.terraform_data).length;
      terraform(dir, ['init', '-input=false', '-no-color']);
      const plan = terraform(dir, ['plan', '-input=false', '-no-color', '-out=plan.tfplan']);
      expect(plan).toContain(`Plan: ${declared} to add, 0 to change, 0 to destroy.`);
      const apply = terraform(dir, ['apply', '-input=false', '-no-color', 'plan.tfplan']);
      expect(apply).toContain(`Apply complete! Resources: ${declared} added, 0 changed, 0 destroyed.`);
      // State lives beside the output directory, so a new synth never replaces it.
      const state = JSON.parse(fs.readFileSync(path.join(work, `terraform.${stack}.tfstate`), 'utf8'));
      expect(state.resources.filter((r: { type: string }) => r.type === 'terraform_data')).toHaveLength(declared);
      const again = spawnSync('terraform', ['plan', '-input=false', '-no-color', '-detailed-exitcode'], { cwd: dir, env: terraformEnv(), encoding: 'utf8' });
      expect({ code: again.status, out: again.stdout.includes('No changes.') }).toEqual({ code: 0, out: true });
    }
  });

  test('terraform orders creation by the real references: a port after its Sliver and Network', () => {
    const state = JSON.parse(fs.readFileSync(path.join(work, 'terraform.co1-openstack.tfstate'), 'utf8'));
    const port = state.resources.find((r: { name: string }) => r.name.startsWith('port_co1__vcpe__cpe-1'));
    expect(port.instances[0].dependencies).toEqual(expect.arrayContaining(['terraform_data.sliver_co1__vcpe__cpe-1', expect.stringMatching(/^terraform_data\.network_co1__/)]));
  });
});

describeWith('terraform', 'cdktf deploy of one central-office stack', () => {
  test('cdktf deploy runs the program through cdktf.json and applies the stack with the terraform on the PATH', () => {
    // A project of the user's own: the program, a cdktf.json, and the library installed by name.
    const project = centralOfficeCopy(tmpDir('xos-cdktf-'), 2);
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'xos'));
    const tsNode = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true } }));
    fs.writeFileSync(
      path.join(project, 'cdktf.json'),
      JSON.stringify({ language: 'typescript', app: `node ${tsNode} --transpile-only main.ts`, output: 'cdktf.out', sendCrashReports: 'false', terraformProviders: [], terraformModules: [] }),
    );
    const cdktf = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
    const r = spawnSync(cdktf, ['deploy', 'co1-openstack', '--auto-approve'], {
      cwd: project,
      // The local target: the openstack one needs a provider download, impossible offline.
      env: terraformEnv({ CI: '1', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: '1', XOS_TARGET: 'local' }),
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect({ code: r.status, tail: (r.stdout + r.stderr).slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('Apply complete!') });
    const synthesized = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'co1-openstack', 'cdk.tf.json'), 'utf8'));
    const state = JSON.parse(fs.readFileSync(path.join(project, 'terraform.co1-openstack.tfstate'), 'utf8'));
    expect(state.resources).toHaveLength(Object.keys(synthesized.resource.terraform_data).length);
    expect(fs.existsSync(path.join(project, 'cdktf.out', 'xos-model.json'))).toBe(true);
    // The program's allocations are recorded beside it, as xos synth records them.
    const lock = JSON.parse(fs.readFileSync(path.join(project, 'xos.allocations.json'), 'utf8'));
    expect(Object.keys(lock.allocations.vOLT.c_tag).sort()).toEqual(['sub-1043', 'sub-1044', 'sub-2001', 'sub-2002']);
  });
});
