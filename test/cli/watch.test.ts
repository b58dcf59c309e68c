/**
 * `xos validate --watch` as a user runs it: validate, then on every save the rules first and
 * the type check after, in one warm process; Ctrl-C ends it.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'xos.js');

class Output {
  text = '';
  private waiters: { re: RegExp; from: number; resolve: (m: RegExpMatchArray) => void }[] = [];
  push(chunk: string): void {
    this.text += chunk;
    this.waiters = this.waiters.filter((w) => {
      const m = this.text.slice(w.from).match(w.re);
      if (m) w.resolve(m);
      return !m;
    });
  }
  /** The next match of `re` after what has been seen so far (or after `from`). */
  next(re: RegExp, from = this.text.length, ms = 60_000): Promise<RegExpMatchArray> {
    const m = this.text.slice(from).match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms; output so far:\n${this.text}`)), ms);
      this.waiters.push({ re, from, resolve: (x) => (clearTimeout(t), resolve(x)) });
    });
  }
}

describe('xos validate --watch', () => {
  let dir: string;
  let child: ChildProcess;
  const out = new Output();
  const err = new Output();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-watch-'));
    fs.copyFileSync(path.join(ROOT, 'examples', 'hello', 'main.ts'), path.join(dir, 'main.ts'));
    child = spawn(process.execPath, [BIN, 'validate', 'main.ts', '--watch'], { cwd: dir, env: { ...process.env, XOS_CACHE_DIR: path.join(dir, '.cache') } });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));
  });

  afterAll(() => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const main = () => path.join(dir, 'main.ts');
  const edit = (from: string, to: string) => {
    const src = fs.readFileSync(main(), 'utf8');
    if (!src.includes(from)) throw new Error(`hello changed: no ${from}`);
    // As editors save: a new file renamed over the old one.
    fs.writeFileSync(main() + '.swp', src.replace(from, to));
    fs.renameSync(main() + '.swp', main());
  };

  test('validates first, type checked, and says what it watches', async () => {
    await err.next(/passes \(\d+ ms, \d+ ms CPU\); watching 1 file for changes \(Ctrl-C to stop\)\n/, 0);
    // What xos validate prints: the model's counts, then the violations.
    expect(out.text).toBe('model: 1 sites, 1 users, 1 deployments, 0 services, 0 tenancies, 1 slices, 2 slivers, 1 networks, 0 tenant instances\nviolations: none\n');
  });

  test('a save that breaks a rule: the rules answer first, the types after', async () => {
    const o = out.text.length;
    const e = err.text.length;
    edit("hello.grant(alice, 'admin');", '');
    await err.next(/rules: fail|rules: pass/, e);
    await err.next(/types: sound \(\d+ ms, \d+ ms CPU\); watching for changes\n/, e);
    expect(out.text.slice(o)).toMatch(/^RBAC-004 warning princeton\/hello: Slice hello has no Slice admin\./m);
    expect(err.text.slice(e)).toMatch(/rules: pass \(\d+ ms, \d+ ms CPU\); checking types \.\.\.\n/);
  });

  test('a type error is reported with file:line:column after the rules', async () => {
    const e = err.text.length;
    edit("const ubuntu = new Image(cloud, 'ubuntu-22.04');", "const ubuntu = new Image(cloud, 'ubuntu-22.04');\nconst wrong: number = 'x';");
    const m = await err.next(/xos: main\.ts does not compile:\nmain\.ts:(\d+):(\d+) TS2322: Type 'string' is not assignable to type 'number'\.\n/, e);
    expect(Number(m[1])).toBeGreaterThan(10);
    await err.next(/types: errors above \(\d+ ms, \d+ ms CPU\); watching for changes\n/, e);
  });

  test('fixing it: sound again, and the clean check is cached for the next xos validate', async () => {
    const e = err.text.length;
    edit("const wrong: number = 'x';", '');
    await err.next(/types: sound/, e);
    expect(fs.readdirSync(path.join(dir, '.cache', 'programs'))).toHaveLength(1);
  });

  test('Ctrl-C ends it with exit 0', async () => {
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });
});
