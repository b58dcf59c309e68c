/**
 * A user's own project, from the packed tarball, as the README's user section says: `xos
 * init` (run from the tarball) writes it, npm installs it (offline: every package is in
 * npm's cache already), and then `npx xos validate`, `npx xos synth`, `npx cdktf synth`,
 * `npx cdktf deploy` (the local target, offline) and `npm test` work with no argument and no
 * edit. The package holds only what a user needs, and the aws target's 392 MB dependency is
 * not installed unless asked for.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installOffline, packTarball, projectParent, writeOfflineLock } from '../helpers/project';
import { describeWith, terraformEnv } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

describeWith('terraform', 'a project made by xos init from the packed tarball', () => {
  const parent = projectParent();
  const project = path.join(parent, 'my-cloud');
  let tarball = '';
  // The user's shell: no XOS_TARGET (the project chooses), terraform offline, cdktf quiet.
  const env = terraformEnv({ CI: '1', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: '1', npm_config_update_notifier: 'false' });
  delete env.XOS_TARGET;
  delete env.XOS_CACHE_DIR;
  const npx = (args: string[]) => run('npx', ['--no-install', ...args], project, env);

  beforeAll(() => {
    tarball = packTarball(parent);
    // `npx xos init` from the tarball: xos installed (offline) in a scratch folder, then run.
    const boot = path.join(parent, 'boot');
    fs.mkdirSync(boot);
    fs.writeFileSync(path.join(boot, 'package.json'), JSON.stringify({ name: 'boot', version: '1.0.0', private: true, dependencies: { xos: `file:${tarball}` }, devDependencies: {} }));
    writeOfflineLock(boot, tarball);
    const bootInstall = installOffline(boot);
    if (bootInstall.code !== 0) throw new Error(`installing the tarball failed:\n${bootInstall.output}`);
    const init = run(path.join(boot, 'node_modules', '.bin', 'xos'), ['init', project, '--tarball', tarball, '--skip-install'], parent, env);
    if (init.code !== 0) throw new Error(`xos init failed:\n${init.stdout}${init.stderr}`);
    writeOfflineLock(project, path.join(project, 'vendor', path.basename(tarball)));
    const install = installOffline(project);
    if (install.code !== 0) throw new Error(`npm ci --offline failed in the new project:\n${install.output}`);
  });

  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  test('the package holds only what a user needs', () => {
    const r = run('tar', ['tzf', tarball], parent);
    const files = r.stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files.filter((f) => /^(test|bench|scripts|lib|constructs)\/|^dist\/(bench|test)\/|\.map$|^tsconfig|^jest/.test(f))).toEqual([]);
    for (const f of ['package.json', 'README.md', 'dist/bin/xos.js', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/testing/index.js', 'dist/lib/synth/openstack/schema.json', 'dist/lib/synth/openstack/schema-3.json', 'dist/lib/synth/aws/schema.json', 'dist/lib/rehearse/plugin-main.js', 'dist/lib/cli/commands/rehearse.js', 'schema/recipe.schema.json', 'examples/hello/main.ts', 'examples/central-office/main.ts', 'examples/github/plan-review.yml', 'examples/github/scripts/plan-stacks.sh', 'dist/lib/cli/commands/verify.js', 'dist/lib/verify/index.js', 'dist/lib/synth/openstack/schema-extras.json', 'docs/rules.md', 'docs/flows.md'])
      expect(files).toContain(f);
    // dist/ (JavaScript and declarations of lib, constructs, bin: about 490 files with lib/verify) and a few documents; tests, fixtures and bench (1,006 files once) stay out.
    expect(files.length).toBeLessThan(540);
    // Every relative link of a packed document leads to a packed file (npm shows the README with no repository to resolve them).
    const broken: string[] = [];
    for (const md of files.filter((f) => f.endsWith('.md'))) {
      const text = run('tar', ['xzOf', tarball, `package/${md}`], parent).stdout;
      for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(m[1])) continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(md), m[1])).replace(/\/$/, '');
        if (!files.some((f) => f === target || f.startsWith(`${target}/`))) broken.push(`${md} -> ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('a dry-run publish passes: the package is publishable as it is', () => {
    const r = run('npm', ['publish', '--dry-run', '--ignore-scripts', '--json'], ROOT, env);
    expect({ code: r.code, stderr: r.stderr.split('\n').filter((l) => /npm (error|ERR)/.test(l)) }).toEqual({ code: 0, stderr: [] });
    // npm 11 keys the result by the package's name; npm 10 prints it alone.
    const doc = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { xos?: { name: string; files: unknown[] }; name?: string; files?: unknown[] };
    const info = doc.xos ?? doc;
    expect({ name: info.name, files: info.files!.length > 0 }).toEqual({ name: 'xos', files: true });
  });

  test('the project is what xos init writes, depending on the tarball it copied into vendor/ (so npm ci works in CI)', () => {
    const names = fs.readdirSync(project).filter((f) => f !== 'node_modules' && f !== 'package-lock.json').sort();
    expect(names).toEqual(['.github', '.gitignore', 'README.md', 'cdktf.json', 'jest.config.js', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json', 'vendor']);
    const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({ xos: `file:vendor/${path.basename(tarball)}` });
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['cdktf-cli', 'jest', 'ts-jest', 'typescript']));
    expect(fs.readFileSync(path.join(project, '.github', 'workflows', 'plan-review.yml'), 'utf8')).toMatch(/^\s+PROGRAM: \.$/m);
    expect(fs.readdirSync(path.join(project, '.github', 'xos-review')).sort()).toEqual(['check-render.js', 'plan-stacks.sh', 'same-config.js', 'stacks-to-plan.js']);
    // The aws target's dependency is optional: not installed.
    expect(fs.existsSync(path.join(project, 'node_modules', '@cdktf', 'provider-aws'))).toBe(false);
  });

  test('npx xos validate, with no argument, finds the program from cdktf.json', () => {
    const r = npx(['xos', 'validate']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe('model: 1 sites, 1 users, 1 deployments, 0 services, 0 tenancies, 1 slices, 2 slivers, 1 networks, 0 tenant instances\nviolations: none\n');
  });

  test('npx xos synth writes the local target, as cdktf.json chooses', () => {
    const r = npx(['xos', 'synth']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^xos synth: hello \(main\.ts\), target local \(local: 1\) -> cdktf\.out\n/);
    expect(JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'xos-output.json'), 'utf8'))).toMatchObject({ cloud: 'hello', program: 'main.ts', target: 'local' });
  });

  test('npx xos verify, with no argument, proves the network of the program cdktf.json runs, for the project\'s target', () => {
    const r = npx(['xos', 'verify']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^xos verify: hello \(main\.ts\), target local \(local: 1\)\n/);
    expect(r.stdout).toMatch(/^proven: the flows admitted are exactly the flows intended/m);
    const written = npx(['xos', 'verify', 'cdktf.out']);
    expect({ code: written.code, stderr: written.stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('npx cdktf synth runs the program through cdktf.json, for the same target', () => {
    const r = npx(['cdktf', 'synth']);
    expect({ code: r.code, out: (r.stdout + r.stderr).slice(-1500) }).toEqual({ code: 0, out: expect.stringContaining('Generated Terraform code for the stacks: princeton-head') });
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'princeton-head', 'cdk.tf.json'), 'utf8')).resource)).toEqual(['terraform_data']);
  });

  test('npx cdktf deploy applies it offline, and xos status then says all is in sync', () => {
    const r = npx(['cdktf', 'deploy', '--auto-approve']);
    // Every resource cdktf synthesized (the local target's terraform_data).
    const declared = Object.keys(JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'princeton-head', 'cdk.tf.json'), 'utf8')).resource.terraform_data).length;
    expect({ code: r.code, applied: (r.stdout + r.stderr).includes(`Apply complete! Resources: ${declared} added, 0 changed, 0 destroyed`) }).toEqual({ code: 0, applied: true });
    expect(fs.existsSync(path.join(project, 'terraform.princeton-head.tfstate'))).toBe(true);
    const status = npx(['xos', 'status']);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.stdout).toMatch(/all in sync\n$/);
  });

  test('npx xos rehearse, with no argument, runs the project\'s stacks for the auto target through terraform against the harness', () => {
    const r = npx(['xos', 'rehearse', '--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(r.stdout) as { ok: boolean; program: string; stacks: { stack: string; status: string }[] };
    expect(result).toMatchObject({ ok: true, program: 'hello (main.ts)' });
    expect(result.stacks.map((s) => [s.stack, s.status])).toEqual([['princeton-head', 'applied']]);
    // Its own output, in a temporary folder: the project's cdktf.out (local target) is left as it was.
    expect(JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'xos-output.json'), 'utf8')).target).toBe('local');
  });

  test("npm test runs the project's own jest test, with xos/testing", () => {
    const r = run('npm', ['test', '--silent'], project, env);
    expect({ code: r.code, out: (r.stdout + r.stderr).slice(-2000) }).toEqual({ code: 0, out: expect.stringMatching(/Tests: +\d+ passed, \d+ total/) });
  });

  test('a program with an ec2 Controller names the package it needs, and the local target still works', () => {
    fs.copyFileSync(path.join(ROOT, 'examples', 'opencloud', 'main.ts'), path.join(project, 'opencloud.ts'));
    const r = npx(['xos', 'synth', 'opencloud.ts', '--target', 'auto', '--out', 'opencloud.out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xos: stacks .*ec2-us-east-1.* are rendered by the aws target, which needs the package @cdktf\/provider-aws \(an optional peer dependency of xos, not installed here\)\. Install it in the project: npm install --save-dev @cdktf\/provider-aws@\^21\.22\.1; or synthesize with the local target/);
    expect(fs.existsSync(path.join(project, 'opencloud.out'))).toBe(false);
    expect(npx(['xos', 'synth', 'opencloud.ts', '--target', 'local', '--out', 'opencloud.out']).code).toBe(0);
  });
});
