/**
 * End to end: apply central-office (local target; its named subscribers and two of its
 * generated ones) with real terraform, change the program (a Sliver added, a Network changed,
 * a privilege removed, a subscriber's bundle changed),
 * plan every stack for real, and review the plans as two actors: carol (root admin, may
 * make all of it) and nina (Slice admin of the CDN only, may not).
 */
import * as fs from 'fs';
import * as path from 'path';
import { centralOfficeCopy } from '../helpers/examples';
import { describeWith, terraform, terraformEnv, tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
/** The token Terraform gets for vBNG's credential; it must never show in a review. */
const TOKEN = 'tok-e2e-very-secret-4711';
const ENV = terraformEnv({ TF_VAR_vbng_api_token: TOKEN, TF_VAR_OS_USERNAME: 'os-user-e2e', TF_VAR_OS_PASSWORD: 'os-pass-e2e-0815' });

/** Apply each edit to the program text; each must match exactly once. */
function edit(text: string, edits: readonly [string, string][]): string {
  for (const [from, to] of edits) {
    const n = text.split(from).length - 1;
    if (n !== 1) throw new Error(`edit '${from}' matched ${n} times in examples/central-office/main.ts; update this test`);
    text = text.replace(from, to);
  }
  return text;
}

describeWith('terraform', 'reviewing a real change to central-office', () => {
  const work = tmpDir('xos-review-e2e-');
  const out = path.join(work, 'out');
  // Inside the repository, so that the program's `import ... from 'xos'` resolves as it does for the example.
  // Both with two of the thousand generated subscribers (terraform applies four thousand resources slowly).
  const original = path.join(ROOT, 'test', '.tmp', `review-e2e-base-${process.pid}`);
  const program = path.join(ROOT, 'test', '.tmp', `review-e2e-${process.pid}`);
  const baseModel = path.join(work, 'base-model.json');
  const planFiles: string[] = [];
  const human: Record<string, string> = {};
  let stacks: string[] = [];

  const synth = (dir: string) => {
    const r = xos(['synth', dir, '--out', out, '--target', 'local', '--transpile-only']);
    if (r.code !== 0) throw new Error(`xos synth ${dir} failed:\n${r.stdout}${r.stderr}`);
  };
  const review = (...extra: string[]) => xos(['review', ...planFiles.flatMap((f) => ['--plan', f]), '--model', path.join(out, 'xos-model.json'), '--base-model', baseModel, ...extra]);

  beforeAll(() => {
    synth(centralOfficeCopy(original, 2));
    stacks = fs.readdirSync(path.join(out, 'stacks')).sort();
    for (const s of stacks) {
      const dir = path.join(out, 'stacks', s);
      terraform(dir, ['init', '-input=false', '-no-color'], ENV);
      terraform(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], ENV);
    }
    fs.copyFileSync(path.join(out, 'xos-model.json'), baseModel);

    centralOfficeCopy(program, 2);
    fs.copyFileSync(path.join(original, 'xos.allocations.json'), path.join(program, 'xos.allocations.json'));
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'central-office', 'main.ts'), 'utf8');
    fs.writeFileSync(
      path.join(program, 'main.ts'),
      edit(text, [
        ["cdnSlice.addSlivers('cache', 2, { deployment: pod });", "cdnSlice.addSlivers('cache', 3, { deployment: pod });"],
        ["cidr: '10.20.0.0/24'", "cidr: '10.20.0.0/23'"],
        ["vcpeSlice.grant(nina, 'access');\n", ''],
        ["subscribe(bob, { id: 'sub-1043', s_tag: 100, bundle: 'basic' });", "subscribe(bob, { id: 'sub-1043', s_tag: 100, bundle: 'business' });"],
      ]),
    );
    synth(program);
    for (const s of stacks) {
      const dir = path.join(out, 'stacks', s);
      terraform(dir, ['init', '-input=false', '-no-color'], ENV);
      human[s] = terraform(dir, ['plan', '-input=false', '-no-color', '-out=plan.bin'], ENV);
      const file = path.join(work, `${s}.plan.json`);
      fs.writeFileSync(file, terraform(dir, ['show', '-json', 'plan.bin'], ENV));
      planFiles.push(file);
    }
  });

  afterAll(() => {
    fs.rmSync(program, { recursive: true, force: true });
    fs.rmSync(original, { recursive: true, force: true });
    if (!process.env.XOS_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the summary counts agree with what terraform itself says it will do', () => {
    const r = review('--format', 'json');
    const json = JSON.parse(r.stdout);
    for (const s of json.summary.stacks) {
      const c = s.counts;
      const m = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(human[s.stack]);
      const said = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
      if (!m) expect(human[s.stack]).toContain('No changes.');
      expect([c.create + c.replace, c.update, c.delete + c.replace]).toEqual(said);
    }
    expect(json.summary.total.create).toBeGreaterThan(0);
    expect(json.summary.total.update).toBeGreaterThan(0);
    expect(json.summary.total.delete).toBe(1);
    expect(json.summary.stacks.map((s: { stack: string; matched: string }) => [s.stack, s.matched])).toEqual(stacks.map((s) => [s, 'addresses']));
  });

  test('changes are grouped by model object, in the model\'s words', () => {
    const json = JSON.parse(review('--format', 'json').stdout);
    const byKey = new Map<string, any>(json.objects.map((o: { key: string }) => [o.key, o]));
    expect(byKey.get('co1/cdn/cache-3')).toMatchObject({ kind: 'Sliver', status: 'added' });
    expect(byKey.get('co1/cdn/cache-3').resources.map((r: { part: string }) => r.part).sort()).toEqual(['port', 'sliver']);
    expect(byKey.get('co1/volt/access')).toMatchObject({ kind: 'Network', status: 'changed', model: [{ path: 'cidr', before: '10.20.0.0/24', after: '10.20.0.0/23' }] });
    expect(byKey.get('co1/volt/access').resources[0].attributes).toEqual(expect.arrayContaining([{ path: 'input.cidr', before: '10.20.0.0/24', after: '10.20.0.0/23' }]));
    // bob's bundle: his vCPE instance, in his words; the vBNG instance it holds learns the new bundle (its record only).
    expect(byKey.get('vCPE/sub-1043')).toMatchObject({ kind: 'Instance', status: 'changed', label: 'sub-1043 (bob: subscriber -> vOLT -> vCPE)', model: [{ path: 'bundle', before: 'basic', after: 'business' }] });
    expect(byKey.get('vCPE/sub-1043').resources.map((r: { address: string }) => r.address)).toEqual(['terraform_data.instance_vCPE__sub-1043']);
    expect(byKey.get('vBNG/sub-1043')).toMatchObject({ kind: 'Instance', status: 'affected', label: 'sub-1043 (bob: subscriber -> vOLT -> vCPE -> vBNG)' });
    const privilege = json.objects.find((o: { kind: string }) => o.kind === 'Privilege');
    expect(privilege).toMatchObject({ status: 'removed', label: 'nina: Slice access of co1/vcpe' });
    // The removed privilege is the one destroy, listed first with Terraform's reason.
    expect(json.destroys).toHaveLength(1);
    expect(json.destroys[0]).toMatchObject({ action: 'delete', object: { key: privilege.key, kind: 'Privilege' }, actionReason: 'delete_because_no_resource_config' });
    // nina's key leaves the vCPE Slivers: they change in Terraform only.
    expect(byKey.get('co1/vcpe/cpe-1')).toMatchObject({ status: 'affected' });
    expect(json.unmapped).toEqual([]);

    const md = review().stdout;
    const at = (s: string) => md.indexOf(s);
    expect(at('**Plan:')).toBeLessThan(at('### Destroys and replacements (1)'));
    expect(at('### Destroys and replacements (1)')).toBeLessThan(at('### Changes by model object'));
    expect(at('#### Privileges')).toBeLessThan(at('#### Tenant instances'));
    expect(at('#### Tenant instances')).toBeLessThan(at('#### Slivers'));
    expect(at('#### Slivers')).toBeLessThan(at('#### Networks'));
    expect(md).toContain('- `input.cidr`: `"10.20.0.0/24"` → `"10.20.0.0/23"`');
    expect(md).toContain('- **changed** `sub-1043 (bob: subscriber -> vOLT -> vCPE)` (`vCPE/sub-1043`)\n  - in the model:\n    - `bundle`: `"basic"` → `"business"`');
  });

  test('secrets are masked everywhere, in markdown and JSON', () => {
    for (const r of [review(), review('--format', 'json'), review('--actor', 'nina')]) {
      expect(r.stdout).not.toContain(TOKEN);
      expect(r.stdout).not.toContain('os-pass-e2e-0815');
      expect(r.stdout).not.toContain('os-user-e2e');
    }
    // The new Sliver carries vBNG's token (CDN is a tenant of vBNG): shown, masked.
    const json = JSON.parse(review('--format', 'json').stdout);
    const sliver = json.objects.find((o: { key: string }) => o.key === 'co1/cdn/cache-3').resources.find((r: { part: string }) => r.part === 'sliver');
    expect(sliver.attributes).toEqual(expect.arrayContaining([{ path: 'triggers_replace', after: '(sensitive)', sensitive: true }]));
  });

  test('carol, root admin, may make every change: exit 0', () => {
    const r = review('--actor', 'carol');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('✅ Nothing blocks: carol may make every change');
    const json = JSON.parse(review('--actor', 'carol', '--format', 'json').stdout);
    // Every object the model diff names, and every object whose resources the plans change.
    expect(json.authorization.checks.length).toBeGreaterThanOrEqual(5);
    expect(json.authorization.denied).toBe(0);
  });

  test('nina may add a Sliver to her CDN Slice but needs approval for the rest: exit 3, approvers named', () => {
    const r = review('--actor', 'nina');
    expect(r.code).toBe(3);
    const json = JSON.parse(review('--actor', 'nina', '--format', 'json').stdout);
    const verdict = Object.fromEntries(json.authorization.checks.map((c: { key: string; id: string; allowed: boolean }) => [c.key, [c.id, c.allowed]]));
    const privilege = json.objects.find((o: { kind: string }) => o.kind === 'Privilege').key;
    expect(verdict).toMatchObject({
      // The plan is the ground truth: nina's key leaves the vCPE Slivers, whose resources change, and she may not change them.
      'co1/vcpe/cpe-1': ['RBAC-006', false],
      'co1/cdn/cache-3': ['RBAC-006', true],
      [json.objects.find((o: { kind: string }) => o.kind === 'Addition').key]: ['RBAC-006', true],
      'co1/volt/access': ['RBAC-006', false],
      [privilege]: ['RBAC-006', false],
      // Not her subscriber's, nor of a Slice she administers (RBAC-009).
      'vCPE/sub-1043': ['RBAC-009', false],
    });
    expect(r.stdout).toMatch(/⛔ \*\*Blocks:\*\* nina may not make \d+ of the changes/);
    expect(r.stdout).toContain(
      '⛔ **RBAC-006** may not change Network `co1/volt/access` (plan: `co1-openstack: terraform_data.network_co1__volt__access`) — approval from one of: Slice admin of co1/volt (dave) · Site admin of co1 (carol) · Site pi of co1 (paul) · root admin (carol)',
    );
    expect(r.stdout).toContain('⛔ **RBAC-006** may not remove privilege `nina: Slice access of co1/vcpe`');
    expect(r.stdout).toContain('⛔ **RBAC-009** may not change tenant instance `sub-1043 (bob: subscriber -> vOLT -> vCPE)` (plan: `co1-openstack: terraform_data.instance_vCPE__sub-1043`) — approval from one of: subscriber bob (bob) · Slice admin of co1/vcpe');
  });

  test('without --actor the review says authorization was not checked, and blocks: exit 3', () => {
    const r = review();
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Authorization was not checked');
  });
});
