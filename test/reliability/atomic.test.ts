/**
 * Atomic output: synthesis writes a temporary directory beside the target and renames it
 * into place under a lock. An error, a signal or a second writer never leaves a mix, a
 * half-written folder or a temporary directory behind.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { abandonTemps, checkTarget, lock, lockSync, makeTemp, siblings, swapInto, writeDirAtomically } from '../../lib/synth/atomic';
import { bigProgram } from '../helpers/big-program';
import { filesBelow } from '../helpers/examples';
import { tmpDir, xos } from '../helpers/tools';

const BIN = path.resolve(__dirname, '..', '..', 'dist', 'bin', 'xos.js');

/** Every file below a folder with its bytes, to compare two outputs exactly. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of filesBelow(dir)) out[f] = fs.readFileSync(path.join(dir, f), 'latin1');
  return out;
}

/** Every entry below a folder, links as links (never followed), files with their bytes. */
function entriesBelow(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, name);
    const st = fs.lstatSync(path.join(dir, r));
    if (st.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(path.join(dir, r))}`;
    else if (st.isDirectory()) Object.assign(out, { [r + '/']: '' }, entriesBelow(dir, r));
    else out[r] = fs.readFileSync(path.join(dir, r), 'latin1');
  }
  return out;
}

/** A folder that looks like a previous synthesized output: its manifest lists its one stack. */
function previousOutput(dir: string): Record<string, string> {
  fs.mkdirSync(path.join(dir, 'stacks', 'old'), { recursive: true });
  const stack = { name: 'old', workingDirectory: 'stacks/old', synthesizedStackPath: 'stacks/old/cdk.tf.json', stackMetadataPath: 'stacks/old/metadata.json' };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: { old: stack }, version: 'old' }) + '\n');
  fs.writeFileSync(path.join(dir, 'xos-model.json'), '{"name":"old"}\n');
  fs.writeFileSync(path.join(dir, 'stacks', 'old', 'cdk.tf.json'), '{}\n');
  return snapshot(dir);
}

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** Wait until `check` holds, polling; fails the test after `limitMs`. */
async function until(what: string, check: () => boolean, limitMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The entries beside `out` in its parent folder, other than `out` itself. */
function leftovers(out: string): string[] {
  return fs.readdirSync(path.dirname(out)).filter((n) => n !== path.basename(out));
}

describe('writing a folder atomically', () => {
  test('an error while writing leaves the old folder as it was and no temporary folder', () => {
    const out = path.join(tmpDir(), 'out');
    const before = previousOutput(out);
    expect(() =>
      writeDirAtomically(out, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'manifest.json'), 'half');
        throw new Error('disk on fire');
      }),
    ).toThrow('disk on fire');
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  test('a successful write replaces the old folder whole', () => {
    const out = path.join(tmpDir(), 'out');
    previousOutput(out);
    writeDirAtomically(out, (tmp) => fs.writeFileSync(path.join(tmp, 'manifest.json'), 'new'));
    expect(snapshot(out)).toEqual({ 'manifest.json': 'new' });
    expect(leftovers(out)).toEqual([]);
  });

  test('a swap waits while another writer holds the lock, and goes ahead once it is released', async () => {
    const out = path.join(tmpDir(), 'out');
    previousOutput(out);
    const release = lockSync(out);
    let second: (() => void) | undefined;
    const waiting = lock(out).then((r) => (second = r));
    await new Promise((r) => setTimeout(r, 200));
    expect(second).toBeUndefined();
    release();
    await waiting;
    expect(second).toBeDefined();
    expect(fs.existsSync(siblings(out).lock)).toBe(true);
    second!();
    expect(fs.existsSync(siblings(out).lock)).toBe(false);
  });

  test('a lock left by a writer that died is taken over', () => {
    const out = path.join(tmpDir(), 'out');
    fs.writeFileSync(siblings(out).lock, String(deadPid()));
    const tmp = makeTemp(out);
    fs.writeFileSync(path.join(tmp, 'manifest.json'), 'new');
    swapInto(tmp, out);
    expect(snapshot(out)).toEqual({ 'manifest.json': 'new' });
    expect(leftovers(out)).toEqual([]);
  });

  test('a lock still being written (empty, just made) is waited for, never taken for pid 0 and deleted', async () => {
    const out = path.join(tmpDir(), 'out');
    fs.writeFileSync(siblings(out).lock, '');
    let got: (() => void) | undefined;
    const waiting = lock(out).then((r) => (got = r));
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toBeUndefined();
    expect(fs.readFileSync(siblings(out).lock, 'utf8')).toBe('');
    // Its writer would have written its pid by now: an empty lock older than 2 s was left by one that died.
    await waiting;
    expect(got).toBeDefined();
    expect(fs.readFileSync(siblings(out).lock, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]+\\n$`));
    got!();
    expect(fs.existsSync(siblings(out).lock)).toBe(false);
  });

  test('what a killed writer left is swept by the next: its temporary folder removed, a moved-aside output restored', () => {
    const out = path.join(tmpDir(), 'out');
    const dead = deadPid();
    const { parent, tmpPrefix, oldPrefix } = siblings(out);
    fs.mkdirSync(path.join(parent, `${tmpPrefix}${dead}-abc`));
    fs.writeFileSync(path.join(parent, `${tmpPrefix}${dead}-abc`, 'manifest.json'), 'half');
    // The writer was killed between its two renames: the output sits aside, the target is gone.
    fs.mkdirSync(path.join(parent, `${oldPrefix}${dead}-1`));
    fs.writeFileSync(path.join(parent, `${oldPrefix}${dead}-1`, 'manifest.json'), 'previous');
    const mine = makeTemp(out);
    expect(snapshot(out)).toEqual({ 'manifest.json': 'previous' });
    expect(leftovers(out)).toEqual([path.basename(mine)]);
    abandonTemps();
    expect(leftovers(out)).toEqual([]);
  });

  test('a live writer\'s temporary folder is left alone', () => {
    const out = path.join(tmpDir(), 'out');
    const { parent, tmpPrefix } = siblings(out);
    const live = path.join(parent, `${tmpPrefix}${process.ppid}-xyz`);
    fs.mkdirSync(live);
    const mine = makeTemp(out);
    expect(fs.existsSync(live)).toBe(true);
    fs.rmSync(mine, { recursive: true });
    fs.rmSync(live, { recursive: true });
  });

  test.each([
    ['the working folder', () => process.cwd(), /holds the folder you work in/],
    ['a parent of the working folder', () => path.dirname(process.cwd()), /holds the folder you work in/],
    ['the file system root', () => '/', /holds the folder you work in/],
    ['the home folder', () => os.homedir(), /holds the folder you work in/],
    ['a file', () => { const f = path.join(tmpDir(), 'f'); fs.writeFileSync(f, 'x'); return f; }, /it is a file, not a folder/],
    ['a path through a file', () => { const f = path.join(tmpDir(), 'f'); fs.writeFileSync(f, 'x'); return path.join(f, 'out'); }, /a part of that path is a file/],
    ['a folder of other things', () => { const d = tmpDir(); fs.writeFileSync(path.join(d, 'main.ts'), ''); return d; }, /refusing to replace .*it holds 1 entry \(main\.ts\) and no manifest\.json or xos-model\.json/],
  ])('refuses to replace %s', (_what, target, message) => {
    expect(() => checkTarget(target())).toThrow(message);
  });

  test('accepts a new folder, an empty one, and a previous output', () => {
    const d = tmpDir();
    expect(() => checkTarget(path.join(d, 'new'))).not.toThrow();
    expect(() => checkTarget(d)).not.toThrow();
    previousOutput(path.join(d, 'prev'));
    expect(checkTarget(path.join(d, 'prev'))).toBe(path.join(d, 'prev'));
  });

  test('accepts a previous output that terraform init ran in (Terraform\'s working files are part of it)', () => {
    const out = path.join(tmpDir(), 'out');
    previousOutput(out);
    fs.mkdirSync(path.join(out, 'stacks', 'old', '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', 'old', '.terraform', 'terraform.tfstate'), '{}');
    fs.writeFileSync(path.join(out, 'stacks', 'old', '.terraform.lock.hcl'), '# lock');
    expect(checkTarget(out)).toBe(out);
  });

  /** A previous output, bent by `bend`. */
  const bent = (bend: (out: string) => void) => () => {
    const out = path.join(tmpDir(), 'out');
    previousOutput(out);
    bend(out);
    return out;
  };
  test.each([
    ['a program in it', bent((o) => fs.writeFileSync(path.join(o, 'main.ts'), '')), /refusing to replace .*out: it holds main\.ts, which is not part of the output xos wrote there \(its manifest\.json lists the files xos made\), and xos replaces the whole output folder\. Move it out of .*out, or choose a new or empty folder/],
    ['a stack its manifest does not list', bent((o) => fs.mkdirSync(path.join(o, 'stacks', 'mine'))), /it holds stacks\/mine\/, which is not part of the output/],
    ['a state file in a stack\'s folder', bent((o) => fs.writeFileSync(path.join(o, 'stacks', 'old', 'terraform.tfstate'), '{}')), /it holds stacks\/old\/terraform\.tfstate, which is not part/],
    ['files where the manifest names folders', bent((o) => { fs.rmSync(path.join(o, 'stacks', 'old'), { recursive: true }); fs.writeFileSync(path.join(o, 'stacks', 'old'), ''); }), /it holds stacks\/old, which is not part/],
    ['a link in it', bent((o) => fs.symlinkSync('/', path.join(o, 'stacks', 'old', 'root'))), /it holds stacks\/old\/root, which is not part/],
    ['a manifest only (no xos-model.json: cdktf synth\'s output)', bent((o) => fs.rmSync(path.join(o, 'xos-model.json'))), /refusing to replace .*: it holds a manifest\.json but no xos-model\.json \(the output of cdktf synth, perhaps\), so it is not the output of an earlier xos synth/],
    ['a manifest that is not JSON', bent((o) => fs.writeFileSync(path.join(o, 'manifest.json'), '{"previous":')), /its manifest\.json cannot be read as JSON \(it ends early at line 1, column 13\), so it is not the output of an earlier xos synth/],
    ['a manifest naming a stack outside the output', bent((o) => fs.writeFileSync(path.join(o, 'manifest.json'), JSON.stringify({ stacks: { x: { workingDirectory: '../..', synthesizedStackPath: '../../main.ts' } } }))), /its manifest\.json lists stack "x" without its folder and file inside the output/],
    ['a dangling link', () => { const d = tmpDir(); fs.symlinkSync(path.join(d, 'gone'), path.join(d, 'out')); return path.join(d, 'out'); }, /^cannot write the output to .*out: it is a symbolic link to .*gone, which points to nothing\. Remove the link or make the folder it names, or choose a new or empty folder/],
    ['a link that loops', () => { const d = tmpDir(); fs.symlinkSync(path.join(d, 'out'), path.join(d, 'out')); return path.join(d, 'out'); }, /it is a symbolic link to .*out, which loops back on itself/],
  ])('refuses to replace a previous output with %s', (_what, target, message) => {
    const t = target();
    const before = entriesBelow(path.dirname(t));
    expect(() => checkTarget(t)).toThrow(message);
    expect(entriesBelow(path.dirname(t))).toEqual(before);
  });

  test('writes through a link to a previous output into the folder it names, and keeps the link', () => {
    const d = tmpDir();
    const real = path.join(d, 'real');
    previousOutput(real);
    fs.symlinkSync(real, path.join(d, 'out'));
    writeDirAtomically(path.join(d, 'out'), (tmp) => fs.writeFileSync(path.join(tmp, 'manifest.json'), 'new'));
    expect(fs.lstatSync(path.join(d, 'out')).isSymbolicLink()).toBe(true);
    expect(snapshot(real)).toEqual({ 'manifest.json': 'new' });
    expect(fs.readdirSync(d).sort()).toEqual(['out', 'real']);
  });
});

