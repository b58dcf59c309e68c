/**
 * The type-check cache: a program checked clean and unchanged since runs from its cached
 * JavaScript without loading TypeScript; any change to it, or to a file it imports, checks it
 * again; type errors are never cached; stack traces (and the lines violations point at) are
 * the .ts lines.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-typecheck-'));
const cache = path.join(work, 'cache');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Load a program in a fresh process as `xos validate` does; how it was made ready, and whether TypeScript was loaded. */
function load(program: string, extra: Record<string, unknown> = {}): { how?: string; env?: string; ts?: boolean; error?: string; violations?: string[] } {
  const script = `
    const { loadAndCompile } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'cli', 'pipeline.js'))});
    const { lastPreparation } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'cli', 'load.js'))});
    const { typescriptLoaded } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'cli', 'typecheck.js'))});
    try {
      const { compiled } = loadAndCompile(${JSON.stringify(program)}, ${JSON.stringify(extra)});
      const p = lastPreparation();
      console.log(JSON.stringify({ how: p.how, env: p.env, ts: typescriptLoaded(), violations: compiled.violations.map((v) => v.id + ' ' + v.source) }));
    } catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: work, env: { ...process.env, XOS_CACHE_DIR: cache }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('a program and the helper it imports', () => {
  const main = path.join(work, 'main.ts');
  const helper = path.join(work, 'helper.ts');
  beforeAll(() => {
    fs.writeFileSync(
      helper,
      "import { Flavor, Image, type Cloud, type Site } from 'xos';\nexport function noAdmin(site: Site, name: string) {\n  const cloud = site.node.scope as Cloud;\n  return site.addSlice(name, { image: new Image(cloud, `${name}-img`), flavor: new Flavor(cloud, `${name}-f`, { cores: 1, ramMb: 512 }) });\n}\n",
    );
    fs.writeFileSync(
      main,
      "import { Cloud, Site } from 'xos';\nimport { noAdmin } from './helper';\n\nconst cloud = new Cloud({ name: 'cached' });\nconst site = new Site(cloud, 's1');\nnoAdmin(site, 'one');\ncloud.synth();\n",
    );
  });

  test('the first run checks it against the ES library alone', () => {
    expect(load(main)).toMatchObject({ how: 'checked', env: 'es', ts: true });
  });

  test('unchanged, it runs from the cache without loading TypeScript, and points at the same lines', () => {
    const first = load(main);
    expect(first).toMatchObject({ how: 'hit', ts: false });
    expect(first.violations?.filter((v) => v.startsWith('RBAC-004'))).toEqual(['RBAC-004 main.ts:6']);
  });

  test('a file touched but not changed still hits; a change to an imported file checks again', () => {
    const now = new Date();
    fs.utimesSync(main, now, now);
    expect(load(main).how).toBe('hit');
    fs.appendFileSync(helper, '// a comment\n');
    expect(load(main)).toMatchObject({ how: 'checked', ts: true });
    expect(load(main).how).toBe('hit');
  });

  test('a type error is reported with file:line:column, every time: a failed check is never cached', () => {
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, good.replace("new Site(cloud, 's1');", "new Site(cloud, 's1', { loginBase: 42 });"));
    for (let i = 0; i < 2; i++) expect(load(main).error).toMatch(/^main\.ts does not compile:\nmain\.ts:5:\d+ TS2322: Type 'number' is not assignable to type 'string'\./);
    // Back as it was at its last clean check: that check still holds.
    fs.writeFileSync(main, good);
    expect(load(main).how).toBe('hit');
  });

  test('a program that needs node\'s types is checked against the full environment, and the cache remembers it', () => {
    const env = path.join(work, 'env.ts');
    fs.writeFileSync(env, "import { Cloud } from 'xos';\nconst cloud = new Cloud({ name: process.env.CLOUD_NAME ?? 'from-env' });\nconsole.error('declared');\ncloud.synth();\n");
    expect(load(env)).toMatchObject({ how: 'checked', env: 'full' });
    fs.appendFileSync(env, '// changed\n');
    expect(load(env)).toMatchObject({ how: 'checked', env: 'full' });
    expect(load(env)).toMatchObject({ how: 'hit', env: 'full', ts: false });
  });

  test('--transpile-only runs the cached JavaScript when there is some, else transpiles without checking', () => {
    expect(load(main, { transpileOnly: true })).toMatchObject({ how: 'hit', ts: false });
    const other = path.join(work, 'other.ts');
    fs.writeFileSync(other, "import { Cloud } from 'xos';\nconst n: number = 'not checked' as unknown as number;\nnew Cloud({ name: 'quick' + n }).synth();\n");
    expect(load(other, { transpileOnly: true })).toMatchObject({ how: 'transpiled', ts: true });
  });

  test('XOS_CACHE=0 turns the cache off', () => {
    const script = `process.env.XOS_CACHE='0'; const { cacheRoot } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'cli', 'typecheck.js'))}); console.log(String(cacheRoot('.')))`;
    expect(spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout.trim()).toBe('undefined');
  });
});
