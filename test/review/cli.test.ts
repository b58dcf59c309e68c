/**
 * `xos review` as a user runs it: options, exit codes (0, 3, 1), errors naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildModel, canonicalJson } from '../../lib/index';
import { baseCloud } from '../helpers/cloud';
import { tmpDir, xos } from '../helpers/tools';
import { fixture } from '../plan/fixtures';

describe('xos review on the command line', () => {
  const dir = tmpDir('xos-review-cli-');
  const model = path.join(dir, 'xos-model.json');
  const plan = fixture('borchero-terraform-plan-comment/1-modify.plan.json');
  beforeAll(() => fs.writeFileSync(model, canonicalJson(buildModel(baseCloud('cli').cloud).model)));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is listed in the help', () => {
    expect(xos(['--help']).stdout).toMatch(/^ {2}review +review Terraform plans/m);
  });

  test('prints markdown by default; without --actor nothing is authorized, so it exits 3', () => {
    const r = xos(['review', '--plan', plan, '--model', model]);
    expect(r.code).toBe(3);
    expect(r.stdout.startsWith('<!-- xos-review -->\n## xos review: cli\n')).toBe(true);
    expect(r.stderr).toBe('');
  });

  test('prints JSON with --format json, naming a plan\'s stack when given as STACK=FILE', () => {
    const r = xos(['review', '--plan', `files=${plan}`, '--model', model, '--format', 'json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout);
    expect(json.summary.stacks[0]).toMatchObject({ stack: 'files', matched: 'named', plan });
    expect(json.exitCode).toBe(3);
  });

  test('exits 3 when the actor may not make a change, and says who may', () => {
    const r = xos(['review', '--plan', plan, '--model', model, '--base-model', model, '--actor', 'admin1']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('⛔ **Blocks:** admin1 may not make');
  });

  test.each([
    [['--model', 'M'], /needs at least one --plan FILE/],
    [['--plan', 'P'], /needs --model FILE/],
    [['--plan', 'P', '--model', 'M', '--actor', ' '], /--actor is empty/],
    [['--plan', 'P', '--model', 'M', '--format', 'html'], /--format 'html' is not one of: markdown, json/],
    [['--plan', 'P', '--model', 'M', '--actor', 'admin1'], /no base model: the actor's roles must come from the base .* give --first-deploy instead/],
    [['--plan', 'P', '--model', 'M', '--base-model', 'M', '--first-deploy', '--actor', 'admin1'], /--first-deploy is for a cloud with no base model yet/],
    [['--plan', 'P', '--head-out', 'M'], /--head-out and --base-out go together/],
  ])('refuses %j with exit 1 and says what to give', (args, message) => {
    const r = xos(['review', ...args.map((a) => (a === 'M' ? model : a === 'P' ? plan : a))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  test('a plan that is not JSON fails with exit 1, naming the file', () => {
    const bad = path.join(dir, 'plan.txt');
    fs.writeFileSync(bad, 'Plan: 1 to add, 0 to change, 0 to destroy.\n');
    const r = xos(['review', '--plan', bad, '--model', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`plan file ${bad} is not valid JSON`);
    expect(r.stdout).toBe('');
  });

  test('a model that is not a model fails with exit 1, naming the file', () => {
    const r = xos(['review', '--plan', plan, '--model', plan]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`model file ${plan} is a Terraform plan or state, not an xos model`);
    const missing = xos(['review', '--plan', plan, '--model', model, '--base-model', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read base model file .*nope\.json: no such file/);
  });
});
