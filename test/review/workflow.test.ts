/**
 * examples/github/plan-review.yml: its shell steps run for real (synthesize base and head,
 * plan every stack with terraform, review), and its two scripts run against a fake GitHub.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { MARKER } from '../../lib/review/index';
import { spec } from '../../lib/cli/commands/review';
import { describeWith, terraformEnv, tmpDir } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(ROOT, 'examples', 'github', 'plan-review.yml');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const workflow = parse(fs.readFileSync(FILE, 'utf8')) as { on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: { review: { steps: Step[] } } };
const steps = workflow.jobs.review.steps;
const step = (name: string) => {
  const s = steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step '${name}' in ${FILE}`);
  return s;
};

describe('the plan-review workflow', () => {
  test('runs on pull requests and on reviews, and may write one comment', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'pull_request_review']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  test('checks out base and head, and reviews with the pull request\'s author as actor', () => {
    const refs = steps.filter((s) => s.uses?.startsWith('actions/checkout@')).map((s) => s.with?.ref);
    expect(refs).toEqual(['${{ github.event.pull_request.head.sha }}', '${{ github.event.pull_request.base.sha }}']);
    expect(step('Review').env?.ACTOR).toBe('${{ github.event.pull_request.user.login }}');
    expect(step('Review').run).toContain('--actor "$ACTOR"');
  });

  test('uses only options `xos review` has', () => {
    const known = new Set(spec.options.map((o) => `--${o.name}`));
    const used = new Set([...(step('Review').run ?? '').matchAll(/(--[a-z-]+)/g)].map((m) => m[1]));
    for (const o of used) expect({ option: o, known: known.has(o) }).toEqual({ option: o, known: true });
  });

  test('every shell step is valid bash and puts no ${{ }} expression into a script (no injection)', () => {
    for (const s of steps.filter((x) => x.run)) {
      const r = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf8' });
      expect({ step: s.name, status: r.status, stderr: r.stderr }).toEqual({ step: s.name, status: 0, stderr: '' });
      expect(s.run).not.toContain('${{');
    }
  });

  test('the comment script finds its comment by the marker every review starts with', () => {
    expect(step('Create or update the review comment').with?.script).toContain(`const marker = '${MARKER}';`);
  });
});

/** Run a github-script step's script with fakes for `github`, `context` and `core`. */
async function runScript(script: string, fakes: { github: unknown; context: unknown; core: unknown; env: Record<string, string> }): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...v: unknown[]) => Promise<void>;
  const saved = { ...process.env };
  Object.assign(process.env, fakes.env);
  try {
    await new AsyncFunction('github', 'context', 'core', 'require', script)(fakes.github, fakes.context, fakes.core, require);
  } finally {
    process.env = saved;
  }
}

function fakeCore() {
  const log = { failed: [] as string[], errors: [] as string[], info: [] as string[] };
  return { log, core: { setFailed: (m: string) => log.failed.push(m), error: (m: string) => log.errors.push(m), info: (m: string) => log.info.push(m) } };
}

describe('the workflow\'s scripts against a fake GitHub', () => {
  const temp = tmpDir('xos-wf-scripts-');
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
  const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7 } } };

  test('the first run creates the comment, later runs update that one comment', async () => {
    const comments: { id: number; user: { type: string }; body: string }[] = [{ id: 1, user: { type: 'User' }, body: `${MARKER}\nquoted by a human` }];
    let next = 100;
    const github = {
      paginate: async (fn: (a: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await fn(args)).data,
      rest: {
        issues: {
          listComments: async () => ({ data: comments }),
          createComment: async ({ body }: { body: string }) => {
            const c = { id: next++, user: { type: 'Bot' }, body };
            comments.push(c);
            return { data: c };
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            comments.find((c) => c.id === comment_id)!.body = body;
            return { data: {} };
          },
        },
      },
    };
    const script = step('Create or update the review comment').with!.script as string;
    for (const text of ['first review', 'second review']) {
      fs.writeFileSync(path.join(temp, 'review.md'), `${MARKER}\n${text}\n`);
      await runScript(script, { github, context, core: fakeCore().core, env: { RUNNER_TEMP: temp } });
    }
    expect(comments.map((c) => [c.id, c.body])).toEqual([
      [1, `${MARKER}\nquoted by a human`],
      [100, `${MARKER}\nsecond review\n`],
    ]);
  });

  test('the approval step passes only once a named approver has approved every refused change', async () => {
    const review = {
      blocking: ['nina may not make 1 of the changes'],
      violations: [],
      authorization: { denied: 1, checks: [{ id: 'RBAC-006', allowed: false, message: 'nina may not change Network co1/volt/access.', approvers: [{ role: 'Slice admin of co1/volt', users: ['dave'] }] }, { id: 'RBAC-006', allowed: true, message: '', approvers: [] }] },
    };
    fs.writeFileSync(path.join(temp, 'review.json'), JSON.stringify(review));
    const script = step('Require approval where the author may not make a change').with!.script as string;
    const withReviews = (reviews: { user: { login: string }; state: string }[]) => ({
      paginate: async () => reviews,
      rest: { pulls: { listReviews: async () => ({ data: reviews }) } },
    });
    const cases: [{ user: { login: string }; state: string }[], number][] = [
      [[], 1],
      [[{ user: { login: 'nina' }, state: 'APPROVED' }], 1],
      [[{ user: { login: 'dave' }, state: 'APPROVED' }], 0],
      [[{ user: { login: 'dave' }, state: 'APPROVED' }, { user: { login: 'dave' }, state: 'CHANGES_REQUESTED' }], 1],
    ];
    for (const [reviews, failures] of cases) {
      const { log, core } = fakeCore();
      await runScript(script, { github: withReviews(reviews), context, core, env: { RUNNER_TEMP: temp } });
      expect({ reviews, failed: log.failed.length }).toEqual({ reviews, failed: failures });
    }
  });
});

