/**
 * The bad-input corpus (test/bad-inputs/): every bad program, state, plan, model file and
 * command line ends with a clear message (what, where, the fix), the right exit code, no
 * stack trace (unless --debug), and nothing half-written. Each case runs the real CLI.
 *
 * A program case is `programs/<name>.ts` whose first comment lines say what it must do
 * (or, for a file that cannot hold comments, `programs/<name>.expect`):
 *
 *   // expect exit: 1                  the exit code
 *   // expect stdout: <regex>          a line of standard output must match (multiline)
 *   // expect stderr: <regex>          a line of standard error must match
 *   // expect silent: <text>           the text appears nowhere: not printed, not written
 *   // expect args: --strict           more arguments for `xos synth`
 *   // expect typecheck                run without --transpile-only
 *   // expect big output               the output may be long (a case with many violations)
 *
 * A data case is a file under `files/` read as a state (`xos status`), a plan and a model
 * (`xos review`), with its expectations in `files/expectations.json`; more data cases are
 * made here from real fixtures (cut at every tenth of their length, re-encoded, enlarged).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { filesBelow } from '../helpers/examples';
import { tmpDir } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'test', 'bad-inputs');
const BIN = path.join(ROOT, 'dist', 'bin', 'xos.js');
const STACK_TRACE = /^\s+at .*(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
const OUTPUT_LIMIT = 20_000;

interface Expectation {
  exit: number;
  stdout: RegExp[];
  stderr: RegExp[];
  silent: string[];
  args: string[];
  typecheck: boolean;
  bigOutput: boolean;
}

interface Case {
  readonly name: string;
  readonly args: string[];
  readonly cwd: string;
  readonly expect: Expectation;
  /** Folders the run must leave exactly as they were when it fails (and whole when it succeeds). */
  readonly out?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The file the case reads: the error must name it. */
  readonly file?: string;
  /** The case must end exactly as this other case (same exit code and output). */
  readonly sameAs?: string;
  /** The most the case may print (default: OUTPUT_LIMIT). */
  readonly maxOutput?: number;
  /** What the working folder holds before the run (and must hold after it); default: nothing. */
  readonly cwdHolds?: readonly string[];
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Parse `// expect ...` lines. */
export function parseExpectations(text: string, where: string): Expectation {
  const e: Expectation = { exit: NaN, stdout: [], stderr: [], silent: [], args: [], typecheck: false, bigOutput: false };
  for (const line of text.split('\n')) {
    const m = /^\/\/ expect (\w[\w ]*?)(?:: (.*))?$/.exec(line);
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'exit') e.exit = Number(value);
    else if (key === 'stdout') e.stdout.push(new RegExp(value, 'm'));
    else if (key === 'stderr') e.stderr.push(new RegExp(value, 'm'));
    else if (key === 'silent') e.silent.push(value);
    else if (key === 'args') e.args.push(...value.split(' ').filter(Boolean));
    else if (key === 'typecheck') e.typecheck = true;
    else if (key === 'big output') e.bigOutput = true;
    else throw new Error(`${where}: unknown expectation '${key}'`);
  }
  if (Number.isNaN(e.exit)) throw new Error(`${where}: no '// expect exit: N' line`);
  return e;
}

/** A folder that looks like a previous synthesized output; its bytes, to compare after. */
function previousOutput(dir: string): Record<string, string> {
  fs.mkdirSync(path.join(dir, 'stacks', 'previous'), { recursive: true });
  const stack = { name: 'previous', workingDirectory: 'stacks/previous', synthesizedStackPath: 'stacks/previous/cdk.tf.json', stackMetadataPath: 'stacks/previous/metadata.json' };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: { previous: stack }, version: 'previous' }) + '\n');
  fs.writeFileSync(path.join(dir, 'xos-model.json'), '{"previous":true}\n');
  fs.writeFileSync(path.join(dir, 'stacks', 'previous', 'cdk.tf.json'), '{}\n');
  return snapshot(dir);
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of filesBelow(dir)) out[f] = fs.readFileSync(path.join(dir, f), 'latin1');
  return out;
}

