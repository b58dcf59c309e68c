/**
 * No secret value ever reaches the output: with every secret the examples and a test program
 * reference set to a known value (in the environment and as TF_VAR_*), no synthesized file
 * and no message holds any of those values, whether synthesized by `xos synth` (both target
 * modes) or by running the program as `cdktf synth` does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProgram } from '../../lib/cli/load';
import { compileCloud } from '../../lib/compile';
import type { SecretRef } from '../../lib/index';
import { variableName } from '../../lib/synth/names';
import { tmpDir, xos } from '../helpers/tools';
import { runProgram } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const PROGRAMS = ['examples/hello', 'examples/central-office', 'examples/opencloud', 'test/targets/programs/known-secrets.ts'];

/** Known values for every secret a program references, and the environment that carries them. */
function secretEnvironment(program: string): { env: NodeJS.ProcessEnv; values: string[] } {
  const { cloud } = loadProgram(path.join(ROOT, program), { transpileOnly: true });
  const model = compileCloud(cloud).built.model;
  const refs: SecretRef[] = [...model.controllers.flatMap((c) => Object.values(c.credentials)), ...model.services.flatMap((s) => Object.values(s.credentials))];
  const env: NodeJS.ProcessEnv = {};
  const values: string[] = [];
  refs.forEach((r, i) => {
    if (r.secret === 'literal') return;
    const value = `Xs3cr3t-${i}-${r.name.length}-q9Z`;
    values.push(value);
    env[`TF_VAR_${variableName(r.name)}`] = value;
    if (r.secret === 'env') env[r.name] = value;
  });
  return { env, values };
}

/** Every file under a directory, with its text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
  }
  return out;
}

function leaks(values: string[], texts: { file: string; text: string }[]): string[] {
  return texts.flatMap(({ file, text }) => values.filter((v) => text.includes(v)).map((v) => `${path.basename(file)} holds ${v}`));
}

describe.each(PROGRAMS)('no secret of %s reaches the output', (program) => {
  const { env, values } = secretEnvironment(program);

  test('the program references secrets, and each gets a known value', () => {
    expect(values.length).toBeGreaterThan(0);
  });

  test.each(['auto', 'local'])('xos synth --target %s writes none of them, in any file or message', (target) => {
    const out = path.join(tmpDir('xos-secrets-'), 'out');
    const r = xos(['synth', program, '--out', out, '--target', target, '--transpile-only'], { env: { ...process.env, ...env } });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const json = xos(['synth', program, '--out', `${out}-json`, '--target', target, '--json', '--transpile-only'], { env: { ...process.env, ...env } });
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
    const files = [...filesUnder(out), ...filesUnder(`${out}-json`)];
    expect(files.length).toBeGreaterThan(2);
    expect(leaks(values, [...files, { file: 'stdout', text: r.stdout + json.stdout }, { file: 'stderr', text: r.stderr + json.stderr }])).toEqual([]);
  });

  test('running the program as cdktf synth does writes none of them', () => {
    const out = path.join(tmpDir('xos-secrets-'), 'cdktf.out');
    const r = runProgram(program, { ...process.env, ...env, CDKTF_OUTDIR: out });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const files = filesUnder(out);
    expect(files.some((f) => f.file.endsWith('cdk.tf.json'))).toBe(true);
    expect(leaks(values, [...files, { file: 'stdout', text: r.stdout }, { file: 'stderr', text: r.stderr }])).toEqual([]);
  });
});

test('the test program carries every kind of secret reference to a real target as sensitive variables', () => {
  const out = path.join(tmpDir('xos-secrets-'), 'out');
  expect(xos(['synth', 'test/targets/programs/known-secrets.ts', '--out', out, '--transpile-only']).code).toBe(0);
  const stack = (name: string) => JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  const os = stack('os-head');
  expect(os.provider.openstack[0]).toMatchObject({ user_name: '${var.XOS_T_OS_USERNAME}', password: '${var.XOS_T_OS_PASSWORD}', tenant_name: '${var.XOS_T_OS_PROJECT}' });
  for (const v of ['XOS_T_OS_USERNAME', 'XOS_T_OS_PASSWORD', 'XOS_T_OS_PROJECT', 'xos_t_db_password']) expect(os.variable[v]).toEqual(expect.objectContaining({ sensitive: true, type: 'string' }));
  expect(stack('ec2-eu').provider.aws[0]).toMatchObject({ access_key: '${var.xos_t_aws_key}', secret_key: '${var.xos_t_aws_secret}' });
  expect(stack('s3').provider.aws[0]).toMatchObject({ access_key: '${var.XOS_T_S3_KEY}', secret_key: '${var.XOS_T_S3_SECRET}' });
  const app = Object.values(os.resource.openstack_compute_instance_v2 as Record<string, { name: string; user_data: string }>).find((i) => i.name.endsWith('app-1'))!;
  expect(app.user_data).toContain('${jsonencode(sensitive(var.xos_t_db_password))}');
});

test('a literal credential is reported without its value, and nothing is written', () => {
  const out = path.join(tmpDir('xos-secrets-'), 'out');
  const r = xos(['synth', 'test/cli/programs/broken-rules.ts', '--out', out, '--transpile-only']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('DEP-008');
  expect(r.stdout + r.stderr).not.toContain('sw0rdfish-literal');
  expect(fs.existsSync(out)).toBe(false);
});
