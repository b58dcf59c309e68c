/**
 * Every command the READMEs show (README.md's and the examples') is run here, in order, as a
 * reader would type it, in a scratch copy of the examples; where a README shows what a command
 * prints, the output is compared with it. A command the READMEs gain must be added to the
 * table below (run here, or named as run by another test), and one they lose removed from it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describeWith, repoTmpDir, terraformEnv } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const FILES = ['README.md', 'examples/hello/README.md', 'examples/central-office/README.md', 'examples/opencloud/README.md'];

interface Shown {
  readonly file: string;
  /** The command as shown, without its trailing comment. */
  readonly command: string;
  /** The folder it runs in, relative to the repository (an example's inline commands run in its folder). */
  readonly cwd: string;
}

/** The commands of each file: every line of its `sh` blocks, and the examples' inline `npx` commands ("from this folder"). */
function shownCommands(): Shown[] {
  const out: Shown[] = [];
  for (const file of FILES) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const folder = path.dirname(file);
    for (const m of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      // Blocks run from the repository's root (they name examples/...); inline commands from the example's folder.
      let cwd = '.';
      for (const raw of m[1].replace(/\\\n\s*/g, ' ').split('\n')) {
        const command = raw.replace(/\s+#.*$/, '').trim().replace(/\s+/g, ' ');
        if (!command) continue;
        out.push({ file, command, cwd });
        const cd = /^cd (\S+)$/.exec(command);
        if (cd) cwd = path.join(cwd, cd[1]);
      }
    }
    if (file !== 'README.md') for (const m of text.matchAll(/`((?:XOS_TARGET=\w+ )?npx [^`]+)`/g)) out.push({ file, command: m[1], cwd: folder });
  }
  return out;
}

/** A README's fenced block right after a phrase of its prose. */
function blockAfter(file: string, phrase: string): string {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const at = text.indexOf(phrase);
  if (at < 0) throw new Error(`${file} no longer says "${phrase}"`);
  const m = /```[a-z]*\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!m) throw new Error(`${file}: no block after "${phrase}"`);
  return m[1];
}

/**
 * The lines shown appear in the output, in order and one after another, except where the
 * README skips some with `...`.
 */