describeWith('terraform', 'the workflow\'s shell steps, run for real', () => {
  const temp = tmpDir('xos-wf-run-');
  const checkout = path.join(ROOT, 'test', '.tmp', `workflow-${process.pid}`);
  const output = path.join(temp, 'github-output');
  afterAll(() => {
    fs.rmSync(checkout, { recursive: true, force: true });
    fs.rmSync(temp, { recursive: true, force: true });
  });

  /** Run one step's script as GitHub does (bash -eo pipefail), with the workflow's and the step's env. */
  const run = (name: string, extra: Record<string, string> = {}) => {
    const s = step(name);
    const env: Record<string, string> = { ...workflow.env, XOS: `node ${path.join(ROOT, 'dist', 'bin', 'xos.js')}`, SYNTH_ARGS: '--target local --transpile-only', RUNNER_TEMP: temp, GITHUB_OUTPUT: output };
    for (const [k, v] of Object.entries(s.env ?? {})) env[k] = v.replace('${{ runner.temp }}', temp);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd: checkout, env: terraformEnv({ ...env, ...extra }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return r;
  };
  const outputs = () => Object.fromEntries(fs.readFileSync(output, 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

  test('synthesize, plan every stack (a removed one with -destroy), review: exit 3 for nina, the comment and the JSON written', () => {
    const program = fs.readFileSync(path.join(ROOT, 'examples', 'central-office', 'main.ts'), 'utf8');
    const put = (side: string, text: string) => {
      fs.mkdirSync(path.join(checkout, side, 'examples', 'central-office'), { recursive: true });
      fs.writeFileSync(path.join(checkout, side, 'examples', 'central-office', 'main.ts'), text);
    };
    put('base', program);
    // The head adds a Sliver to vOLT (nina may not) and moves the portal to a stack of another name.
    const from = "voltSlice.addSliver('olt-2', { node: servers[1] });";
    const portal = "backend: 'external', url: 'https://portal.co1.example' }";
    expect(program).toContain(from);
    expect(program).toContain(portal);
    put('head', program.replace(from, `${from}\nvoltSlice.addSliver('olt-3', { node: servers[2] });`).replace(portal, "backend: 'external', url: 'https://portal.co1.example', stackName: 'portal' }"));

    fs.writeFileSync(output, '');
    const synth = run('Synthesize the base and the head');
    expect({ status: synth.status, stderr: synth.stderr }).toMatchObject({ status: 0 });
    const base = outputs().base;
    expect(base).toBe(path.join(temp, 'base-out', 'xos-model.json'));

    const plan = run('Plan every stack');
    expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readdirSync(path.join(temp, 'plans')).filter((f) => f.endsWith('.json')).sort()).toEqual(['co1-openstack.json', 'portal.json', 'subscriber-portal.json']);
    expect(fs.readFileSync(path.join(temp, 'plans', 'subscriber-portal.plan.log'), 'utf8')).toMatch(/No changes|destroy/);

    const review = run('Review', { ACTOR: 'nina', BASE_MODEL: base });
    expect({ status: review.status, stderr: review.stderr }).toEqual({ status: 0, stderr: '' });
    expect(outputs().code).toBe('3');
    const md = fs.readFileSync(path.join(temp, 'review.md'), 'utf8');
    expect(md.startsWith(`${MARKER}\n`)).toBe(true);
    expect(md).toContain('⛔ **RBAC-006** may not add Sliver `co1/volt/olt-3`');
    const json = JSON.parse(fs.readFileSync(path.join(temp, 'review.json'), 'utf8'));
    expect(json.summary.stacks.map((s: { stack: string; matched: string }) => [s.stack, s.matched])).toEqual([
      ['co1-openstack', 'named'],
      ['portal', 'named'],
      ['subscriber-portal', 'named'],
    ]);
    expect(json.exitCode).toBe(3);
  });
});
