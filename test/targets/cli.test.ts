/**
 * Choosing the target: from the command line (`xos synth --target auto|local`), XOS_TARGET,
 * the project (cdktf.json context, xos.config.json), the Cloud, and for `cdktf synth` the same.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir, xos } from '../helpers/tools';
import { runProgram } from './helpers';

function stack(out: string, name: string): any {
  return JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
}

describe('xos synth --target', () => {
  test("auto picks each stack's target from its Controller, and says which", () => {
    const out = path.join(tmpDir('xos-target-'), 'out');
    const r = xos(['synth', 'examples/opencloud', '--out', out, '--target', 'auto', '--transpile-only']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('target auto (openstack: 9, aws: 2, local: 1)');
    expect(Object.keys(stack(out, 'princeton-openstack').terraform.required_providers)).toEqual(['openstack']);
    expect(Object.keys(stack(out, 'gae').resource)).toEqual(['terraform_data']);
  });

  test('local turns every stack into terraform_data, with no provider to download', () => {
    const out = path.join(tmpDir('xos-target-'), 'out');
    const r = xos(['synth', 'examples/central-office', '--out', out, '--target', 'local', '--transpile-only', '--json', '--locked']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.stacks.map((s: { target: string }) => s.target)).toEqual(['local']);
    expect(json.model).toEqual({ sites: 1, users: 1008, deployments: 1, services: 5, tenancies: 4, slices: 4, slivers: 9, networks: 2, tenantInstances: 4013 });
    const tf = stack(out, 'co1-openstack');
    expect(Object.keys(tf.resource)).toEqual(['terraform_data']);
    expect(tf.provider).toBeUndefined();
  });

  test('an unknown target is a usage error listing the choices', () => {
    const r = xos(['synth', 'examples/hello', '--target', 'openstack']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("xos: --target 'openstack' is not one of: auto, local\n");
  });
});

describe('cdktf synth (the program run on its own)', () => {
  // hello's cdktf.json chooses the local target; XOS_TARGET overrides it for one run.
  test.each([
    [undefined, []],
    ['auto', ['openstack']],
    ['local', []],
  ])('with XOS_TARGET=%s writes providers %j', (target, providers) => {
    const out = path.join(tmpDir('xos-target-'), 'cdktf.out');
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: out };
    delete env.XOS_TARGET;
    if (target) env.XOS_TARGET = target;
    const r = runProgram('examples/hello', env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(Object.keys(stack(out, 'princeton-head').terraform.required_providers ?? {})).toEqual(providers);
  });

  test('a back-end the target cannot be told about throws a SynthError with the violation (TGT-001, with the line) and the program\'s line, not xos\'s insides', () => {
    const out = path.join(tmpDir('xos-target-'), 'cdktf.out');
    const r = runProgram('test/targets/programs/fractional-flavor.ts', { ...process.env, CDKTF_OUTDIR: out, XOS_TARGET: 'auto' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'SynthError: 1 rule violation; nothing was synthesized:\n  TGT-001 error half: Flavor half: cores 1.5 cannot be told to OpenStack, which takes whole numbers (1 or more). Give the Flavor whole cores. (test/targets/programs/fractional-flavor.ts:9)\n',
    );
    const frames = r.stderr.split('\n').filter((l) => /^\s+at /.test(l));
    expect(frames).toEqual([expect.stringContaining('fractional-flavor.ts:16:')]);
  });
});