describe('xos synth as real processes', () => {
  const work = tmpDir('xos-atomic-');
  for (const [name, sites] of [['race-a', 60], ['race-b', 61], ['big', 400]] as const) fs.writeFileSync(path.join(work, `${name}.ts`), bigProgram({ name, sites }));

  /** The output of one synth of a program, made alone, to compare with. */
  function reference(program: string): Record<string, string> {
    const out = path.join(tmpDir(), 'ref');
    const r = xos(['synth', path.join(work, program), '--out', out, '--transpile-only', '--target', 'local']);
    expect(r.stderr).toBe('');
    return snapshot(out);
  }

  test('two synths into one folder at once both succeed, and the folder holds one of their outputs whole', async () => {
    const refs = [reference('race-a.ts'), reference('race-b.ts')];
    for (let round = 0; round < 2; round++) {
      const out = path.join(tmpDir(), 'out');
      previousOutput(out);
      const run = (program: string) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, 'synth', path.join(work, program), '--out', out, '--transpile-only', '--target', 'local'], { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => resolve({ code, stderr }));
        });
      const results = await Promise.all([run('race-a.ts'), run('race-b.ts')]);
      expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
      const got = snapshot(out);
      expect([JSON.stringify(got) === JSON.stringify(refs[0]), JSON.stringify(got) === JSON.stringify(refs[1])]).toContain(true);
      expect(leftovers(out)).toEqual([]);
    }
  });

  test('a synth waits for the lock another writer holds, and never swaps under it', async () => {
    const out = path.join(tmpDir(), 'out');
    const before = previousOutput(out);
    fs.writeFileSync(siblings(out).lock, String(process.pid));
    const child = spawn(process.execPath, [BIN, 'synth', path.join(work, 'race-a.ts'), '--out', out, '--transpile-only', '--target', 'local'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const { parent, tmpPrefix } = siblings(out);
    const tmp = () => fs.readdirSync(parent).find((n) => n.startsWith(tmpPrefix));
    // xos-model.json is the last file a synth writes before it swaps.
    await until('the child to finish writing its temporary folder', () => !!tmp() && fs.existsSync(path.join(parent, tmp()!, 'xos-model.json')));
    await new Promise((r) => setTimeout(r, 300));
    expect(snapshot(out)).toEqual(before);
    fs.rmSync(siblings(out).lock);
    expect(await exited).toBe(0);
    expect(snapshot(out)['manifest.json']).not.toBe(before['manifest.json']);
    expect(leftovers(out)).toEqual([]);
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('a synth stopped by %s mid-synthesis leaves the old output intact and no temporary folder', async (signal) => {
    const out = path.join(tmpDir(), 'out');
    const before = previousOutput(out);
    const child = spawn(process.execPath, [BIN, 'synth', path.join(work, 'big.ts'), '--out', out, '--transpile-only', '--target', 'local'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const { parent, tmpPrefix } = siblings(out);
    await until('the synth to start writing', () => fs.readdirSync(parent).some((n) => n.startsWith(tmpPrefix)));
    child.kill(signal);
    const code = await exited;
    expect(stdout).toBe('');
    expect(stderr).toBe(`xos: interrupted by ${signal}: nothing was written, and ${out} is as it was.\n`);
    expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });
});
