/**
 * Secrets never appear in plain text: a program whose credentials are references
 * (Secret.env, Secret.tfVar) to known values, run through synth, a real deploy (terraform
 * apply of the local target), status, a secret's rotation, plan and review; every file xos
 * writes and everything printed (by xos and by terraform) is scanned for the values. A
 * literal credential (DEP-008) is never echoed either.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { filesBelow } from '../helpers/examples';
import { describeWith, terraformEnv, tmpDir, xos } from '../helpers/tools';

/** The values, as distinctive as can be so that a hit is never a coincidence. */
const SECRETS = {
  osPassword: 'S3cr3t-os-password-7f3a9c',
  apiToken: 'S3cr3t-api-token-b81d44',
  dbDsn: 'postgres://app:S3cr3t-db-pass-5e02aa@db.internal/app',
  rotated: 'S3cr3t-rotated-password-c9d310',
  literal: 'L1teral-Sw0rdf1sh-0a7e62',
};
const ALL = Object.values(SECRETS);
/** The distinctive part of each value: no printed form of it may survive. */
const NEEDLES = [...ALL, 'S3cr3t-db-pass-5e02aa'];

const PROGRAM = `import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from 'xos';

const cloud = new Cloud({ name: 'secrets' });
const site = new Site(cloud, 'site1');
const alice = new User(cloud, 'alice', { site, publicKeys: ['ssh-ed25519 AAAA alice'] });
site.grant(alice, 'admin');
const image = new Image(cloud, 'ubuntu');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep1', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('head', { backend: 'openstack', url: 'https://keystone.example:5000/v3', sites: [site], credentials: { password: Secret.env('XOS_TEST_OS_PASSWORD'), token: Secret.tfVar('xos_test_api_token') } });
const web = site.addSlice('web', { image, flavor });
web.grant(alice, 'admin');
web.addNetwork('lan', { cidr: '10.0.0.0/24', template: tpl });
web.addSliver('vm1', { deployment: dep });
const db = site.addSlice('db', { image, flavor });
db.grant(alice, 'admin');
db.addSliver('vm1', { deployment: dep });
const database = new Service(cloud, 'database', { slices: [db], ports: [5432], credentials: { dsn: Secret.env('XOS_TEST_DB_DSN') } });
new Service(cloud, 'webapp', { slices: [web] }).tenantOf(database, { connect: 'shared-private' });
cloud.synth();
`;

const LITERAL_PROGRAM = PROGRAM.replace("password: Secret.env('XOS_TEST_OS_PASSWORD')", `password: '${SECRETS.literal}' as unknown as Secret`);

/** The environment of a user who holds the secrets: for the program (env) and for terraform (TF_VAR_). */
function secretEnv(password = SECRETS.osPassword): NodeJS.ProcessEnv {
  return terraformEnv({
    XOS_TEST_OS_PASSWORD: password,
    TF_VAR_XOS_TEST_OS_PASSWORD: password,
    TF_VAR_xos_test_api_token: SECRETS.apiToken,
    XOS_TEST_DB_DSN: SECRETS.dbDsn,
    TF_VAR_XOS_TEST_DB_DSN: SECRETS.dbDsn,
  });
}

/** Everything printed, by every command run, for the scan. */
const printed: { what: string; text: string }[] = [];

