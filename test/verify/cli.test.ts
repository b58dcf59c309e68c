/**
 * `xos verify` and the proof in `xos synth`, as a user runs them (the built CLI): a program or
 * an output folder, exit codes, --json, --explain and its mistakes, and what `xos synth` says
 * about derived networks and gateways that appear, go or move.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir, xos } from '../helpers/tools';

const program = (dir: string, body: string) => {
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(file, body);
  return file;
};

/** Two Services on one OpenStack back-end, the tenant reaching the provider privately; `extra` edits it. */
const cloud = (extra = '') => `
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from 'xos';
const cloud = new Cloud({ name: 'cli' });
const site = new Site(cloud, 'lab');
const ann = new User(cloud, 'ann', { site, publicKeys: ['ssh-ed25519 AAAA ann'] });
site.grant(ann, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('head', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
const app = site.addSlice('app', { image, flavor });
app.grant(ann, 'admin');
app.addSlivers('vm', 2, { deployment: dep });
const db = site.addSlice('db', { image, flavor });
db.grant(ann, 'admin');
db.addSlivers('vm', 2, { deployment: dep });
const provider = new Service(cloud, 'DB', { slices: [db], ports: [5432] });
${extra}
cloud.synth();
`;

describe('xos verify', () => {
  test('a program: synthesized in memory, proven, the table, exit 0', () => {
    const dir = tmpDir('xos-verify-cli-');
    const r = xos(['verify', program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'shared-private', cidr: '10.9.0.0/24' });")), '--transpile-only']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^xos verify: cli \(.*main\.ts\), target auto \(openstack: 1\)\n/);
    expect(r.stdout).toMatch(/\n {2}App\/tenant-of-DB +4 +4 +0 +0\n/);
    expect(r.stdout).toContain('proven: the flows admitted are exactly the flows intended (4 Slivers in 2 classes over 1 stack).');
  });

  test('an output folder, edited: one line per violation, exit 1; --json has them all', () => {
    const dir = tmpDir('xos-verify-cli-');
    const file = program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'shared-private', cidr: '10.9.0.0/24' });"));
    const out = path.join(dir, 'out');
    expect(xos(['synth', file, '--out', out, '--transpile-only']).code).toBe(0);
    const stack = path.join(out, 'stacks', 'head', 'cdk.tf.json');
    const tf = JSON.parse(fs.readFileSync(stack, 'utf8'));
    delete tf.resource.openstack_networking_secgroup_rule_v2['secrule_App__tenant-of-DB__tcp-5432'];
    fs.writeFileSync(stack, JSON.stringify(tf));
    const r = xos(['verify', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^xos verify: cli \(.*out, as written\)\n\nFLOW-001 error App\/tenant-of-DB: shared-private tenancy App\/tenant-of-DB: lab\/app\/vm-1 and 1 more Sliver of lab\/app do not reach lab\/db\/vm-1 and 1 more Sliver of lab\/db on Network App\/tenant-of-DB\/network on tcp\/5432: /);
    expect(r.stdout).toContain('FLOW violations: 1 (4 Slivers in 2 classes over 1 stack).');
    const json = xos(['verify', out, '--json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.violations).toEqual([expect.objectContaining({ id: 'FLOW-001', severity: 'error', path: 'App/tenant-of-DB' })]);
    expect(doc.summary).toContainEqual({ name: 'App/tenant-of-DB', intended: 4, admitted: 0, missing: 4, extra: 0 });
  });

  test('a damaged stack: the error names the file and the place, and quotes none of it', () => {
    const dir = tmpDir('xos-verify-cli-');
    const file = program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'shared-private', cidr: '10.9.0.0/24' });"));
    const out = path.join(dir, 'out');
    expect(xos(['synth', file, '--out', out, '--transpile-only']).code).toBe(0);
    const stack = path.join(out, 'stacks', 'head', 'cdk.tf.json');
    // One damaged byte right after a value a reader must never see in a message.
    fs.writeFileSync(stack, '{"secret": "hunter2-very-secret"x}');
    const r = xos(['verify', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${stack} is not valid JSON (`);
    expect(r.stderr).toMatch(/at line 1, column \d+\)\. Synthesize again\./);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
  });

  test('--explain names the packet and the chain, or where it stops; mistakes are usage errors naming the fix', () => {
    const dir = tmpDir('xos-verify-cli-');
    const file = program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'shared-private', cidr: '10.9.0.0/24' });"));
    const ok = xos(['verify', file, '--explain', 'App', 'lab/db/vm-2', '--transpile-only']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('tcp/5432 from lab/app/vm-1 to lab/db/vm-2: admitted');
    expect(ok.stdout).toContain('-> in by openstack_networking_secgroup_rule_v2.secrule_App__tenant-of-DB__tcp-5432');
    const back = xos(['verify', file, '--explain', 'lab/db/vm-1', 'lab/app/vm-1', '--port', '5432', '--transpile-only']);
    expect(back.stdout).toContain('tcp/5432 from lab/db/vm-1 to lab/app/vm-1: dropped');
    expect(back.stdout).toMatch(/stops: no ingress rule of .*port_lab__app__vm-1__App__tenant-of-DB__network's groups .* admits tcp\/5432 from lab\/db\/vm-1/);
    const one = xos(['verify', file, '--explain', 'lab/app/vm-1', '--transpile-only']);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('--explain needs two ends');
    const who = xos(['verify', file, '--explain', 'nobody', 'DB', '--transpile-only']);
    expect(who.code).toBe(1);
    expect(who.stderr).toContain("'nobody' is not a Sliver, Slice or Service of this model, nor 'internet'.");
  });

  test("a connect 'none' tenancy carries no packets: no row, no rule, and the proof shows the tenant dropped on the provider's port", () => {
    const dir = tmpDir('xos-verify-cli-');
    const file = program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'none' });"));
    const r = xos(['verify', file, '--json', '--transpile-only']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.violations).toEqual([]);
    expect(doc.summary.map((row: { name: string }) => row.name)).not.toContain('App/tenant-of-DB');
    const out = path.join(dir, 'out');
    expect(xos(['synth', file, '--out', out, '--transpile-only']).code).toBe(0);
    const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'head', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource.openstack_networking_secgroup_rule_v2 ?? {}).filter((k) => k.includes('tenant-of-DB'))).toEqual([]);
    const dropped = xos(['verify', out, '--explain', 'lab/app/vm-1', 'lab/db/vm-1', '--port', '5432']);
    expect(dropped.stdout).toContain('tcp/5432 from lab/app/vm-1 to lab/db/vm-1: dropped');
  });

  test("in a project: the program cdktf.json runs and the project's target, unless --target says otherwise", () => {
    const dir = tmpDir('xos-verify-cli-');
    program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'shared-private', cidr: '10.9.0.0/24' });"));
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'npx ts-node main.ts', context: { 'xos:target': 'local' } }));
    const env = { ...process.env };
    delete env.XOS_TARGET;
    const local = xos(['verify', '--transpile-only'], { cwd: dir, env });
    expect({ code: local.code, stderr: local.stderr }).toEqual({ code: 0, stderr: '' });
    expect(local.stdout).toMatch(/^xos verify: cli \(main\.ts\), target local \(local: 1\)\n/);
    const auto = xos(['verify', '--target', 'auto', '--explain', 'App', 'lab/db/vm-2', '--transpile-only'], { cwd: dir, env });
    expect(auto.code).toBe(0);
    expect(auto.stdout).toMatch(/^xos verify: cli \(main\.ts\), target auto \(openstack: 1\)\n/);
    expect(auto.stdout).toContain('-> in by openstack_networking_secgroup_rule_v2.secrule_App__tenant-of-DB__tcp-5432');
  });

  test('a model with errors has nothing to prove: its violations, exit 1', () => {
    const dir = tmpDir('xos-verify-cli-');
    const r = xos(['verify', program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'wormhole' as never });")), '--transpile-only']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("TEN-003 error App/tenant-of-DB: connect 'wormhole' is not one of");
    expect(r.stderr).toContain('nothing to prove');
  });
});

describe('xos synth: derived networks and gateways', () => {
  test('the summary lists them, and over an earlier output what appeared, went or moved', () => {
    const dir = tmpDir('xos-derived-cli-');
    const out = path.join(dir, 'out');
    const first = xos(['synth', program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'interconnect-private', cidr: '10.9.0.0/23' });")), '--out', out, '--transpile-only']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('derived: 2 tenancy networks, 1 tenancy gateway, 0 routes out (xos-derived.json)');
    expect(first.stdout).toContain('  network App/tenant-of-DB/tenant-network 10.9.0.0/24 (tenancy App/tenant-of-DB) in head');
    expect(first.stdout).toContain('  gateway of tenancy App/tenant-of-DB in head (joins App/tenant-of-DB/tenant-network and App/tenant-of-DB/provider-network)');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'xos-derived.json'), 'utf8')).networks).toHaveLength(2);
    // The same tenancy given another block: both networks move.
    const second = xos(['synth', program(dir, cloud("new Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'interconnect-private', cidr: '10.8.0.0/23' });")), '--out', out, '--transpile-only']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('  ~ moved network App/tenant-of-DB/tenant-network: 10.9.0.0/24 in head -> 10.8.0.0/24 in head');
    expect(second.stdout).toContain('  ~ moved network App/tenant-of-DB/provider-network: 10.9.1.0/24 in head -> 10.8.1.0/24 in head');
    // Reached publicly instead: the tenancy's networks and gateway go, routes out appear.
    const third = xos(['synth', program(dir, cloud("app.addNetwork('lan', { cidr: '10.1.0.0/24', template: tpl });\ndb.addNetwork('lan', { cidr: '10.2.0.0/24', template: tpl });\nnew Service(cloud, 'App', { slices: [app] }).tenantOf(provider, { connect: 'public' });")), '--out', out, '--transpile-only']);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('  - went network App/tenant-of-DB/tenant-network 10.8.0.0/24 (tenancy App/tenant-of-DB)');
    expect(third.stdout).toContain('  - went gateway of tenancy App/tenant-of-DB in head');
    expect(third.stdout).toContain('  + appeared route out of lab/db/lan in head (NAT: it carries the public address of DB)');
    expect(third.stdout).toContain('  + appeared route out of lab/app/lan in head (NAT: tenancy App/tenant-of-DB reaches its provider over the Internet)');
  });
});