function programCases(): Case[] {
  const dir = path.join(CORPUS, 'programs');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -3);
      const sidecar = path.join(dir, `${name}.expect`);
      const header = fs.readFileSync(fs.existsSync(sidecar) ? sidecar : path.join(dir, f), 'utf8');
      const expect = parseExpectations(header, f);
      const out = path.join(tmpDir('xos-bad-'), 'out');
      const program = path.relative(ROOT, path.join(dir, f));
      return { name: `program ${name}`, args: ['synth', program, '--out', out, '--target', 'local', ...(expect.typecheck ? [] : ['--transpile-only']), ...expect.args], cwd: ROOT, expect, out };
    });
}

function run(c: Case): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...c.args], { cwd: c.cwd, env: c.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Run cases `width` at a time. */
async function runAll(cases: readonly Case[], width: number): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      results.set(c.name, await run(c));
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const TF_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const STACK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** The checks every case gets, then its own. */
function check(c: Case, r: Result, before?: Record<string, string>): void {
  const printed = r.stdout + r.stderr;
  const show = `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout (${r.stdout.length} chars)\n${r.stdout.slice(0, 3000)}\n--- stderr (${r.stderr.length} chars)\n${r.stderr.slice(0, 3000)}`;
  const fail = (why: string) => {
    throw new Error(`${c.name}: ${why}\n${show}`);
  };
  if (r.code !== c.expect.exit) fail(`expected exit ${c.expect.exit}`);
  const limit = c.maxOutput ?? OUTPUT_LIMIT;
  if (!c.expect.bigOutput && printed.length > limit) fail(`it printed ${printed.length} characters (limit ${limit})`);
  // Line by line: a pattern never runs over a whole (possibly huge) output at once.
  const outLines = r.stdout.split('\n');
  const errLines = r.stderr.split('\n');
  for (const re of c.expect.stdout) if (!outLines.some((l) => re.test(l))) fail(`no line of standard output matches ${re}`);
  for (const re of c.expect.stderr) if (!errLines.some((l) => re.test(l))) fail(`no line of standard error matches ${re}`);
  if (!c.args.includes('--debug') && [...outLines, ...errLines].some((l) => l.length < 10_000 && STACK_TRACE.test(l))) fail('it printed a stack trace without --debug');
  if (printed.includes('internal error')) fail('it reported an internal error (a crash of xos), not a clear one');
  for (const s of c.expect.silent) {
    if (printed.includes(s)) fail(`it printed ${JSON.stringify(s)}`);
    if (c.out) for (const f of filesBelow(path.dirname(c.out))) if (fs.readFileSync(path.join(path.dirname(c.out), f), 'latin1').includes(s)) fail(`it wrote ${JSON.stringify(s)} to ${f}`);
  }
  if (c.file && r.code === 1) {
    const first = r.stderr.split('\n')[0];
    if (!first.startsWith('xos: ') || !first.includes(path.basename(c.file))) fail(`its first line of standard error does not name the file ${path.basename(c.file)}`);
    if (r.stdout !== '') fail('it printed to standard output although it failed');
  }
  if (c.cwd !== ROOT) {
    const now = fs.readdirSync(c.cwd).sort();
    if (JSON.stringify(now) !== JSON.stringify([...(c.cwdHolds ?? [])].sort())) fail(`it changed its working folder, which now holds: ${now.join(', ')}`);
  }
  if (!c.out || !before) return;
  const beside = fs.readdirSync(path.dirname(c.out)).filter((n) => n !== path.basename(c.out!));
  if (beside.length) fail(`it left ${beside.join(', ')} beside the output folder`);
  if (r.code !== 0) {
    if (JSON.stringify(snapshot(c.out)) !== JSON.stringify(before)) fail('it changed the previous output although it failed');
    return;
  }
  const files = filesBelow(c.out);
  for (const need of ['manifest.json', 'xos-model.json']) if (!files.includes(need)) fail(`its output has no ${need}`);
  if (files.some((f) => f.includes('previous'))) fail('its output still holds files of the previous output');
  for (const f of files.filter((x) => x.endsWith('cdk.tf.json'))) {
    const stack = f.split(path.sep)[1];
    if (!STACK_NAME.test(stack) || stack.length > 100) fail(`stack folder ${JSON.stringify(stack.slice(0, 80))} is not a valid name`);
    const tf = JSON.parse(fs.readFileSync(path.join(c.out, f), 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    for (const [type, byName] of Object.entries(tf.resource ?? {}))
      for (const n of Object.keys(byName)) if (!TF_NAME.test(n) || n.length > 200) fail(`resource ${type}.${n.slice(0, 80)} has an invalid name`);
  }
}

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** Real inputs: a state and a plan from the fixtures, and a model this test synthesizes. */
const REAL = {
  state: path.join(FIXTURES, 'xila10-Terraform-Openstack', 'terraform.tfstate'),
  plan: path.join(FIXTURES, 'borchero-terraform-plan-comment', '1-modify.plan.json'),
  bigPlan: path.join(FIXTURES, 'borchero-terraform-plan-comment', '7-create-hundreds.plan.json'),
};
const WORK = tmpDir('xos-bad-data-');
const MODEL = path.join(WORK, 'hello', 'xos-model.json');

type Reader = 'state' | 'plan' | 'model' | 'model-status';

/** The command that reads `file` as a state, a plan or a model; the other inputs are good ones. */
function readerArgs(reader: Reader, file: string): string[] {
  switch (reader) {
    case 'state':
      return ['status', MODEL, '--state', file];
    case 'plan':
      return ['review', '--plan', file, '--model', MODEL];
    case 'model':
      return ['review', '--plan', REAL.plan, '--model', file];
    case 'model-status':
      return ['status', file, '--state', REAL.state];
  }
}

const noExpect = (over: Partial<Expectation> = {}): Expectation => ({ exit: 1, stdout: [], stderr: [], silent: [], args: [], typecheck: false, bigOutput: false, ...over });

/** A data case: `file` read by `reader`, in a fresh, empty working folder. */
function dataCase(name: string, reader: Reader, file: string, expect: Expectation, extra: Partial<Case> = {}): Case {
  return { name: `${reader} ${name}`, args: readerArgs(reader, file), cwd: tmpDir('xos-bad-cwd-'), expect, file, ...extra };
}

/** The committed data files, each read four ways. */
function fileCases(): Case[] {
  const dir = path.join(CORPUS, 'files');
  const table = JSON.parse(fs.readFileSync(path.join(dir, 'expectations.json'), 'utf8')) as Record<string, Record<Reader, string>>;
  const files = fs.readdirSync(dir).filter((f) => f !== 'expectations.json').sort();
  expect(files).toEqual(Object.keys(table).filter((k) => k !== '//').sort());
  return files.flatMap((f) =>
    (['state', 'plan', 'model', 'model-status'] as const).map((reader) => dataCase(f, reader, path.join(dir, f), noExpect({ stderr: [new RegExp(table[f][reader])] }))),
  );
}

/** UTF-16 with and without a byte order mark. */
function utf16(bytes: Buffer, how: 'le-bom' | 'be-bom' | 'le'): Buffer {
  const le = Buffer.from(bytes.toString('utf8'), 'utf16le');
  if (how === 'le') return le;
  if (how === 'le-bom') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
}

/** Generated data: real files cut at every tenth, re-encoded as UTF-16, enlarged. Written in `makeGenerated`. */
const GENERATED: { file: string; make: () => Buffer }[] = [];
function generatedCases(): Case[] {
  const cases: Case[] = [];
  const add = (file: string, make: () => Buffer) => {
    GENERATED.push({ file, make });
    return file;
  };
  const sources: [Reader, string, () => Buffer][] = [
    ['state', 'state', () => fs.readFileSync(REAL.state)],
    ['plan', 'plan', () => fs.readFileSync(REAL.plan)],
    ['model-status', 'model', () => fs.readFileSync(MODEL)],
    ['model', 'model', () => fs.readFileSync(MODEL)],
  ];
  const truncated: Record<Reader, RegExp> = {
    state: /is truncated: its JSON ends early \(.*\)\. It was cut off while being written or copied; read it again from its source \(terraform state pull\)\.$/,
    plan: /is truncated: its JSON ends early \(.*\)\. It was cut off while being written or copied\. Produce it with/,
    model: /is not valid JSON \(.*\)\. It is written by `xos synth <program>` as <out>\/xos-model\.json\.$/,
    'model-status': /is truncated: its JSON ends early \(.*\)\. It was cut off while being written or copied/,
  };
  for (const [reader, kind, read] of sources) {
    for (let tenth = 1; tenth <= 9; tenth++) {
      if (reader === 'model' && tenth % 3 !== 0) continue; // the review's model reader: three cuts are enough
      const file = add(path.join(WORK, 'cut', `${reader}-${tenth}0-percent.json`), () => {
        const b = read();
        return b.subarray(0, Math.floor((b.length * tenth) / 10));
      });
      cases.push(dataCase(`${kind} cut at ${tenth}0%`, reader, file, noExpect({ stderr: [truncated[reader]] })));
    }
    // The same file whole, then in UTF-16: read alike, to the byte. Each is given as
    // ../<kind>.json from its own folder, so that the messages name them alike.
    const encoded = (how: 'utf-8' | 'le-bom' | 'be-bom' | 'le', make: () => Buffer): Case => {
      add(path.join(WORK, 'enc', reader, how, `${kind}.json`), make);
      return { name: `${reader} ${kind} in ${how === 'utf-8' ? 'UTF-8 (the reference for its UTF-16 copies)' : `UTF-16 (${how})`}`, args: readerArgs(reader, path.join('..', `${kind}.json`)), cwd: path.join(WORK, 'enc', reader, how, 'cwd'), expect: noExpect({ exit: NaN }) };
    };
    const base = encoded('utf-8', read);
    cases.push(base);
    for (const how of ['le-bom', 'be-bom', 'le'] as const) cases.push({ ...encoded(how, () => utf16(read(), how)), sameAs: base.name });
  }
  // Large inputs: each read quickly and answered briefly.
  const junk = add(path.join(WORK, 'big', 'junk-20mb.json'), () => Buffer.alloc(20_000_000, 'x'));
  cases.push(dataCase('20 MB that is not JSON', 'state', junk, noExpect({ stderr: [/is not JSON \(it does not begin with \{ or \[\): expected a Terraform state\.$/] })));
  cases.push(dataCase('20 MB that is not JSON', 'plan', junk, noExpect({ stderr: [/is not valid JSON \(an unexpected character at line 1, column 1\)/] })));
  const nested = add(path.join(WORK, 'big', 'nested-1m-deep.json'), () => Buffer.from('['.repeat(1_000_000) + ']'.repeat(1_000_000)));
  cases.push(dataCase('JSON nested a million deep', 'state', nested, noExpect({ stderr: [/holds JSON array, not a Terraform state/] })));
  cases.push(dataCase('JSON nested a million deep', 'plan', nested, noExpect({ stderr: [/is not a Terraform plan: it holds an array, not an object\./] })));
  const bigState = add(path.join(WORK, 'big', 'state-20000-resources.json'), () => {
    const st = JSON.parse(fs.readFileSync(REAL.state, 'utf8')) as { resources: { mode: string; name: string }[] };
    const r = st.resources.find((x) => x.mode === 'managed')!;
    st.resources = Array.from({ length: 20_000 }, (_, i) => ({ ...r, name: `${r.name}_${i}` }));
    return Buffer.from(JSON.stringify(st));
  });
  cases.push(dataCase('a 40 MB state of another program (20,000 resources)', 'state', bigState, noExpect({ stderr: [/is not the state of stack princeton-head: none of its 20000 resources \(.*\.\.\.\) is declared there, nor names an object of this model\./] })));
  const bigPlan = add(path.join(WORK, 'big', 'plan-20000-changes.json'), () => {
    const pl = JSON.parse(fs.readFileSync(REAL.bigPlan, 'utf8')) as { resource_changes: { address: string; index?: unknown }[] };
    const rc = pl.resource_changes[0];
    pl.resource_changes = Array.from({ length: 20_000 }, (_, i) => ({ ...rc, address: `${rc.address.replace(/\[.*\]$/, '')}["k${i}"]`, index: `k${i}` }));
    return Buffer.from(JSON.stringify(pl));
  });
  // Review output always fits one GitHub comment (65,536 characters).
  // Exit 3: no actor is given, so nothing is authorized and the review blocks.
  cases.push(dataCase('a plan of 20,000 changes', 'plan', bigPlan, noExpect({ exit: 3, stdout: [/20000/] }), { maxOutput: 65_536 }));
  const longString = add(path.join(WORK, 'big', 'state-10mb-string.json'), () => {
    const st = JSON.parse(fs.readFileSync(REAL.state, 'utf8')) as { terraform_version: string };
    st.terraform_version = 'v'.repeat(10_000_000);
    return Buffer.from(JSON.stringify(st));
  });
  cases.push(dataCase('a state whose terraform_version is 10 MB', 'state', longString, noExpect({ stderr: [/is not the state of stack princeton-head/] })));
  return cases;
}

/** Synthesize the reference model and write every generated file. */
function makeGenerated(): void {
  const r = spawnSync(process.execPath, [BIN, 'synth', path.join(ROOT, 'examples', 'hello'), '--out', path.dirname(MODEL), '--target', 'local', '--transpile-only'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot synthesize the reference model: ${r.stderr}`);
  for (const g of GENERATED) {
    fs.mkdirSync(path.dirname(g.file), { recursive: true });
    fs.writeFileSync(g.file, g.make());
  }
  for (const d of ['state', 'plan', 'model', 'model-status']) for (const how of ['utf-8', 'le-bom', 'be-bom', 'le']) fs.mkdirSync(path.join(WORK, 'enc', d, how, 'cwd'), { recursive: true });
}

/** Bad command lines. */
function usageCases(): Case[] {
  const dir = tmpDir('xos-bad-usage-');
  fs.mkdirSync(path.join(dir, 'folder'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'docs', 'index.md'), '# docs');
  const hello = path.join(ROOT, 'examples', 'hello');
  const rows: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /^xos: unknown command 'frobnicate'\. Commands: validate, synth, /],
    ['a command with no program, outside a project', ['synth'], /^xos: no program given, and no cdktf\.json here or above \(in .*\) to find one in\. Give the program \(a \.ts file, a folder holding main\.ts, or a recipe\.yaml\), or run in a project made by 'xos init'\.$/],
    ['an extra argument', ['synth', 'a.ts', 'b.ts'], /^xos: 'xos synth' got an unexpected argument 'b\.ts'\. Usage: /],
    ['an unknown option', ['synth', hello, '--jsn'], /^xos: unknown option --jsn for 'xos synth'\. Run 'xos synth --help' for its options\.$/],
    ['an option without its value', ['synth', hello, '--out'], /^xos: --out needs a value \(DIR\)$/],
    ['a target that does not exist', ['synth', hello, '--target', 'mars'], /^xos: --target 'mars' is not one of: /],
    ['a program that does not exist', ['validate', 'nothere.ts'], /^xos: program not found: nothere\.ts\. Give a \.ts file, or a folder holding main\.ts\.$/],
    ['a folder without main.ts', ['validate', 'folder'], /^xos: folder is a folder without main\.ts\. Put the program in folder\/main\.ts, or name the \.ts file\.$/],
    ['a file that is not a program', ['validate', 'notes.txt'], /^xos: notes\.txt is not a TypeScript program/],
    ['--out at the working folder', ['synth', hello, '--out', '.', '--transpile-only'], /^xos: refusing to write the output to \.: xos replaces the whole output folder, and this one holds the folder you work in\. Choose a new or empty folder/],
    ['--out at a parent of the working folder', ['synth', hello, '--out', '..', '--transpile-only'], /^xos: refusing to write the output to .*: xos replaces the whole output folder, and this one holds the folder you work in\./],
    ['--out at a file', ['synth', hello, '--out', 'notes.txt', '--transpile-only'], /^xos: cannot write the output to notes\.txt: it is a file, not a folder\. Choose a new or empty folder/],
    ['--out below a file', ['synth', hello, '--out', 'notes.txt/out', '--transpile-only'], /^xos: cannot write the output to notes\.txt\/out: a part of that path is a file, not a folder\./],
    ['--out at a folder of other files', ['synth', hello, '--out', 'docs', '--transpile-only'], /^xos: refusing to replace docs: it holds 1 entry \(index\.md\) and no manifest\.json or xos-model\.json, so it is not a synthesized output/],
    ['a review with no plan', ['review', '--model', 'm.json'], /^xos: 'xos review' needs at least one --plan FILE/],
    ['a review with no model', ['review', '--plan', 'p.json'], /^xos: 'xos review' needs --model FILE/],
    ['a plan that does not exist', ['review', '--plan', 'nothere.json', '--model', 'm.json'], /^xos: error: cannot read (plan|model) file (nothere|m)\.json: no such file\./],
    ['a plan that is a folder', ['review', '--plan', 'folder', '--model', MODEL], /^xos: error: cannot read plan file folder: it is a directory\./],
    ['an empty --actor', ['review', '--plan', 'p.json', '--model', 'm.json', '--actor', ''], /^xos: --actor is empty: give the User \(key or name\) who authored the change, or leave --actor out\.$/],
    ['a state that does not exist', ['status', MODEL, '--state', 'nothere.json'], /^xos: state file not found: nothere\.json\. Give the path of a state \(terraform state pull > state\.json\)\.$/],
    ['a state that is a folder', ['status', MODEL, '--state', 'folder'], /^xos: folder is a folder, not a state file\.$/],
    ['--state with --pull', ['status', MODEL, '--state', 'x.json', '--pull'], /^xos: --state reads the given files; it cannot be combined with --pull/],
    ['a state for a stack that does not exist', ['status', MODEL, '--state', `nostack=${REAL.state}`], /the program has no stack 'nostack' \(its stacks: princeton-head\)\.$/],
    ['a model that does not exist', ['status', 'nothere.json'], /^xos: cannot read the model .*nothere\.json: no such file\. Give a program, or the xos-model\.json that xos synth wrote\.$/],
  ];
  return rows.map(([what, args, re]) => ({ name: `usage: ${what}`, args, cwd: dir, expect: noExpect({ stderr: [re] }), cwdHolds: ['docs', 'folder', 'notes.txt'] }));
}

describe('the bad-input corpus, through the built CLI', () => {
  const programs = programCases();
  const files = fileCases();
  const generated = generatedCases();
  const usage = usageCases();
  const all = [...programs, ...files, ...generated, ...usage];
  const befores = new Map(programs.map((c) => [c.name, previousOutput(c.out!)]));
  let results = new Map<string, Result>();

  beforeAll(async () => {
    makeGenerated();
    results = await runAll(all, 2);
  }, 900_000);

  test('holds at least 100 program cases and 100 data cases', () => {
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(programs.length).toBeGreaterThanOrEqual(100);
    expect(files.length + generated.length).toBeGreaterThanOrEqual(100);
  });

  test.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = results.get(c.name)!;
    if (c.sameAs) {
      const ref = results.get(c.sameAs)!;
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: ref.code, stdout: ref.stdout, stderr: ref.stderr });
      check({ ...c, expect: { ...c.expect, exit: ref.code ?? NaN } }, r);
    } else if (Number.isNaN(c.expect.exit)) check({ ...c, expect: { ...c.expect, exit: r.code ?? NaN } }, r);
    else check(c, r, befores.get(c.name));
  });
});