function expectShown(actual: string, shown: string): void {
  const got = actual.split('\n').map((l) => l.trimEnd());
  const want = shown.split('\n').map((l) => l.trimEnd());
  let i = got.indexOf(want[0]);
  if (i < 0) throw new Error(`the output lacks the README's first line\n  ${want[0]}\n--- output:\n${actual}`);
  let gap = false;
  for (const line of want.slice(1)) {
    if (line.trim() === '...') {
      gap = true;
      continue;
    }
    const next = gap ? got.indexOf(line, i + 1) : got[i + 1] === line ? i + 1 : -1;
    if (next < 0) throw new Error(`the output differs from the README at\n  ${line}\n--- output:\n${actual}`);
    i = next;
    gap = false;
  }
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface How {
  /** Run by another test, named here with what it does. */
  readonly covered?: string;
  /** The exit codes allowed. @default [0] */
  readonly codes?: readonly number[];
  /** The folder it runs in, relative to the scratch copy. @default where the README shows it */
  readonly cwd?: string;
  /** Before running it, in the scratch copy. */
  readonly before?: (ws: string, run: (command: string, cwd: string) => Ran) => void;
  /** After it ran and was checked, even when the check failed. */
  readonly after?: (ws: string) => void;
  /** After running it: compare with what the README says. */
  readonly check?: (r: Ran, ws: string, run: (command: string, cwd: string) => Ran) => void;
}

/** The resources a local state file holds (what an apply made). */
function stateResources(ws: string, file: string): number {
  return (JSON.parse(fs.readFileSync(path.join(ws, file), 'utf8')) as { resources: unknown[] }).resources.length;
}

/** The terraform_data resources a synthesized stack declares. */
function declaredResources(ws: string, stackDir: string): number {
  return Object.keys(JSON.parse(fs.readFileSync(path.join(ws, stackDir, 'cdk.tf.json'), 'utf8')).resource.terraform_data).length;
}

/**
 * Terraform takes minutes to apply the thousand subscribers' four thousand records of
 * central-office, so the commands that apply it run on the scratch copy with its first three
 * subscribers (and no recorded allocations), and the data is put back after them.
 */
const CO = (ws: string) => path.join(ws, 'examples', 'central-office');
function fewSubscribers(ws: string): void {
  const csv = fs.readFileSync(path.join(ROOT, 'examples', 'central-office', 'subscribers.csv'), 'utf8').split('\n');
  fs.writeFileSync(path.join(CO(ws), 'subscribers.csv'), csv.slice(0, 4).join('\n') + '\n');
  fs.rmSync(path.join(CO(ws), 'xos.allocations.json'), { force: true });
}
function allSubscribers(ws: string): void {
  for (const f of ['subscribers.csv', 'xos.allocations.json']) fs.copyFileSync(path.join(ROOT, 'examples', 'central-office', f), path.join(CO(ws), f));
}

const PROJECT = 'test/package/project.test.ts (a project made by xos init from the packed tarball, installed offline)';

const HOW: Record<string, How> = {
  // README: the user's own project.
  'npx xos init my-cloud': { covered: PROJECT },
  'cd my-cloud': { covered: PROJECT },
  'npx xos validate': { covered: PROJECT },
  'npx xos synth': { covered: PROJECT },
  'npx xos verify': { covered: PROJECT },
  'npx cdktf deploy': { covered: PROJECT },
  'npx xos rehearse': { covered: PROJECT },
  'npm test': { covered: `${PROJECT}; this repository's own, by .ci/run` },
  'npm pack': { covered: PROJECT },
  'npx ./xos-0.1.0.tgz init my-cloud --tarball ./xos-0.1.0.tgz': { covered: `${PROJECT}: it runs xos init from the tarball with --tarball` },
  // README: developing xos.
  'npm install && npm start': {
    check: (r) => expectShown(r.stdout, blockAfter('README.md', 'prints what it made:')),
  },
  // Checking.
  'npx xos validate examples/opencloud': { check: (r) => expect(r.stdout).toMatch(/^violations: none/m) },
  'npx xos validate examples/opencloud --json': { check: (r) => expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, model: { sites: expect.any(Number), tenantInstances: expect.any(Number) }, violations: [] }) },
  'npx xos validate my-cloud.ts --strict': {
    before: (ws) => fs.copyFileSync(path.join(ws, 'examples', 'hello', 'main.ts'), path.join(ws, 'my-cloud.ts')),
    check: (r) => expect(r.stdout).toMatch(/^model: .*\nviolations: none\n$/),
  },
  'npx xos validate my-cloud.ts --locked': { check: (r) => expect(r.stdout).toMatch(/^model: .*\nviolations: none\n$/) },
  'npx xos validate examples/hello --watch': { covered: 'test/cli/watch.test.ts (xos validate --watch on a copy of examples/hello, edited as an editor saves)' },
  // Synthesis.
  'npx xos synth examples/central-office --out cdktf.out --target local': { check: (r) => expect(r.stdout).toMatch(/^xos synth: central-office \(examples\/central-office\/main\.ts\), target local \(local: 1\) -> cdktf\.out$/m) },
  // Rehearsal (auto target, against the harness).
  'npx xos rehearse examples/opencloud': { check: (r) => expect(r.stdout).toMatch(/^rehearsal passed: all 12 stacks validated, planned and applied \(\d+ resources created\)/m) },
  // cdktf.out is central-office's, synthesized for the local target above.
  'npx xos rehearse cdktf.out --scratch rehearsal': {
    // cdktf.out made again from the program with three subscribers.
    before: (ws, run) => {
      fewSubscribers(ws);
      expect(run('npx xos synth examples/central-office --out cdktf.out --target local', ws).code).toBe(0);
    },
    after: allSubscribers,
    check: (r, ws) => {
      expect(r.stdout).toMatch(/^rehearsal passed: all 1 stacks? validated, planned and applied/m);
      expect(stateResources(ws, 'rehearsal/terraform.co1-openstack.tfstate')).toBe(declaredResources(ws, 'cdktf.out/stacks/co1-openstack'));
      expect(fs.existsSync(path.join(ws, 'rehearsal', 'plans'))).toBe(true);
    },
  },
  // The README's timing is of the whole data file; this checks the option with three subscribers.
  'npx xos rehearse examples/central-office --timeout 3600': {
    before: (ws) => fewSubscribers(ws),
    after: allSubscribers,
    check: (r) => expect(r.stdout).toMatch(/^rehearsal passed: all 1 stacks? validated, planned and applied/m),
  },
  'npx xos rehearse examples/opencloud --json': {
    check: (r) => {
      const result = JSON.parse(r.stdout) as { ok: boolean; stacks: { stack: string; status: string }[] };
      expect(result.ok).toBe(true);
      expect(result.stacks).toHaveLength(12);
      expect(result.stacks.filter((s) => s.status !== 'applied')).toEqual([]);
    },
  },
  // Proof of the network.
  'npx xos verify examples/central-office --target auto': { covered: "test/targets/readme.test.ts (what it prints, compared with the README's block)" },
  // cdktf.out is central-office's, synthesized for the local target above.
  'npx xos verify cdktf.out': { check: (r) => expect(r.stdout).toMatch(/^xos verify: central-office \(cdktf\.out, as written\)\n[\s\S]*^proven: the flows admitted are exactly the flows intended/m) },
  'npx xos verify examples/central-office --json': {
    check: (r) => {
      const result = JSON.parse(r.stdout) as { ok: boolean; violations: unknown[] };
      expect(result).toMatchObject({ ok: true, violations: [] });
    },
  },
  'npx xos verify examples/central-office --target auto --explain co1/volt/olt-1 co1/vcpe/cpe-1 --port 67 --protocol udp': { covered: "test/targets/readme.test.ts (what it prints, compared with the README's block)" },
  // cdktf.
  'cd examples/central-office': {},
  'npx cdktf synth': { check: (r) => expect(r.stdout + r.stderr).toMatch(/Generated Terraform code for the stacks/) },
  // Shown twice (README.md, then central-office's): the second finds the first's state.
  'npx cdktf deploy co1-openstack --auto-approve': {
    before: fewSubscribers,
    after: allSubscribers,
    check: (_r, ws) => expect(stateResources(ws, 'examples/central-office/terraform.co1-openstack.tfstate')).toBe(declaredResources(ws, 'examples/central-office/cdktf.out/stacks/co1-openstack')),
  },
  // Review.
  'npx xos synth examples/central-office --out head-out --target local': {
    // "and the base branch into base-out": here the same program.
    check: (r, ws, run) => expect(run('npx xos synth examples/central-office --out base-out --target local', ws).code).toBe(0),
  },
  'terraform -chdir=head-out/stacks/co1-openstack init': {},
  'terraform -chdir=head-out/stacks/co1-openstack plan -out plan.bin': { check: (r, ws) => expect(r.stdout).toContain(`Plan: ${declaredResources(ws, 'head-out/stacks/co1-openstack')} to add, 0 to change, 0 to destroy`) },
  'terraform -chdir=head-out/stacks/co1-openstack show -json plan.bin > co1-openstack.json': {},
  'npx xos review --plan co1-openstack.json --model head-out/xos-model.json --base-model base-out/xos-model.json --actor nina': {
    codes: [0, 3],
    check: (r) => expect(r.stdout).toMatch(/^<!-- xos-review -->/),
  },
  // Status.
  'npx xos synth examples/hello --out hello.out': { check: (r) => expect(r.stdout).toMatch(/target local \(local: 1\) -> hello\.out/) },
  'terraform -chdir=hello.out/stacks/princeton-head init': {},
  'terraform -chdir=hello.out/stacks/princeton-head apply -auto-approve': { check: (r, ws) => expect(r.stdout).toContain(`Apply complete! Resources: ${declaredResources(ws, 'hello.out/stacks/princeton-head')} added`) },
  'npx xos status examples/hello --out hello.out': {
    check: (r, ws, run) => {
      expect(r.stdout).toMatch(/overall: 13 in-sync \(13 objects\): all in sync\n$/);
      // The README's picture: after a taint of vm1 and a program that resizes m1.small, adds vm3 and drops lan.
      expect(run('terraform -chdir=hello.out/stacks/princeton-head taint terraform_data.sliver_princeton__hello__vm1', ws).code).toBe(0);
      const main = path.join(ws, 'examples', 'hello', 'main.ts');
      const before = fs.readFileSync(main, 'utf8');
      const changed = before
        .replace('ramMb: 2048', 'ramMb: 4096')
        .replace("hello.addSliver('vm2', { deployment: cluster });", "hello.addSliver('vm2', { deployment: cluster });\nhello.addSliver('vm3', { deployment: cluster });")
        .replace(/^hello\.addNetwork\('lan'.*\n/m, '');
      fs.writeFileSync(main, changed);
      try {
        const after = run('npx xos status examples/hello --out hello.out', ws);
        expect(after.code).toBe(2);
        // The state's serial counts Terraform's writes, and a slow apply writes more (it saves state every 20 s).
        const serial = (t: string) => t.replace(/serial \d+/g, 'serial N');
        expectShown(serial(after.stdout), serial(blockAfter('README.md', 'drops the Network `lan`:')));
        // "or: npx xos status hello.out/xos-model.json": the model as synthesized, only the taint differs.
        const fromModel = run('npx xos status hello.out/xos-model.json', ws);
        expect(fromModel.code).toBe(2);
        expect(fromModel.stdout).toMatch(/failed +Sliver +princeton\/hello\/vm1/);
      } finally {
        fs.writeFileSync(main, before);
      }
    },
  },
  // Views and pictures.
  'npx xos view examples/central-office --as alice': {
    // The README shows the command, then '...', then the subscriber's part.
    check: (r) => expectShown(r.stdout, blockAfter('README.md', 'draws one chain:').split('\n').slice(2).join('\n')),
  },
  'npx xos graph examples/central-office --chain alice': { check: (r) => expect(r.stdout).toMatch(/alice/) },
  'npx ts-node --transpile-only scripts/central-office-subscribers.ts': {
    // Shown in central-office's README, run from the repository's root: it writes the data file byte for byte.
    cwd: '.',
    before: (ws) => fs.rmSync(path.join(CO(ws), 'subscribers.csv')),
    check: (_r, ws) => expect(fs.readFileSync(path.join(CO(ws), 'subscribers.csv'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'examples', 'central-office', 'subscribers.csv'), 'utf8')),
  },
  'npx xos view examples/central-office --as nina': { check: (r) => expectShown(r.stdout, blockAfter('README.md', 'whether their keys are on the Sliver:')) },
  'npx xos view examples/central-office --as dave': { check: (r) => expect(r.stdout).toMatch(/vOLT/) },
  'npx xos view examples/central-office --as carol --out cdktf.out': { check: (r) => expect(r.stdout).toMatch(/from each stack's backend \(cdktf\.out\)/) },
  'npx xos graph examples/central-office --format svg --depth slices --out docs/central-office-graph.svg': {
    check: (_r, ws) => expect(fs.readFileSync(path.join(ws, 'docs', 'central-office-graph.svg'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'docs', 'central-office-graph.svg'), 'utf8')),
  },
  'npx xos graph examples/central-office --format html --depth all --out central-office.html': { check: (_r, ws) => expect(fs.readFileSync(path.join(ws, 'central-office.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i) },
  // Recipes.
  'npx xos validate examples/central-office/recipe.yaml': { check: (r) => expect(r.stdout).toMatch(/violations: none \(1 acknowledged\)/) },
  'npx xos synth examples/central-office/recipe.yaml --out cdktf.out': { check: (r) => expect(r.stdout).toMatch(/target local \(local: 1\) -> cdktf\.out/) },
  // The examples' READMEs.
  'npx xos validate examples/hello': { check: (r) => expect(r.stdout).toMatch(/^model: .*\nviolations: none\n$/) },
  'npx xos validate examples/central-office': { check: (r) => expect(r.stdout).toMatch(/violations: none \(1 acknowledged\)/) },
  'npx xos synth examples/central-office --out co.out': { check: (r) => expect(r.stdout.replace(/co\.out/g, 'cdktf.out')).toContain(blockAfter('README.md', 'prints what it made:').split('\n').slice(2, 6).join('\n')) },
  'npx cdktf deploy princeton-head --auto-approve': { check: (_r, ws) => expect(stateResources(ws, 'examples/hello/terraform.princeton-head.tfstate')).toBe(declaredResources(ws, 'examples/hello/cdktf.out/stacks/princeton-head')) },
  'npx xos synth examples/opencloud --out opencloud.out': { check: (r) => expect(r.stdout).toMatch(/target auto \(openstack: 9, aws: 2, local: 1\)/) },
  'XOS_TARGET=local npx cdktf deploy internet2-openstack --auto-approve': {
    check: (_r, ws) => expect(stateResources(ws, 'examples/opencloud/terraform.internet2-openstack.tfstate')).toBe(declaredResources(ws, 'examples/opencloud/cdktf.out/stacks/internet2-openstack')),
  },
};

/** Make the commands as typed run here: npx xos / cdktf / ts-node (cdktf.json's app) from this repository, npm start as package.json says. */
function shims(ws: string): string {
  const bin = path.join(ws, '.bin');
  fs.mkdirSync(bin);
  const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.replace('node dist/bin/xos.js', `node ${path.join(ROOT, 'dist', 'bin', 'xos.js')}`);
  fs.writeFileSync(
    path.join(bin, 'npx'),
    `#!/bin/sh\ncase "$1" in\n  xos) shift; exec node ${JSON.stringify(path.join(ROOT, 'dist', 'bin', 'xos.js'))} "$@";;\n  cdktf) shift; exec ${JSON.stringify(path.join(ROOT, 'node_modules', '.bin', 'cdktf'))} "$@";;\n  ts-node) shift; exec node ${JSON.stringify(path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'))} "$@";;\n  *) echo "readme test: npx $1 is not run here" >&2; exit 97;;\nesac\n`,
    { mode: 0o755 },
  );
  // `npm install` is this repository's own, done; `npm start` is run as package.json says.
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\ncase "$1" in\n  install) exit 0;;\n  start) exec ${start};;\n  *) echo "readme test: npm $1 is not run here" >&2; exit 97;;\nesac\n`, { mode: 0o755 });
  return bin;
}

test('every command the READMEs show is in the table, and the table holds no command they no longer show', () => {
  const shown = new Set(shownCommands().map((s) => s.command));
  expect([...shown].filter((c) => !(c in HOW))).toEqual([]);
  expect(Object.keys(HOW).filter((c) => !shown.has(c))).toEqual([]);
});

test('the commands run by other tests are named there', () => {
  for (const [command, how] of Object.entries(HOW)) {
    if (!how.covered) continue;
    const file = how.covered.split(' ')[0];
    expect({ command, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ command, exists: true });
  }
});

describeWith('terraform', 'the READMEs\' commands, run in order in a scratch copy of the examples', () => {
  // Inside the repository: cdktf runs the examples with ts-node, which resolves xos by name.
  const ws = repoTmpDir('readme-');
  let bin = '';
  const env = () => {
    const e = terraformEnv({ CI: '1', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: '1', XOS_CACHE_DIR: path.join(ws, '.cache') });
    delete e.XOS_TARGET;
    e.PATH = `${bin}${path.delimiter}${e.PATH}`;
    return e;
  };
  const run = (command: string, cwd: string): Ran => {
    const r = spawnSync('/bin/sh', ['-c', command], { cwd, env: env(), encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    // Terraform colours its output even when not on a terminal.
    const plain = (t: string | null) => (t ?? '').replace(/\u001b\[[0-9;]*m/g, '');
    return { code: r.status ?? -1, stdout: plain(r.stdout), stderr: plain(r.stderr) };
  };

  beforeAll(() => {
    for (const d of ['examples', 'docs', 'scripts']) fs.cpSync(path.join(ROOT, d), path.join(ws, d), { recursive: true, filter: (src) => !/cdktf\.out|\.terraform|tfstate/.test(src) });
    bin = shims(ws);
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  for (const s of shownCommands()) {
    const how = HOW[s.command];
    if (!how || how.covered || s.command.startsWith('cd ')) continue;
    test(`${s.file}: ${s.command}`, () => {
      const where = how.cwd ?? s.cwd;
      const cwd = path.join(ws, where === '.' ? '' : where);
      how.before?.(ws, run);
      try {
        const r = run(s.command, cwd);
        const codes = how.codes ?? [0];
        if (!codes.includes(r.code)) throw new Error(`exit ${r.code} (expected ${codes.join(' or ')})\n--- stdout:\n${r.stdout.slice(-3000)}\n--- stderr:\n${r.stderr.slice(-3000)}`);
        how.check?.(r, ws, run);
      } finally {
        how.after?.(ws);
      }
    }, 600_000);
  }
});
