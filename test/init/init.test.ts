/**
 * `xos init` without installing: what it writes for each example, that the project's commands
 * find everything from it (no argument), that its jest test passes, and what it refuses.
 * (test/package/project.test.ts installs one from the packed tarball and runs it all.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoTmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
// Inside the repository: the generated jest test then runs under this repository's jest.
const work = repoTmpDir('init-');
fs.mkdirSync(work, { recursive: true });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.each(['hello', 'central-office'])('xos init --example %s', (example) => {
  const dir = path.join(work, example);
  let r: ReturnType<typeof xos>;
  beforeAll(() => {
    r = xos(['init', dir, '--example', example, '--skip-install', '--xos', `file:${ROOT}`]);
  });

  test('writes a whole project and says what next', () => {
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    // central-office reads its subscribers beside it, with the pool values recorded for them.
    const data = example === 'central-office' ? ['subscribers.csv', 'xos.allocations.json'] : [];
    const wrote = ['.github/workflows/plan-review.yml', '.github/xos-review/check-render.js', '.github/xos-review/plan-stacks.sh', '.github/xos-review/same-config.js', '.github/xos-review/stacks-to-plan.js', '.gitignore', 'README.md', 'cdktf.json', 'jest.config.js', 'main.test.ts', 'main.ts', 'package.json', ...data, 'tsconfig.json'].sort();
    expect(r.stdout).toContain(`xos init: wrote ${wrote.join(', ')} into`);
    for (const f of data) expect(fs.readFileSync(path.join(dir, f), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'examples', example, f), 'utf8'));
    expect(r.stdout).toContain(example === 'hello' ? 'npx cdktf deploy ' : "npx cdktf deploy '*'");
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'examples', example, 'main.ts'), 'utf8'));
    const cdktf = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8'));
    expect(cdktf).toMatchObject({ language: 'typescript', app: 'npx ts-node main.ts', output: 'cdktf.out', context: { 'xos:target': 'local' } });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: example, private: true, dependencies: { xos: `file:${ROOT}` }, scripts: { test: 'jest', verify: 'xos verify' } });
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules/', 'cdktf.out/', '*.tfstate']));
    expect((fs.statSync(dir).mode & 0o777).toString(8)).not.toBe('700');
    // The workflow runs its scripts from the base branch's checkout of this project.
    const workflow = fs.readFileSync(path.join(dir, '.github', 'workflows', 'plan-review.yml'), 'utf8');
    expect(workflow).toMatch(/^\s+SCRIPTS: base\/\.github\/xos-review$/m);
    expect(workflow).not.toMatch(/^\s+(SCRIPTS|sparse-checkout):.*examples\/github/m);
    // Its header says what init did, not to copy what is already copied.
    expect(workflow).toMatch(/^# Written by xos init, with its scripts in \.github\/xos-review\/ \(SCRIPTS below\)\.$/m);
    expect(workflow).not.toMatch(/Copy this file/);
    for (const f of fs.readdirSync(path.join(ROOT, 'examples', 'github', 'scripts')))
      expect(fs.readFileSync(path.join(dir, '.github', 'xos-review', f), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'examples', 'github', 'scripts', f), 'utf8'));
  });

  test('commands with no argument find the program through cdktf.json, and use its target', () => {
    const v = xos(['validate'], { cwd: dir });
    expect({ code: v.code, stderr: v.stderr }).toEqual({ code: 0, stderr: '' });
    expect(v.stdout).toMatch(/violations: none/);
    const s = xos(['synth', '--json'], { cwd: dir });
    expect(s.code).toBe(0);
    const done = JSON.parse(s.stdout);
    expect(done).toMatchObject({ ok: true, target: 'local' });
    // The recorded allocations came along: nothing new to record.
    expect(done.allocations).toBeUndefined();
  });

  test("the project's jest test passes", () => {
    const j = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--rootDir', ROOT, '--testPathIgnorePatterns', '/node_modules/', '--', path.join(dir, 'main.test.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    expect({ code: j.status, out: j.stderr.slice(-1500) }).toEqual({ code: 0, out: expect.stringMatching(/Tests: +\d+ passed, \d+ total/) });
  });
});

describe('xos init refuses', () => {
  test('a folder that is not empty, naming what is there', () => {
    const dir = path.join(work, 'full');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const r = xos(['init', dir, '--skip-install']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not empty \(it holds notes\.txt\): xos init writes a new project into a new or empty folder\./);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  test('a tarball that is not there, and two sources of xos at once', () => {
    expect(xos(['init', path.join(work, 'a'), '--skip-install', '--tarball', 'nope.tgz']).stderr).toMatch(/--tarball nope\.tgz: no such file\. Make one with 'npm pack'/);
    expect(xos(['init', path.join(work, 'b'), '--skip-install', '--tarball', 'x.tgz', '--xos', '^1']).stderr).toBe('xos: --tarball and --xos both say where xos comes from: give one.\n');
    expect(fs.existsSync(path.join(work, 'a'))).toBe(false);
  });

  test('an example it does not have', () => {
    expect(xos(['init', path.join(work, 'c'), '--example', 'opencloud']).stderr).toMatch(/--example 'opencloud' is not one of: hello, central-office/);
  });
});
