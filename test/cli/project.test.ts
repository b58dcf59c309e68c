/**
 * A project: the program found from cdktf.json, the target chosen once (and where), and the
 * output folders status, view and review refuse: made by another program or for another target.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chooseTarget, programArgument, programOfCdktfJson, projectTarget } from '../../lib/project';
import { checkOutputFolder, checkReviewInputs } from '../../lib/synth/output-info';
import { xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-project-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function project(name: string, files: Record<string, unknown>): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('the program of a project', () => {
  test("is the file cdktf.json's app runs, whatever runs it", () => {
    for (const app of ['npx ts-node main.ts', 'npx ts-node --transpile-only main.ts', 'node /x/ts-node/dist/bin.js --transpile-only "main.ts"', 'npx ts-node src/main.ts']) {
      const dir = project(`app-${app.length}`, { 'cdktf.json': { app }, 'main.ts': '', 'src/main.ts': '' });
      expect(programOfCdktfJson(path.join(dir, 'cdktf.json'))).toBe(path.join(dir, app.includes('src/') ? 'src/main.ts' : 'main.ts'));
    }
  });

  test('is found from a folder below cdktf.json, but not above the project (package.json)', () => {
    const dir = project('nested', { 'cdktf.json': { app: 'npx ts-node main.ts' }, 'main.ts': '', 'sub/deeper/x.txt': '' });
    expect(programArgument(undefined, path.join(dir, 'sub', 'deeper'))).toBe(path.join('..', '..', 'main.ts'));
    const inner = project('outer/inner', { 'package.json': {} });
    fs.writeFileSync(path.join(work, 'outer', 'cdktf.json'), JSON.stringify({ app: 'npx ts-node main.ts' }));
    expect(() => programArgument(undefined, inner)).toThrow(/no program given, and no cdktf\.json here or above/);
  });

  test('an app that names no program file says what to do', () => {
    const dir = project('noapp', { 'cdktf.json': { app: 'npm run synth' } });
    expect(() => programArgument(undefined, dir)).toThrow(`cdktf.json's app ("npm run synth") names no program file that exists (a .ts file such as main.ts). Give the program on the command line, for example: xos validate main.ts.`);
  });
});

describe('the target', () => {
  const dir = project('targets', { 'cdktf.json': { app: 'npx ts-node main.ts', context: { 'xos:target': 'local' } } });

  test('is the flag, else XOS_TARGET, else the project, else the Cloud, else auto', () => {
    expect(chooseTarget(dir, { flag: 'auto', env: { XOS_TARGET: 'local' } })).toEqual({ target: 'auto', from: '--target' });
    expect(chooseTarget(dir, { env: { XOS_TARGET: 'auto' }, cloud: 'local' })).toEqual({ target: 'auto', from: 'XOS_TARGET' });
    expect(chooseTarget(dir, { env: {}, cloud: 'auto' }).target).toBe('local');
    expect(chooseTarget(dir, { env: {}, cloud: 'auto' }).from).toMatch(/cdktf\.json context "xos:target"$/);
    expect(chooseTarget(work, { env: {}, cloud: 'local' })).toEqual({ target: 'local', from: "the Cloud's target" });
    expect(chooseTarget(work, { env: {} })).toEqual({ target: 'auto', from: 'the default' });
  });

  test('set in both project files must agree', () => {
    const both = project('both', { 'cdktf.json': { app: 'x', context: { 'xos:target': 'local' } }, 'xos.config.json': { target: 'auto' } });
    expect(() => projectTarget(both)).toThrow(/the target is set twice and differently: 'auto' in .*xos\.config\.json "target", 'local' in .*cdktf\.json context "xos:target"\. Set it in one place\./);
    const agree = project('agree', { 'cdktf.json': { app: 'x', context: { 'xos:target': 'auto' } }, 'xos.config.json': { target: 'auto' } });
    expect(projectTarget(agree)?.target).toBe('auto');
  });

  test('that does not exist is named with the choices', () => {
    expect(() => chooseTarget(work, { env: { XOS_TARGET: 'openstack' } })).toThrow(/XOS_TARGET: target "openstack" is not one of: auto, local/);
  });
});

describe('output folders made by another program or for another target are refused, with the fix', () => {
  const out = path.join(work, 'hello.out');
  beforeAll(() => {
    const r = xos(['synth', 'examples/hello', '--out', out, '--transpile-only']);
    if (r.code !== 0) throw new Error(r.stderr);
  });

  test('status of another program', () => {
    const r = xos(['status', 'examples/central-office', '--out', out, '--transpile-only']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xos: .*hello\.out was synthesized from the cloud 'hello' \(\.\.\/.*examples\/hello\/main\.ts\), not from the cloud 'central-office': status reads each stack's state where that folder's stacks keep it, and would count every object of one as missing from the other\. Synthesize this one into its own folder \(xos synth examples\/central-office --out <folder>\) and give that, or give the program that made .*hello\.out\.\n$/);
  });

  test('view for another target', () => {
    const r = xos(['view', 'examples/hello', '--as', 'alice', '--out', out, '--transpile-only'], { env: { ...process.env, XOS_TARGET: 'auto' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was synthesized for the target 'local', but the target here is 'auto' \(from XOS_TARGET\): the view reads each Service's status from the state its stacks keep, and each target keeps other resources in other state\. Synthesize it again for 'auto' \(xos synth examples\/hello --out .*hello\.out\), or read it as it was made with --target local\.\n$/);
    expect(xos(['view', 'examples/hello', '--as', 'alice', '--out', out, '--target', 'local', '--transpile-only'], { env: { ...process.env, XOS_TARGET: 'auto' } }).code).toBe(0);
    expect(xos(['view', 'examples/hello', '--as', 'alice', '--out', out, '--transpile-only']).code).toBe(0);
  });

  test('review of plans made from another output, or of a base made for another target or another cloud', () => {
    const model = path.join(out, 'xos-model.json');
    expect(() => checkReviewInputs(model, undefined, [{ file: 'co1.json', types: ['terraform_data'] }])).not.toThrow();
    expect(() => checkReviewInputs(model, undefined, [{ file: 'co1.json', types: ['openstack_compute_instance_v2', 'terraform_data'] }])).toThrow(
      /the plan co1\.json holds openstack resources, but .*hello\.out was synthesized for the target 'local': it was planned from another output folder\./,
    );
    const auto = path.join(work, 'hello-auto.out');
    expect(xos(['synth', 'examples/hello', '--out', auto, '--target', 'auto', '--transpile-only']).code).toBe(0);
    expect(() => checkReviewInputs(model, path.join(auto, 'xos-model.json'), [])).toThrow(/the base model \(.*hello-auto\.out\) was synthesized for the target 'auto' and the head \(.*hello\.out\) for 'local'/);
    // An OpenStack stack holds terraform_data too (model-only markers): a plan of it is the auto output's.
    expect(() => checkReviewInputs(path.join(auto, 'xos-model.json'), undefined, [{ file: 'head.json', stack: 'princeton-head', types: ['openstack_compute_instance_v2', 'terraform_data'] }])).not.toThrow();
    const other = path.join(work, 'co.out');
    expect(xos(['synth', 'examples/central-office', '--out', other, '--transpile-only']).code).toBe(0);
    expect(() => checkReviewInputs(model, path.join(other, 'xos-model.json'), [])).toThrow(/a review compares two versions of one program\. Synthesize the base from the same program; if the change renames the cloud, review it without --base-model\./);
  });

  test('a folder that does not say what made it is refused too (fails closed), with the fix; a folder that does not exist is left to the command', () => {
    const old = path.join(work, 'old.out');
    fs.cpSync(out, old, { recursive: true });
    fs.rmSync(path.join(old, 'xos-output.json'));
    expect(() => checkOutputFolder(old, { cloud: 'other', program: 'main.ts', use: 'status reads each stack\'s state from it' })).toThrow(
      /old\.out has no xos-output\.json, so what made it cannot be told: status reads each stack's state from it, .* Synthesize it with xos \(xos synth main\.ts --out .*old\.out, or cdktf synth of the program\) and give that folder\./,
    );
    expect(checkOutputFolder(path.join(work, 'never-made.out'), { cloud: 'other', use: 'x' })).toBeUndefined();
  });
});

test('the examples that run offline choose the local target in their cdktf.json; opencloud (aws and openstack) chooses none', () => {
  expect(projectTarget(path.join(ROOT, 'examples', 'hello'))?.target).toBe('local');
  expect(projectTarget(path.join(ROOT, 'examples', 'central-office'))?.target).toBe('local');
  expect(projectTarget(path.join(ROOT, 'examples', 'opencloud'))).toBeUndefined();
});