function run(what: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, okCodes = [0]): { code: number; stdout: string; stderr: string } {
  const r = xos(args, { cwd, env });
  printed.push({ what: `xos ${what}`, text: r.stdout + r.stderr });
  if (!okCodes.includes(r.code)) throw new Error(`xos ${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Run terraform; its output is scanned too, except a JSON document it writes on purpose (`show -json`). */
function tf(what: string, dir: string, args: string[], env: NodeJS.ProcessEnv, scan = true): string {
  try {
    const out = execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    if (scan) printed.push({ what: `terraform ${what}`, text: out });
    return out;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    printed.push({ what: `terraform ${what}`, text: `${err.stdout ?? ''}${err.stderr ?? ''}` });
    throw new Error(`terraform ${args.join(' ')} failed (exit ${err.status}):\n${err.stdout}\n${err.stderr}`);
  }
}

/** Where each needle appears in the given texts. */
function leaks(texts: readonly { what: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { what, text } of texts) for (const n of NEEDLES) if (text.includes(n)) found.push(`${JSON.stringify(n)} in ${what}`);
  return found;
}

/**
 * Files xos does not write: Terraform's state and plan (which hold secrets by design:
 * Terraform owns them), and the programs themselves (the literal one holds its literal).
 */
const NOT_WRITTEN_BY_XOS = /(^|\/)terraform\.[^/]*\.tfstate(\.backup)?$|(^|\/)plan\.(bin|json)$|^(main|literal)\.ts$/;

describeWith('terraform', 'secrets through synth, deploy, status, plan and review', () => {
  const work = tmpDir('xos-secrets-');
  const program = path.join(work, 'main.ts');
  const out = path.join(work, 'out');
  fs.writeFileSync(program, PROGRAM);
  fs.writeFileSync(path.join(work, 'literal.ts'), LITERAL_PROGRAM);

  test('a literal credential is reported by DEP-008 and never echoed, in text or JSON, and nothing is written', () => {
    const before = fs.readdirSync(work).sort();
    const text = run('validate literal.ts', ['validate', 'literal.ts', '--transpile-only'], work, secretEnv(), [1]);
    expect(text.stdout).toMatch(/^DEP-008 error head: Controller head: credential 'password' is a literal value\./m);
    const json = run('validate --json literal.ts', ['validate', 'literal.ts', '--json', '--transpile-only'], work, secretEnv(), [1]);
    expect(JSON.parse(json.stdout).violations.map((v: { id: string }) => v.id)).toContain('DEP-008');
    run('synth literal.ts', ['synth', 'literal.ts', '--out', 'literal-out', '--transpile-only'], work, secretEnv(), [1]);
    run('synth --json literal.ts', ['synth', 'literal.ts', '--out', 'literal-out', '--json', '--transpile-only'], work, secretEnv(), [1]);
    expect(fs.readdirSync(work).sort()).toEqual(before);
    expect(leaks(printed)).toEqual([]);
  });

  test('synth, for the local target and for the back-ends\' own, writes only references to the secrets', () => {
    run('validate', ['validate', 'main.ts', '--transpile-only'], work, secretEnv());
    run('synth --target auto --json', ['synth', 'main.ts', '--out', 'out-auto', '--json', '--transpile-only'], work, secretEnv());
    run('synth --target local', ['synth', 'main.ts', '--out', 'out', '--target', 'local', '--transpile-only'], work, secretEnv());
    const tfJson = fs.readFileSync(path.join(out, 'stacks', 'head', 'cdk.tf.json'), 'utf8');
    expect(tfJson).toContain('${var.XOS_TEST_OS_PASSWORD}');
    expect(JSON.parse(tfJson).variable.XOS_TEST_OS_PASSWORD.sensitive).toBe(true);
  });

  test('a real deploy carries the secrets into Terraform, which prints them only as (sensitive value)', () => {
    const stack = path.join(out, 'stacks', 'head');
    tf('init', stack, ['init', '-input=false', '-no-color'], secretEnv());
    const applied = tf('apply', stack, ['apply', '-auto-approve', '-input=false', '-no-color'], secretEnv());
    expect(applied).toContain('(sensitive value)');
    // The test is meaningful: the values did reach Terraform (its state holds them, as Terraform's states do).
    const state = fs.readFileSync(path.join(work, 'terraform.head.tfstate'), 'utf8');
    for (const s of [SECRETS.osPassword, SECRETS.apiToken, SECRETS.dbDsn]) expect(state).toContain(s);
  });

  test('status reads the deployed state and prints no secret, in text or JSON', () => {
    const text = run('status', ['status', 'main.ts', '--out', 'out', '--target', 'local', '--transpile-only'], work, secretEnv());
    expect(text.stdout).toMatch(/in-sync\s+Controller\s+head/);
    run('status --json', ['status', 'main.ts', '--out', 'out', '--target', 'local', '--json', '--transpile-only'], work, secretEnv());
    run('status of xos-model.json --json', ['status', 'out/xos-model.json', '--target', 'local', '--json'], work, secretEnv());
  });

  test('after a secret is rotated, status, the plan\'s review and the views print neither the old value nor the new', () => {
    const env = secretEnv(SECRETS.rotated);
    const stack = path.join(out, 'stacks', 'head');
    tf('plan', stack, ['plan', '-input=false', '-no-color', '-out', path.join(work, 'plan.bin')], env);
    const planJson = tf('show -json', stack, ['show', '-json', path.join(work, 'plan.bin')], env, false);
    fs.writeFileSync(path.join(work, 'plan.json'), planJson);
    // Terraform's plan JSON holds both values: the review has something to hide.
    expect(planJson).toContain(SECRETS.rotated);
    const review = run('review', ['review', '--plan', 'plan.json', '--model', 'out/xos-model.json', '--base-model', 'out/xos-model.json', '--actor', 'alice'], work, env, [0, 3]);
    // The rotated value changes resources; the review shows that they change, masked.
    expect(review.stdout).toMatch(/_\(sensitive\)_ → _\(sensitive\)_/);
    run('review --format json', ['review', '--plan', 'plan.json', '--model', 'out/xos-model.json', '--format', 'json'], work, env, [0, 3]);
    run('status --refresh', ['status', 'main.ts', '--out', 'out', '--target', 'local', '--refresh', '--transpile-only'], work, env, [0, 2]);
    run('status --pull --json', ['status', 'main.ts', '--out', 'out', '--target', 'local', '--pull', '--json', '--transpile-only'], work, env, [0, 2]);
    run('status --state', ['status', 'out/xos-model.json', '--state', 'terraform.head.tfstate', '--target', 'local'], work, env, [0, 2]);
    run('view --as alice --out', ['view', 'main.ts', '--as', 'alice', '--out', 'out', '--target', 'local', '--transpile-only'], work, env, [0]);
  });

  test('no file xos wrote and nothing printed holds a secret', () => {
    expect(printed.length).toBeGreaterThanOrEqual(15);
    const written = filesBelow(work)
      .filter((f) => !NOT_WRITTEN_BY_XOS.test(f))
      .filter((f) => !f.includes(`${path.sep}.terraform${path.sep}providers${path.sep}`))
      .map((f) => ({ what: f, text: fs.readFileSync(path.join(work, f), 'latin1') }));
    expect(written.map((w) => w.what)).toEqual(expect.arrayContaining([path.join('out', 'xos-model.json'), path.join('out', 'manifest.json'), path.join('out', 'stacks', 'head', 'cdk.tf.json'), path.join('out-auto', 'xos-model.json')]));
    expect(leaks([...written, ...printed])).toEqual([]);
  });
});
