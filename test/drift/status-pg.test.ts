/**
 * End to end, with state in a real distributed backend: central-office (local target) with
 * its state in PostgreSQL, deployed by real terraform; `xos status` says all is in sync;
 * then the program changes (a Sliver added, a Network removed, a Flavor resized, a
 * credential dropped) and the state is tampered with (`terraform taint`, `terraform state
 * rm`), and status reports each object as it must: pending, orphaned, failed, drifted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { centralOfficeCopy } from '../helpers/examples';
import { startPostgres, type PgServer } from '../helpers/postgres';
import { describeWith, terraform, terraformEnv, tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
/** A made-up credential given to terraform at apply time: it must never appear in a report. */
const SECRET = 'pg-e2e-secret-value-7f3a';

interface JsonObject {
  key: string;
  kind: string;
  status: string;
  detail: string;
  resources: { address: string; status: string; diffs?: { path: string; declared: { kind: string; value?: unknown }; actual: { kind: string; value?: unknown } }[] }[];
}

describeWith('postgres', 'xos status against state in PostgreSQL (central-office, real terraform)', () => {
  let pg: PgServer | undefined;
  const work = tmpDir('xos-status-pg-');
  const out = path.join(work, 'out');
  // The program lives inside the repository, so that it resolves the library as a user's would.
  const program = path.join(ROOT, 'test', '.tmp', path.basename(work), 'central-office');
  const env = terraformEnv({ TF_VAR_OS_PASSWORD: SECRET, TF_VAR_OS_USERNAME: 'operator' });
  const status = (...args: string[]) => xos(['status', program, '--out', out, '--transpile-only', ...args], { env });
  const objects = (stdout: string): Map<string, JsonObject> => {
    const report = JSON.parse(stdout) as { stacks: { stack: string; objects: JsonObject[] }[] };
    return new Map(report.stacks.flatMap((s) => s.objects.map((o) => [`${s.stack} ${o.key}`, o] as const)));
  };

  beforeAll(async () => {
    pg = await startPostgres();
    // Three of the thousand generated subscribers (and the three named ones): applying all takes minutes.
    centralOfficeCopy(program, 3);
    fs.writeFileSync(path.join(program, 'xos.config.json'), JSON.stringify({ backend: { type: 'pg', connStr: pg.url } }));
    const synth = xos(['synth', program, '--out', out, '--target', 'local', '--transpile-only'], { env });
    if (synth.code !== 0) throw new Error(synth.stdout + synth.stderr);
    for (const stack of fs.readdirSync(path.join(out, 'stacks'))) {
      const dir = path.join(out, 'stacks', stack);
      terraform(dir, ['init', '-input=false', '-no-color'], env);
      terraform(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], env);
    }
  });

  afterAll(() => {
    pg?.stop();
    fs.rmSync(path.dirname(program), { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('every stack keeps its state in its own PostgreSQL schema', () => {
    const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'co1-openstack', 'cdk.tf.json'), 'utf8')).terraform;
    expect(tf.backend).toEqual({ pg: { conn_str: pg!.url, schema_name: 'xos_co1_openstack' } });
    expect(fs.existsSync(path.join(work, 'terraform.co1-openstack.tfstate'))).toBe(false);
  });

  test('right after apply, every object of every stack is in sync (exit 0)', () => {
    const r = status();
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const declared = Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'co1-openstack', 'cdk.tf.json'), 'utf8')).resource.terraform_data).length;
    expect(r.stdout).toMatch(new RegExp(`co1-openstack {2}backend pg \\(postgres://postgres@127\\.0\\.0\\.1:\\d+/postgres\\?sslmode=disable, schema xos_co1_openstack\\) {2}state \\(raw v4, serial \\d+\\): ${declared} resources`));
    expect(r.stdout).toMatch(/overall: (\d+) in-sync \(\1 objects\): all in sync/);
    const json = status('--json');
    const report = JSON.parse(json.stdout);
    expect(report.inSync).toBe(true);
    expect(report.stacks.map((s: { stack: string; state: { resources: number } }) => [s.stack, s.state.resources])).toEqual([['co1-openstack', declared]]);
    // One line per tenant instance, in its provider's words.
    const instance = objects(json.stdout).get('co1-openstack vOLT/sub-1042')!;
    expect(instance).toMatchObject({ kind: 'Instance', status: 'in-sync' });
    expect(instance.resources.map((x) => x.address).sort()).toEqual(['terraform_data.addition_vOLT__sub-1042__vlan', 'terraform_data.instance_vOLT__sub-1042']);
  });

  test('a refresh-only plan in every stack finds nothing changed outside Terraform', () => {
    const r = status('--refresh', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.refreshed).toBe(true);
    expect(report.stacks.flatMap((s: { objects: JsonObject[] }) => s.objects).filter((o: JsonObject) => o.status !== 'in-sync')).toEqual([]);
  });

  test('after the program changes and the state is tampered with, each object says how it differs (exit 2)', () => {
    // Tamper with the state in PostgreSQL through terraform.
    const co1 = path.join(out, 'stacks', 'co1-openstack');
    terraform(co1, ['taint', '-no-color', 'terraform_data.site_co1'], env);
    terraform(co1, ['state', 'rm', '-no-color', 'terraform_data.user_dave'], env);
    // Change the program: add a Sliver, remove a Network, resize a Flavor, drop a credential.
    const main = path.join(program, 'main.ts');
    let src = fs.readFileSync(main, 'utf8');
    const edit = (from: string | RegExp, to: string) => {
      const next = src.replace(from, to);
      if (next === src) throw new Error(`central-office changed: cannot find ${from}`);
      src = next;
    };
    edit("voltSlice.addSliver('olt-2', { node: servers[1] });", "voltSlice.addSliver('olt-2', { node: servers[1] });\nvoltSlice.addSliver('olt-3', { node: servers[2] });");
    edit(/^.*\bwan\b.*$\n/gm, '');
    edit("new Flavor(cloud, 'm1.large', { cores: 4, ramMb: 8192", "new Flavor(cloud, 'm1.large', { cores: 4, ramMb: 16384");
    edit(", password: Secret.env('OS_PASSWORD') }", ' }');
    fs.writeFileSync(main, src);

    const table = status();
    expect(table.code).toBe(2);
    const r = status('--json');
    expect(r.code).toBe(2);
    const o = objects(r.stdout);
    const at = (key: string) => {
      const x = o.get(`co1-openstack ${key}`);
      if (!x) throw new Error(`no line for ${key}`);
      return x;
    };

    // pending: declared, not in state.
    expect(at('co1/volt/olt-3')).toMatchObject({ kind: 'Sliver', status: 'pending', detail: 'not in state (2 resources)' });
    expect(at('dave')).toMatchObject({ kind: 'User', status: 'pending', detail: 'not in state' });
    // orphaned: in state, no longer declared.
    // The Network, its groups, rules and route out: all orphaned with it.
    expect(at('co1/vbng/wan')).toMatchObject({ kind: 'Network', status: 'orphaned', detail: 'in state, no longer declared (6 resources)' });
    // failed: tainted.
    expect(at('co1')).toMatchObject({ kind: 'Site', status: 'failed' });
    expect(at('co1').detail).toMatch(/^tainted/);
    // drifted: each differing attribute, declared and actual.
    expect(at('m1.large')).toMatchObject({ kind: 'Flavor', status: 'drifted', detail: 'input.ram_mb: declared 16384, actual 8192' });
    expect(at('co1/vbng/bng-1')).toMatchObject({ status: 'drifted', detail: 'port_co1__vbng__bng-1__co1__vbng__wan: in state, no longer declared' });
    expect(at('co1/volt/grant-dave-admin').detail).toMatch(/^input\.user_id: declared \(terraform_data\.user_dave\.id, not in state\), actual "[0-9a-f-]{36}"$/);
    // A dropped credential is drift whose value stays hidden.
    const controller = at('co1-openstack');
    expect(controller.status).toBe('drifted');
    // (Where the local target keeps secrets is its own business; the path ends with the credential.)
    const diffs = controller.resources[0].diffs!;
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toMatchObject({ path: expect.stringMatching(/\.credential_password$/), declared: { kind: 'unset' }, actual: { kind: 'sensitive' } });
    expect(controller.detail).toBe(`${diffs[0].path}: declared (unset), actual (sensitive)`);
    // Untouched objects stay in sync; the other stack too.
    expect(at('co1/volt/olt-1').status).toBe('in-sync');
    expect(at('vCPE/sub-2001').status).toBe('in-sync');
    // Secrets never appear, in either form.
    for (const text of [table.stdout, table.stderr, r.stdout]) expect(text).not.toContain(SECRET);
    // The table says the same, one line per object, and the totals.
    expect(table.stdout).toMatch(/\n {2}orphaned +Network +co1\/vbng\/wan +in state, no longer declared \(6 resources\)\n/);
    expect(table.stdout).toMatch(/\n {2}failed +Site +co1 +tainted/);
    const report = JSON.parse(r.stdout);
    const counted = { failed: 0, drifted: 0, pending: 0, orphaned: 0, 'in-sync': 0 } as Record<string, number>;
    for (const x of o.values()) counted[x.status]++;
    expect(report.totals).toEqual({ ...counted, objects: o.size });
    expect(table.stdout).toContain(`overall: ${counted.failed} failed, ${counted.drifted} drifted, ${counted.pending} pending, ${counted.orphaned} orphaned, ${counted['in-sync']} in-sync (${o.size} objects): differs from the model`);
  });

  test('status also runs from the synthesized xos-model.json, without the program', () => {
    // The model synthesized before the program changed: only the tampering differs.
    const r = xos(['status', path.join(out, 'xos-model.json'), '--json'], { env });
    expect(r.code).toBe(2);
    const bad = [...objects(r.stdout).values()].filter((x) => x.status !== 'in-sync').map((x) => `${x.status} ${x.key}`);
    expect(bad).toEqual(expect.arrayContaining(['failed co1', 'pending dave']));
    expect(bad.every((b) => /^(failed co1|pending dave|drifted co1\/.*grant-dave-.*)$/.test(b))).toBe(true);
  });

  test('an unreachable backend is an error naming the stack and the backend (exit 1)', () => {
    pg!.stop();
    const r = status();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/xos: error: stack (co1-openstack|subscriber-portal): cannot read its state from backend pg \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=disable, schema xos_[a-z0-9_]+\) \(terraform state pull\): .*connect.*Check that the PostgreSQL server is running/);
  });
});
