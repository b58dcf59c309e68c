import * as fs from 'fs';
import * as path from 'path';
import { tmpDir, xos } from '../helpers/tools';

const P = (f: string) => path.join('test', 'cli', 'programs', f);

describe('xos validate', () => {
  test('prints what the model holds and "violations: none", and exits 0 for a clean example', () => {
    const r = xos(['validate', 'examples/hello']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('model: 1 sites, 1 users, 1 deployments, 0 services, 0 tenancies, 1 slices, 2 slivers, 1 networks, 0 tenant instances\nviolations: none\n');
    expect(r.code).toBe(0);
  });

  test('reports every violation as `ID severity path: message (file:line)` and exits 1 on an error', () => {
    const r = xos(['validate', P('broken-rules.ts')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(
      "DEP-008 error ctl: Controller ctl: credential 'password' is a literal value. Pass a reference instead: Secret.env('NAME') or Secret.tfVar('name'); the value is never written anywhere. (test/cli/programs/broken-rules.ts:12)",
    );
    expect(lines).toContain("RBAC-004 warning site1/s: Slice s has no Slice admin. Grant one: slice.grant(user, 'admin'). (test/cli/programs/broken-rules.ts:13)");
    expect(lines[lines.length - 1]).toBe('violations: 1 error, 1 warning');
    expect(r.stdout + r.stderr).not.toContain('sw0rdfish-literal');
  });

  test('--json counts what the model line counts, tenant instances included', () => {
    const line = xos(['validate', 'examples/central-office', '--transpile-only']);
    const doc = JSON.parse(xos(['validate', 'examples/central-office', '--transpile-only', '--json']).stdout);
    const counts = /^model: (.*)$/m.exec(line.stdout)![1].split(', ').map((p) => Number(p.split(' ')[0]));
    expect(Object.values(doc.model)).toEqual(counts);
    expect(doc.model.tenantInstances).toBe(4013);
    expect(doc.ok).toBe(true);
  });

  test('--json prints { ok, model, violations } for machines: the model line\'s counts, then every violation', () => {
    const r = xos(['validate', P('broken-rules.ts'), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(Object.keys(doc.model)).toEqual(['sites', 'users', 'deployments', 'services', 'tenancies', 'slices', 'slivers', 'networks', 'tenantInstances']);
    const v = doc.violations;
    expect(v.map((x: { id: string }) => x.id).sort()).toEqual(['DEP-008', 'RBAC-004']);
    expect(v.find((x: { id: string }) => x.id === 'DEP-008')).toEqual({
      id: 'DEP-008',
      severity: 'error',
      path: 'ctl',
      message: expect.stringContaining('is a literal value'),
      finding: 'DEP-008@ctl#password',
      source: 'test/cli/programs/broken-rules.ts:12',
    });
  });

  test('xos rules lists every rule, the review-time ones too, with its metadata and whether it can be acknowledged', () => {
    const text = xos(['rules']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^RBAC-007 {2}error \(review\) {3}Grant authorization/m);
    const rules = JSON.parse(xos(['rules', '--json']).stdout);
    expect(rules.find((r: { id: string }) => r.id === 'RBAC-008')).toEqual({
      id: 'RBAC-008',
      severity: 'error',
      title: expect.stringContaining('own home Site'),
      why: expect.stringContaining('default user'),
      fix: 'Ask a root admin to move the User.',
      origin: 'guide, Access Control (root Default)',
      reviewTime: true,
      acknowledgeable: false,
    });
    expect(rules.filter((r: { acknowledgeable: boolean }) => r.acknowledgeable).map((r: { id: string }) => r.id)).toEqual(['RBAC-004', 'RBAC-005', 'NET-005', 'TNI-006']);
    expect(rules.find((r: { id: string }) => r.id === 'RBAC-009')).toMatchObject({ severity: 'error', reviewTime: true, acknowledgeable: false });
  });

  test('warnings pass, and fail with --strict', () => {
    expect(xos(['validate', P('warning-only.ts')]).code).toBe(0);
    const strict = xos(['validate', P('warning-only.ts'), '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('violations: 0 errors, 1 warning (failing: --strict)');
  });
});

describe('errors in the program are usage errors with file and line', () => {
  test('an exception the program throws', () => {
    const r = xos(['validate', P('throws.ts')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('xos: the program threw: inventory service unreachable (at test/cli/programs/throws.ts:5)');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  test('--debug shows the stack trace', () => {
    const r = xos(['validate', P('throws.ts'), '--debug']);
    expect(r.stderr).toMatch(/^\s+at .*throws\.ts:5/m);
  });

  test('objects a helper function makes are located at the calls that made them', () => {
    const r = xos(['validate', P('helper-made.ts')]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('RBAC-004'))).toEqual([
      expect.stringMatching(/^RBAC-004 warning site1\/one: .*\(test\/cli\/programs\/helper-made\.ts:18\)$/),
      expect.stringMatching(/^RBAC-004 warning site1\/two: .*\(test\/cli\/programs\/helper-made\.ts:19\)$/),
    ]);
  });

  test('a TypeScript error', () => {
    const r = xos(['validate', P('type-error.ts')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not compile');
    expect(r.stderr).toMatch(/test\/cli\/programs\/type-error\.ts:4:\d+ TS2322: Type 'number' is not assignable to type 'string'/);
  });

  test('a missing program', () => {
    const r = xos(['validate', 'examples/no-such-example']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('xos: program not found: examples/no-such-example. Give a .ts file, or a folder holding main.ts.\n');
  });

  test('a folder without main.ts', () => {
    const r = xos(['validate', 'docs']);
    expect(r.stderr).toContain('docs is a folder without main.ts');
  });

  test('a program that declares no Cloud', () => {
    const r = xos(['validate', P('no-cloud.ts')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('declares no Cloud');
  });

  test('an import of a module that does not exist', () => {
    const r = xos(['validate', P('bad-import.ts'), '--transpile-only']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot find module './no-such-module'");
    expect(r.stderr).not.toContain('internal error');
  });

  test('an unknown option', () => {
    const r = xos(['validate', 'examples/hello', '--jsn']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("xos: unknown option --jsn for 'xos validate'. Run 'xos validate --help' for its options.\n");
  });
});

describe('xos synth', () => {
  test('writes manifest, stacks and xos-model.json and prints what it made', () => {
    const out = path.join(tmpDir(), 'out');
    const r = xos(['synth', 'examples/hello', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/princeton-head\s+openstack\s+\d+/);
    expect(r.stdout).toContain('violations: none');
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'stacks', 'xos-derived.json', 'xos-model.json', 'xos-output.json']);
    expect(fs.readdirSync(path.join(out, 'stacks'))).toEqual(['princeton-head']);
  });

  test('with an error writes nothing, and leaves an existing output directory as it was', () => {
    const out = path.join(tmpDir(), 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'previous run');
    const r = xos(['synth', P('broken-rules.ts'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing was written');
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  test('replaces a previous output whole, stacks it no longer has included', () => {
    const out = path.join(tmpDir(), 'out');
    expect(xos(['synth', 'examples/hello', '--out', out, '--transpile-only']).code).toBe(0);
    // The previous output had one more stack (a Controller since removed), listed in its manifest.
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    manifest.stacks.gone = { ...manifest.stacks['princeton-head'], name: 'gone', workingDirectory: 'stacks/gone', synthesizedStackPath: 'stacks/gone/cdk.tf.json' };
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
    fs.mkdirSync(path.join(out, 'stacks', 'gone', '.terraform'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', 'gone', 'cdk.tf.json'), '{}');
    expect(xos(['synth', 'examples/hello', '--out', out, '--transpile-only']).code).toBe(0);
    expect(fs.readdirSync(path.join(out, 'stacks'))).toEqual(['princeton-head']);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  test('refuses to replace a folder holding anything xos did not write, and leaves it as it was', () => {
    const dir = tmpDir();
    const out = path.join(dir, 'out');
    expect(xos(['synth', 'examples/hello', '--out', out, '--transpile-only']).code).toBe(0);
    fs.copyFileSync('examples/hello/main.ts', path.join(out, 'main.ts'));
    fs.writeFileSync(path.join(out, 'stacks', 'princeton-head', 'notes.txt'), 'mine');
    const before = fs.readdirSync(out).sort();
    const r = xos(['synth', path.resolve('examples/hello'), '--out', 'out', '--transpile-only'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "xos: refusing to replace out: it holds main.ts, stacks/princeton-head/notes.txt, which are not part of the output xos wrote there (its manifest.json lists the files xos made), and xos replaces the whole output folder. Move them out of out, or choose a new or empty folder for the output, for example --out cdktf.out.\n",
    );
    expect(fs.readdirSync(out).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(out, 'stacks', 'princeton-head', 'notes.txt'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('a dangling link as --out is a usage error, not an internal one', () => {
    const dir = tmpDir();
    fs.symlinkSync('nowhere', path.join(dir, 'out'));
    const r = xos(['synth', path.resolve('examples/hello'), '--out', 'out', '--transpile-only'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('xos: cannot write the output to out: it is a symbolic link to nowhere, which points to nothing. Remove the link or make the folder it names, or choose a new or empty folder for the output, for example --out cdktf.out.\n');
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});

test('xos --help lists the commands', () => {
  const r = xos(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('validate');
  expect(r.stdout).toContain('synth');
});

describe('xos synth --since', () => {
  test('names the stacks whose output changed, so CI plans only those', () => {
    const dir = tmpDir();
    const prog = path.join(dir, 'main.ts');
    fs.copyFileSync(path.join('examples', 'opencloud', 'main.ts'), prog);
    const out = path.join(dir, 'out');
    expect(xos(['synth', prog, '--out', out, '--transpile-only', '--target', 'local']).code).toBe(0);
    // One more Sliver at Princeton's edge: only that back-end's stack changes.
    fs.appendFileSync(prog, "\nnewSlice.addSliver('app-3', { deployment: edges[0].dep, site: edges[0].site });\n");
    const r = xos(['synth', prog, '--out', out, '--since', out, '--transpile-only', '--target', 'local', '--json']);
    expect(r.code).toBe(0);
    const { changes } = JSON.parse(r.stdout);
    expect(changes.changed).toEqual(['princeton-openstack']);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    expect(changes.unchanged).toHaveLength(11);
    const text = xos(['synth', prog, '--out', path.join(dir, 'out2'), '--since', out, '--transpile-only', '--target', 'local']);
    expect(text.stdout).toContain(`since ${out}: changed none; added none; removed none; 12 unchanged`);
  });
});
