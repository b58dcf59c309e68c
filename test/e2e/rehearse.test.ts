/**
 * End to end against the provider harness: every example synthesized with the auto target
 * and every OpenStack and AWS stack run by real Terraform (init, validate, plan, apply, with
 * the S3 stack's outputs read across stacks), `xos status` in sync afterwards, then a change
 * to the programs planned and reviewed, an out-of-band change found by `xos status --refresh`,
 * import and destroy. One harness process serves the whole file: Terraform attaches to it
 * (TF_REATTACH_PROVIDERS).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startHarnessProcess, type Harness } from '../../lib/rehearse/harness';
import { placeholder, rehearsalEnv, rehearse, type RehearsalResult } from '../../lib/rehearse/run';
import { centralOfficeCopy } from '../helpers/examples';
import { describeWith, tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = ['hello', 'central-office', 'opencloud'] as const;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function tf(dir: string, args: string[], env: NodeJS.ProcessEnv): { code: number; out: string } {
  const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

function tfStdout(dir: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${dir}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function synth(program: string, out: string): void {
  const r = xos(['synth', program, '--out', out, '--target', 'auto', '--transpile-only']);
  if (r.code !== 0) throw new Error(`xos synth ${program} failed:\n${r.stdout}${r.stderr}`);
}

/** A copy of a program with its text changed, importing the library by name as users do. */
function changedProgram(dir: string, from: string, edits: readonly [string, string][]): string {
  let text = fs.readFileSync(path.join(ROOT, from), 'utf8');
  for (const [a, b] of edits) {
    if (!text.includes(a)) throw new Error(`the program ${from} no longer holds: ${a}`);
    text = text.replace(a, b);
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(file, text);
  return file;
}

/**
 * Take the changed program's stacks into a rehearsal's scratch copy, plan each, and save
 * `terraform show -json` of the plans. A stack whose outputs others read is applied before
 * they are planned: their plans read its new outputs (a remote state holds only what was
 * applied), as `cdktf deploy` orders them.
 */
function planChange(h: Harness, scratch: string, changedOut: string): Map<string, string> {
  const plans = new Map<string, string>();
  const stacks = fs.readdirSync(path.join(changedOut, 'stacks'));
  const producer = (s: string) => 'output' in JSON.parse(fs.readFileSync(path.join(changedOut, 'stacks', s, 'cdk.tf.json'), 'utf8'));
  for (const stack of [...stacks.filter(producer), ...stacks.filter((s) => !producer(s))]) {
    const dir = path.join(scratch, 'stacks', stack);
    fs.copyFileSync(path.join(changedOut, 'stacks', stack, 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
    const env = rehearsalEnv(h, dir);
    const plan = tf(dir, ['plan', '-input=false', '-no-color', '-out=change.tfplan'], env);
    if (plan.code !== 0) throw new Error(`terraform plan of the change failed in ${stack}:\n${plan.out}`);
    const file = path.join(scratch, `change-${stack}.json`);
    fs.writeFileSync(file, tfStdout(dir, ['show', '-json', 'change.tfplan'], env));
    plans.set(stack, file);
    if (producer(stack)) tfStdout(dir, ['apply', '-input=false', '-no-color', 'change.tfplan'], env);
  }
  return plans;
}

describeWith('terraform', 'every example through real Terraform against the provider harness', () => {
  const work = tmpDir('xos-rehearse-e2e-');
  let h: Harness;
  const results = new Map<string, RehearsalResult>();
  const scratchOf = (e: string) => path.join(work, e, 'scratch');
  // central-office with three of its thousand generated subscribers (besides its named ones):
  // terraform takes many minutes over the four thousand resources of the whole data file.
  const SUBSCRIBERS = 3;
  const programOf = (e: string) => (e === 'central-office' ? centralOfficeCopy(path.join(work, 'co-program'), SUBSCRIBERS) : `examples/${e}`);

  beforeAll(async () => {
    h = await startHarnessProcess({ dir: path.join(work, 'harness') });
  });
  afterAll(async () => {
    await h?.stop();
  });

  test.each(EXAMPLES)('%s: every stack initializes, validates, plans and applies; the states are what xos status calls in sync', async (example) => {
    const out = path.join(work, example, 'out');
    synth(programOf(example), out);
    const r = await rehearse({ outdir: out, scratch: scratchOf(example), harness: h, parallelism: 2 });
    results.set(example, r);
    for (const s of r.stacks) {
      expect({ stack: s.stack, status: s.status, problem: s.problem }).toEqual({ stack: s.stack, status: 'applied', problem: undefined });
      expect(s.passed).toEqual(['init', 'validate', 'plan', 'apply']);
      expect(s.applied).toEqual({ add: s.planned!.add, change: 0, remove: 0 });
      expect(s.applied!.add).toBeGreaterThan(0);
    }
    // The real targets' stacks, real-typed: OpenStack and AWS resources, not terraform_data.
    const types = new Set(r.stacks.flatMap((s) => Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'stacks', s.stack, 'cdk.tf.json'), 'utf8')).resource ?? {})));
    expect([...types].some((t) => t.startsWith('openstack_'))).toBe(true);
    if (example === 'opencloud') expect([...types].filter((t) => t.startsWith('aws_'))).toEqual(expect.arrayContaining(['aws_instance', 'aws_s3_bucket', 'aws_iam_access_key']));
    const status = xos(['status', scratchOf(example)]);
    expect({ code: status.code, last: status.stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: expect.stringMatching(/all in sync$/) });
    // A second plan finds nothing to do: what apply made is what was planned.
    for (const s of r.stacks) {
      const dir = path.join(scratchOf(example), 'stacks', s.stack);
      expect({ stack: s.stack, ...tf(dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode'], rehearsalEnv(h, dir)) }).toEqual({ stack: s.stack, code: 0, out: expect.stringContaining('No changes.') });
    }
  });

  test('a Terraform command that runs out of time is reported as stopped by the time limit, with the option that gives it longer, not as a broken configuration', async () => {
    const out = path.join(work, 'timeout', 'out');
    synth('examples/hello', out);
    const r = await rehearse({ outdir: out, scratch: path.join(work, 'timeout', 'scratch'), harness: h, parallelism: 1, timeoutMs: 1 });
    expect(r.ok).toBe(false);
    const failed = r.stacks.filter((s) => s.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed)
      expect(s.problem).toEqual({ step: 'init', summary: 'terraform init did not finish within 0.001 s and was stopped', detail: expect.stringContaining('--timeout SECONDS') });
    const bad = xos(['rehearse', out, '--timeout', 'soon']);
    expect({ code: bad.code, err: bad.stderr }).toEqual({ code: 1, err: expect.stringContaining("--timeout 'soon' is not a whole number of seconds from 1 to 86400") });
  });

  test("opencloud: the S3 stack's outputs reach its tenants' instances across stacks, as sensitive values", () => {
    const scratch = scratchOf('opencloud');
    const s3 = JSON.parse(fs.readFileSync(path.join(scratch, 'terraform.s3.tfstate'), 'utf8'));
    const key = s3.resources.find((r: Json) => r.type === 'aws_iam_access_key').instances[0].attributes;
    expect(key.secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
    const consumer = JSON.parse(fs.readFileSync(path.join(scratch, 'terraform.dc-east-1-openstack.tfstate'), 'utf8'));
    const instance = consumer.resources.find((r: Json) => r.type === 'openstack_compute_instance_v2' && r.name.includes('ms-east')).instances[0];
    expect(instance.attributes.user_data).toContain(key.secret);
    expect(instance.attributes.user_data).toContain(key.id);
    expect(instance.sensitive_attributes.length).toBeGreaterThan(0);
  });

  test("each Slice's instances are created in the Slice's project, the project its quota binds, by the Controller's user holding a role there", () => {
    const projects = new Map(h.cloud.list('openstack', 'openstack_identity_project_v3').map((p) => [p.id, p]));
    const quotas = new Map(h.cloud.list('openstack', 'openstack_compute_quotaset_v2').map((q) => [q.state.project_id, q]));
    const roles = h.cloud.list('openstack', 'openstack_identity_role_assignment_v3');
    const instances = h.cloud.list('openstack', 'openstack_compute_instance_v2');
    expect(instances.length).toBeGreaterThan(20);
    for (const i of instances) {
      const slice = (i.state.metadata as Json).xos_slice as string;
      const project = projects.get(i.scope.project!);
      expect({ instance: i.state.name, project: project?.state.name }).toEqual({ instance: i.state.name, project: slice.replace('/', '_') });
      expect(roles.some((r) => r.state.project_id === i.scope.project && r.state.user_id === i.scope.user)).toBe(true);
      if (quotas.size) expect(quotas.has(i.scope.project)).toBe(true);
    }
    expect(h.cloud.events().filter((e) => e.event === 'refused')).toEqual([]);
  });

  test("central-office: each tenant instance's record is an object in a container of its Service's store, both in the Controller's project, and each store has one reader credential made by the Controller's user", () => {
    const containers = h.cloud.list('openstack', 'openstack_objectstorage_container_v1').filter((c) => String(c.state.name).startsWith('xos-co1-'));
    const objects = h.cloud.list('openstack', 'openstack_objectstorage_object_v1').filter((o) => containers.some((c) => c.state.name === o.state.container_name));
    const tf = JSON.parse(fs.readFileSync(path.join(work, 'central-office', 'out', 'stacks', 'co1-openstack', 'cdk.tf.json'), 'utf8'));
    const records = Object.keys(tf.resource.openstack_objectstorage_object_v1);
    // Three links of each subscriber's chain, named and generated, each one record at least.
    expect(records.length).toBeGreaterThanOrEqual(3 * (SUBSCRIBERS + 3));
    expect(objects.length).toBe(records.length);
    const controllerProject = containers[0].scope.project;
    for (const o of [...containers, ...objects]) expect({ id: o.id, project: o.scope.project }).toEqual({ id: o.id, project: controllerProject });
    const readers = h.cloud.list('openstack', 'openstack_identity_application_credential_v3').filter((a) => String(a.state.name).startsWith('xos-co1-'));
    expect(readers.map((r) => r.state.unrestricted)).toEqual(containers.map(() => false));
    expect(h.cloud.events().filter((e) => e.event === 'refused')).toEqual([]);
  });

  test('the OpenStack stacks are also valid for provider 1.53 (the vendored schema)', async () => {
    const old = await startHarnessProcess({ dir: path.join(work, 'harness-1.53'), openstack: '1.53' });
    try {
      for (const example of EXAMPLES) {
        const r = await rehearse({ outdir: path.join(work, example, 'out'), scratch: path.join(work, example, 'scratch-1.53'), harness: old, parallelism: 2, until: 'validate' });
        expect(r.stacks.filter((s) => s.status !== 'validated')).toEqual([]);
      }
    } finally {
      await old.stop();
    }
  });

  test('xos rehearse, the command: exit 0 and what Terraform said per stack; a broken stack: exit 1 and the first error at its line in the synthesized JSON', () => {
    const ok = xos(['rehearse', 'examples/hello', '--out', path.join(work, 'cmd-out'), '--transpile-only', '--json']);
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.stdout);
    expect(doc).toMatchObject({ ok: true, stacks: [{ stack: 'princeton-head', status: 'applied', passed: ['init', 'validate', 'plan', 'apply'] }] });
    expect(doc.schemas.openstack).toBe('terraform-provider-openstack 3.4.0');
    // A stack Terraform refuses: an argument the instance type does not have.
    const broken = path.join(work, 'broken');
    fs.cpSync(path.join(work, 'cmd-out'), broken, { recursive: true });
    const file = path.join(broken, 'stacks', 'princeton-head', 'cdk.tf.json');
    const text = fs.readFileSync(file, 'utf8').replace('"flavor_id":', '"flavour_id":');
    fs.writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('"flavour_id"')) + 1;
    const bad = xos(['rehearse', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`princeton-head: terraform validate failed at ${path.join(broken, 'stacks', 'princeton-head', 'cdk.tf.json')}:${line}:`);
    expect(bad.stdout).toMatch(/Error: (Extraneous JSON object property|Unsupported argument)/);
    expect(bad.stdout).toContain('rehearsal FAILED: 0 of 1 stacks applied');
  });

  test('a change to central-office: terraform plans real-typed replacements, updates and creates, and xos review maps and groups them, and asks approval of whom it must', () => {
    const scratch = scratchOf('central-office');
    const program = changedProgram(centralOfficeCopy(path.join(work, 'co-changed'), SUBSCRIBERS), 'examples/central-office/main.ts', [
      ["const large = new Flavor(cloud, 'm1.large', { cores: 4, ramMb: 8192, diskGb: 80 });", "const large = new Flavor(cloud, 'm1.large', { cores: 4, ramMb: 16384, diskGb: 80 });"],
      ["cdnSlice.addSlivers('cache', 2, { deployment: pod });", "cdnSlice.addSlivers('cache', 3, { deployment: pod });"],
    ]);
    const changedOut = path.join(work, 'co-changed', 'out');
    synth(program, changedOut);
    const plans = planChange(h, scratch, changedOut);
    const plan = JSON.parse(fs.readFileSync(plans.get('co1-openstack')!, 'utf8'));
    const actions = new Map(plan.resource_changes.map((c: Json) => [c.address, c.change.actions.join('+')]));
    expect([...actions].filter(([a]) => String(a).startsWith('openstack_compute_flavor_v2.')).map(([, x]) => x)).toContain('delete+create');
    expect(actions.get('openstack_compute_instance_v2.sliver_co1__cdn__cache-3')).toBe('create');
    const args = ['review', ...[...plans].map(([s, f]) => `--plan=${s}=${f}`), '--model', path.join(changedOut, 'xos-model.json'), '--base-model', path.join(scratch, 'xos-model.json')];
    const asCarol = xos([...args, '--actor', 'carol', '--format', 'json']);
    expect(asCarol.code).toBe(0);
    const review = JSON.parse(asCarol.stdout);
    const md = xos([...args, '--actor', 'carol']).stdout;
    expect(md).toMatch(/#### Flavors[\s\S]*m1\.large/);
    expect(md).toMatch(/#### Slivers[\s\S]*co1\/cdn\/cache-3/);
    expect(md).toContain('openstack_compute_flavor_v2');
    // Every change of the plan belongs to a model object.
    expect(JSON.stringify(review)).not.toMatch(/"unmapped"\s*:\s*\[\s*\{/);
    // nina holds only tenant roles: the Flavor and the new Sliver are not hers to make.
    const asNina = xos([...args, '--actor', 'nina']);
    expect(asNina.code).toBe(3);
    expect(asNina.stdout).toMatch(/m1\.large/);
  });

  test("a change to an S3 tenant's program: the provider's sensitive attributes and the model's secrets are masked in xos review", async () => {
    const base = path.join(work, 'aws', 'out');
    synth('test/targets/programs/readme-aws.ts', base);
    const scratch = path.join(work, 'aws', 'scratch');
    // Another account than opencloud's (whose S3 tenant has the same IAM user name).
    const h = await startHarnessProcess({ dir: path.join(work, 'harness-aws') });
    try {
      const r = await rehearse({ outdir: base, scratch, harness: h });
      expect(r.ok).toBe(true);
      const program = changedProgram(path.join(work, 'aws-changed'), 'test/targets/programs/readme-aws.ts', [
        ["gateways.addSliver('gw-1', { deployment: ec2 });", "gateways.addSliver('gw-1', { deployment: ec2 });\ngateways.addSliver('gw-2', { deployment: ec2 });"],
        // The tenancy renamed: its bucket, IAM user and access key are destroyed (the old secret is in the plan) and made anew.
        ["new Service(cloud, 'Syndicate', { slices: [gateways] })", "new Service(cloud, 'Syndicate2', { slices: [gateways] })"],
      ]);
      const changedOut = path.join(work, 'aws-changed', 'out');
      synth(program, changedOut);
      const keySecrets = () => JSON.parse(fs.readFileSync(path.join(scratch, 'terraform.s3.tfstate'), 'utf8')).resources.filter((x: Json) => x.type === 'aws_iam_access_key').map((x: Json) => x.instances[0].attributes.secret as string);
      const before = keySecrets();
      const plans = planChange(h, scratch, changedOut);
      // The old key (in the plan being destroyed), the new one (read by the instances), the credentials' placeholders.
      const secrets = [...before, ...keySecrets(), placeholder('AWS_SECRET_ACCESS_KEY'), placeholder('AWS_ACCESS_KEY_ID')];
      expect(secrets[0]).toBeTruthy();
      expect(secrets[1]).not.toBe(secrets[0]);
      // The plans hold the secret: in the instances' user data (read across stacks, marked sensitive) and in the
      // access key destroyed (an attribute the provider's schema marks sensitive).
      expect(fs.readFileSync(plans.get('ec2-eu')!, 'utf8')).toContain(secrets[1]);
      const s3Plan = JSON.parse(fs.readFileSync(plans.get('s3')!, 'utf8'));
      const key = s3Plan.resource_changes.find((c: Json) => c.type === 'aws_iam_access_key' && c.change.actions.includes('delete'));
      expect({ secret: key.change.before.secret, marked: key.change.before_sensitive.secret }).toEqual({ secret: secrets[0], marked: true });
      const args = ['review', ...[...plans].map(([s, f]) => `--plan=${s}=${f}`), '--model', path.join(changedOut, 'xos-model.json'), '--base-model', path.join(scratch, 'xos-model.json'), '--actor', 'ann'];
      for (const format of ['markdown', 'json']) {
        const out = xos([...args, '--format', format]);
        expect(out.code).toBeLessThan(4);
        expect(out.stdout).toContain('lab/syndicate/gw-2');
        expect(out.stdout).toContain('Syndicate/tenant-of-S3');
        for (const s of secrets) expect(out.stdout).not.toContain(s);
      }
    } finally {
      await h.stop();
    }
  });

  test('an out-of-band change: xos status --refresh reports the attribute drifted and the object deleted outside Terraform', () => {
    const scratch = scratchOf('hello');
    const vm1 = h.cloud.list('openstack', 'openstack_compute_instance_v2').find((o) => o.state.name === 'princeton-hello-vm1')!;
    const key = h.cloud.list('openstack', 'openstack_compute_keypair_v2').find((o) => o.state.name === 'alice')!;
    h.cloud.addDrift({ type: 'openstack_compute_instance_v2', id: vm1.id, set: { name: 'renamed-by-hand' } }, { type: 'openstack_compute_keypair_v2', id: key.id, delete: true });
    const dir = path.join(scratch, 'stacks', 'princeton-head');
    const r = xos(['status', scratch, '--refresh'], { env: rehearsalEnv(h, dir) });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/drifted +Sliver +princeton\/hello\/vm1 .*name: declared "princeton-hello-vm1", actual "renamed-by-hand"/);
    expect(r.stdout).toMatch(/pending +User +alice .*openstack_compute_keypair_v2\.user_alice/);
  });

  test('import and destroy: an object taken back into state by import plans no change; destroy removes everything a stack made, in order', () => {
    const dir = path.join(scratchOf('hello'), 'stacks', 'princeton-head');
    const env = rehearsalEnv(h, dir);
    const addr = 'openstack_networking_network_v2.network_princeton__hello__lan';
    const id = JSON.parse(tfStdout(dir, ['state', 'pull'], env)).resources.find((x: Json) => `${x.type}.${x.name}` === addr)?.instances[0].attributes.id;
    expect(id).toBeTruthy();
    expect(tf(dir, ['state', 'rm', addr], env).code).toBe(0);
    expect(tf(dir, ['import', '-input=false', '-no-color', addr, id], env)).toMatchObject({ code: 0, out: expect.stringContaining('Import successful!') });
    const before = h.cloud.list('openstack').length;
    const destroy = tf(dir, ['destroy', '-auto-approve', '-input=false', '-no-color'], env);
    expect(destroy).toMatchObject({ code: 0, out: expect.stringMatching(/Destroy complete! Resources: \d+ destroyed\./) });
    const destroyed = Number(/Resources: (\d+) destroyed/.exec(destroy.out)![1]);
    expect(h.cloud.list('openstack').length).toBe(before - destroyed);
  });
});
