/**
 * examples/github/plan-review.yml: its structure (who runs what with which rights), its two
 * github-script steps against a fake GitHub, and its own shell steps and scripts run for real
 * (not copies) on a generated cloud of 60 stacks: a one-Sliver change plans one stack, a
 * backend change plans the stacks it touches and needs a root admin, a new pull-request
 * backend never receives the credentials.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { parse } from 'yaml';
import { MARKER } from '../../lib/review/index';
import { spec } from '../../lib/cli/commands/review';
import { describeWith, terraformEnv, tmpDir } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(ROOT, 'examples', 'github', 'plan-review.yml');
const BIN = path.join(ROOT, 'dist', 'bin', 'xos.js');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
  strategy?: { matrix: unknown };
}
const workflow = parse(fs.readFileSync(FILE, 'utf8')) as { on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, Job> };
const allSteps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const step = (job: string, name: string) => {
  const s = workflow.jobs[job].steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step '${name}' in job ${job} of ${FILE}`);
  return s;
};

describe('the plan-review workflow', () => {
  test('runs the base branch\'s workflow on pull requests (pull_request_target) and on reviews, read-only by default', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request_review', 'pull_request_target']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.review.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  test('runs the pull request\'s code in one job only, with no secret, a read-only token and env -i', () => {
    const text = JSON.stringify(workflow.jobs['synth-head']);
    expect(text).not.toMatch(/secrets\./);
    expect(workflow.jobs['synth-head'].permissions).toEqual({ contents: 'read' });
    expect(step('synth-head', 'Synthesize the head, with no secret in its environment').run).toMatch(/env -i PATH="\$PATH" HOME="\$HOME" CI=true node_modules\/\.bin\/xos synth/);
    // Every other job checks out the base only.
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const refs = job.steps.filter((s) => s.uses?.startsWith('actions/checkout@')).map((s) => s.with?.ref);
      expect({ name, refs: [...new Set(refs)] }).toEqual({ name, refs: [name === 'synth-head' ? '${{ github.event.pull_request.head.sha }}' : '${{ github.event.pull_request.base.sha }}'] });
    }
  });

  test('no checkout keeps a token, and the scripts come from the base checkout', () => {
    for (const s of allSteps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
    expect(workflow.env.SCRIPTS).toBe('base/examples/github/scripts');
  });

  test('plans fan out over a matrix, and one job reviews all plans after', () => {
    expect(workflow.jobs.plan.needs).toBe('prepare');
    expect(workflow.jobs.plan.strategy?.matrix).toBe('${{ fromJSON(needs.prepare.outputs.matrix) }}');
    expect(workflow.jobs.review.needs).toEqual(['prepare', 'plan']);
  });

  test('reviews with the author as actor, roles from the base, and only options `xos review` has', () => {
    const run = (step('review', 'Review').run ?? '').split('\n').filter((l) => /args|\$XOS review/.test(l)).join('\n');
    expect(step('review', 'Review').env?.ACTOR).toBe('${{ github.event.pull_request.user.login }}');
    expect(run).toContain('--actor "$ACTOR"');
    expect(run).toContain('--base-out "$RUNNER_TEMP/base-out"');
    const known = new Set(spec.options.map((o) => `--${o.name}`));
    for (const o of new Set([...run.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]))) expect({ option: o, known: known.has(o) }).toEqual({ option: o, known: true });
  });

  test('every shell step is valid bash and puts no ${{ }} expression into a script (no injection)', () => {
    for (const s of allSteps.filter((x) => x.run)) {
      const r = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf8' });
      expect({ step: s.name, status: r.status, stderr: r.stderr }).toEqual({ step: s.name, status: 0, stderr: '' });
      expect(s.run).not.toContain('${{');
    }
  });

  test('the comment script finds its comment by the marker every review starts with', () => {
    expect(step('review', 'Create or update the review comment').with?.script).toContain(`const marker = '${MARKER}';`);
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
  const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7, head: { sha: 'HEAD' }, user: { login: 'nina' } } } };

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
    const script = step('review', 'Create or update the review comment').with!.script as string;
    for (const text of ['first review', 'second review']) {
      fs.writeFileSync(path.join(temp, 'review.md'), `${MARKER}\n${text}\n`);
      await runScript(script, { github, context, core: fakeCore().core, env: { RUNNER_TEMP: temp } });
    }
    expect(comments.map((c) => [c.id, c.body])).toEqual([
      [1, `${MARKER}\nquoted by a human`],
      [100, `${MARKER}\nsecond review\n`],
    ]);
  });

  type R = { user: { login: string }; state: string; commit_id: string; submitted_at: string };
  const r = (login: string, state: string, at: number, commit = 'HEAD'): R => ({ user: { login }, state, commit_id: commit, submitted_at: `2026-01-01T00:00:${String(at).padStart(2, '0')}Z` });
  const gate = async (reviews: R[], review: unknown, env: Record<string, string> = {}) => {
    fs.writeFileSync(path.join(temp, 'review.json'), JSON.stringify(review));
    const script = step('review', 'Require approval where the author may not make a change').with!.script as string;
    const github = { paginate: async () => reviews, rest: { pulls: { listReviews: async () => ({ data: reviews }) } } };
    const { log, core } = fakeCore();
    await runScript(script, { github, context, core, env: { RUNNER_TEMP: temp, ...env } });
    return log.failed.length;
  };
  const refused = {
    violations: [],
    authorization: { checked: true, denied: 1, checks: [{ id: 'RBAC-006', allowed: false, message: 'nina may not change Network co1/volt/access.', approvers: [{ role: 'Slice admin of co1/volt', users: ['dave'] }] }, { id: 'RBAC-006', allowed: true, message: '', approvers: [] }] },
  };

  test.each([
    ['no review', [], 1],
    ['the author approving herself', [r('nina', 'APPROVED', 1)], 1],
    ['an approver approving the head commit', [r('dave', 'APPROVED', 1)], 0],
    ['an approval of an earlier commit (a push came after it)', [r('dave', 'APPROVED', 1, 'OLDER')], 1],
    ['an approval, then a comment by the same approver (still in force)', [r('dave', 'APPROVED', 1), r('dave', 'COMMENTED', 2)], 0],
    ['an approval, then changes requested', [r('dave', 'APPROVED', 1), r('dave', 'CHANGES_REQUESTED', 2)], 1],
    ['an approval, dismissed', [r('dave', 'APPROVED', 1), r('dave', 'DISMISSED', 2)], 1],
    ['changes requested, then an approval of the head', [r('dave', 'CHANGES_REQUESTED', 1), r('dave', 'APPROVED', 2)], 0],
    ['reviews listed out of order: the latest counts', [r('dave', 'CHANGES_REQUESTED', 3), r('dave', 'APPROVED', 2)], 1],
    ['someone who may not approve', [r('erin', 'APPROVED', 1)], 1],
  ])('the approval gate with %s', async (_what, reviews, failures) => {
    expect(await gate(reviews as R[], refused)).toBe(failures);
  });

  test('first deploy: only an approval of the head commit by one of FIRST_DEPLOY_APPROVERS counts, whatever the head model says', async () => {
    const first = { violations: [], authorization: { checked: true, firstDeploy: true, denied: 1, checks: [{ id: 'RBAC-006', allowed: false, message: 'x', approvers: [{ role: 'root admin', users: ['mallory'] }] }] } };
    expect(await gate([r('mallory', 'APPROVED', 1)], first, { FIRST_DEPLOY_APPROVERS: 'carol' })).toBe(1);
    expect(await gate([r('carol', 'APPROVED', 1)], first, { FIRST_DEPLOY_APPROVERS: 'carol' })).toBe(0);
  });
});

/** A cloud of `n` stacks: one Deployment, Controller (external, so the local target), Slice and Sliver each. */
function bigCloud(n: number, extraSliver?: number): string {
  const lines = [
    "import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Site, User } from 'xos';",
    "const cloud = new Cloud({ name: 'many' });",
    "const site = new Site(cloud, 'site1');",
    "const carol = new User(cloud, 'carol', { site, publicKeys: ['ssh-ed25519 AAAA carol'] });",
    "cloud.grant(carol, 'admin');",
    "site.grant(carol, 'admin');",
    "const nina = new User(cloud, 'nina', { site, publicKeys: ['ssh-ed25519 AAAA nina'] });",
    "const image = new Image(cloud, 'img');",
    "const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });",
    "const tpl = new NetworkTemplate(cloud, 'private');",
    `for (let i = 0; i < ${n}; i++) {`,
    "  const dep = new Deployment(cloud, `d${i}`, { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });",
    "  dep.addController(`c${i}`, { backend: 'external', sites: [site] });",
    "  const slice = site.addSlice(`s${i}`, { image, flavor });",
    "  slice.grant(nina, 'admin');",
    "  slice.addSliver('vm1', { deployment: dep });",
    `  if (i === ${extraSliver ?? -1}) slice.addSliver('vm2', { deployment: dep });`,
    '}',
    'cloud.synth();',
  ];
  return `${lines.join('\n')}\n`;
}

describeWith('terraform', 'the workflow\'s own steps and scripts, run for real on a cloud of 60 stacks', () => {
  const N = 60;
  const temp = tmpDir('xos-wf-run-');
  const checkout = path.join(temp, 'checkout');
  const output = path.join(temp, 'github-output');
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  /** The checkouts: the program under examples/many, the scripts (this repository's), an xos that is this build. */
  const put = (side: string, program: string, config?: unknown) => {
    const dir = path.join(checkout, side, 'examples', 'many');
    fs.rmSync(path.join(checkout, side), { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'main.ts'), program);
    if (config) fs.writeFileSync(path.join(dir, 'xos.config.json'), JSON.stringify(config));
    fs.cpSync(path.join(ROOT, 'examples', 'github', 'scripts'), path.join(checkout, side, 'examples', 'github', 'scripts'), { recursive: true });
    const bin = path.join(checkout, side, 'node_modules', '.bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'xos'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  };
  /** npm does nothing here: the checkouts' node_modules are in place. */
  const shims = path.join(temp, 'shims');
  fs.mkdirSync(shims, { recursive: true });
  fs.writeFileSync(path.join(shims, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });

  /** Run one step's script as GitHub does (bash -eo pipefail), with the workflow's, the step's and extra env. */
  const run = (job: string, name: string, extra: Record<string, string> = {}) => {
    const s = step(job, name);
    const env: Record<string, string> = { ...workflow.env, PROGRAM: 'examples/many', SYNTH_ARGS: '--target local --transpile-only', RUNNER_TEMP: temp, GITHUB_OUTPUT: output, PATH: `${shims}:${process.env.PATH}`, HOME: process.env.HOME ?? temp };
    for (const [k, v] of Object.entries(s.env ?? {})) if (!v.includes('${{')) env[k] = v;
    for (const [k, v] of Object.entries(s.env ?? {})) if (v.startsWith('${{ runner.temp }}')) env[k] = v.replace('${{ runner.temp }}', temp);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd: checkout, env: terraformEnv({ ...env, ...extra }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return r;
  };
  const outputs = () => Object.fromEntries(fs.readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
  /** The workflow's artifacts: head-program from synth-head into RUNNER_TEMP, as download-artifact puts it. */
  const synthBoth = () => {
    fs.writeFileSync(output, '');
    for (const d of ['head-program', 'base-out', 'head-plan', 'head-declared', 'plans']) fs.rmSync(path.join(temp, d), { recursive: true, force: true });
    const head = run('synth-head', 'Synthesize the head, with no secret in its environment');
    expect({ status: head.status, stderr: head.stderr }).toMatchObject({ status: 0 });
    const prep = run('prepare', 'Synthesize the base, and render the head\'s model with the base\'s xos');
    expect({ status: prep.status, stderr: prep.stderr }).toMatchObject({ status: 0 });
    const check = run('prepare', 'Check that the head\'s output is what its model renders to');
    expect({ status: check.status, stderr: check.stderr }).toMatchObject({ status: 0 });
    const stacks = run('prepare', 'Choose the stacks to plan');
    expect({ status: stacks.status, stderr: stacks.stderr }).toMatchObject({ status: 0 });
    const o = outputs();
    const matrix = JSON.parse(o.matrix) as { include: { group: number; stacks: string }[] };
    return { o, matrix, planned: matrix.include.flatMap((g) => g.stacks.split(' ')).sort() };
  };
  const planAndReview = (matrix: { include: { stacks: string }[] }, env: Record<string, string> = {}) => {
    for (const g of matrix.include) {
      const p = run('plan', 'Plan the stacks of this group', { STACKS: g.stacks, ...env });
      expect({ status: p.status, stderr: p.stderr }).toMatchObject({ status: 0 });
    }
    const review = run('review', 'Review', { ACTOR: 'nina' });
    expect({ status: review.status, stderr: review.stderr }).toEqual({ status: 0, stderr: '' });
    return { code: outputs().code, md: fs.readFileSync(path.join(temp, 'review.md'), 'utf8'), json: JSON.parse(fs.readFileSync(path.join(temp, 'review.json'), 'utf8')) };
  };

  test('a one-Sliver change plans exactly one stack of 60, names the other 59 unchanged, and nina (Slice admin) may make it', () => {
    put('base', bigCloud(N));
    put('head', bigCloud(N, 17));
    const { o, planned } = synthBoth();
    expect(planned).toEqual(['c17']);
    expect(o.unchanged.split(' ')).toHaveLength(N - 1);
    // The base is deployed (its state beside the outputs, where both render the local backend).
    const base17 = path.join(temp, 'base-out', 'stacks', 'c17');
    for (const args of [['init', '-input=false', '-no-color'], ['apply', '-input=false', '-no-color', '-auto-approve']]) {
      const t = spawnSync('terraform', [`-chdir=${base17}`, ...args], { env: terraformEnv(), encoding: 'utf8' });
      expect({ status: t.status, stderr: t.stderr }).toMatchObject({ status: 0 });
    }
    const { code, md, json } = planAndReview(JSON.parse(o.matrix));
    expect(json.summary.stacks.map((s: { stack: string }) => s.stack)).toEqual(['c17']);
    expect(json.summary.total.create).toBeGreaterThan(0);
    expect(md).toMatch(/Unchanged \(synthesized output identical at base and head, not planned\): c0, c1, /);
    expect(md).not.toMatch(/No plan was given/);
    expect(json.configuration).toEqual([]);
    expect({ code, denied: json.authorization.denied }).toEqual({ code: '0', denied: 0 });
  });

  test('the head is synthesized with no secret in its environment, and a base that does not synthesize fails the workflow', () => {
    put('base', 'throw new Error("the base is broken");\n');
    const seen = path.join(temp, 'seen-env.json');
    put('head', bigCloud(3).replace('cloud.synth();', `require('fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.env));\ncloud.synth();`));
    fs.writeFileSync(output, '');
    for (const d of ['head-program', 'base-out']) fs.rmSync(path.join(temp, d), { recursive: true, force: true });
    const head = run('synth-head', 'Synthesize the head, with no secret in its environment', { PGPASSWORD: 'ci-secret-pg', AWS_SECRET_ACCESS_KEY: 'ci-secret-aws', GITHUB_TOKEN: 'ci-secret-token' });
    expect(head.status).toBe(0);
    // env -i: the program saw PATH, HOME and CI, and nothing of the job's environment.
    const env = JSON.parse(fs.readFileSync(seen, 'utf8')) as Record<string, string>;
    expect(JSON.stringify(env)).not.toContain('ci-secret');
    expect(env.RUNNER_TEMP).toBeUndefined();
    const prep = run('prepare', 'Synthesize the base, and render the head\'s model with the base\'s xos');
    expect(prep.status).toBe(1);
    expect(prep.stdout + prep.stderr).toMatch(/::error::the base does not synthesize: the review cannot authorize anything/);
  });

  test('a program that overwrites its own xos-model.json (with the base\'s) to hide a change is refused', () => {
    put('base', bigCloud(N));
    put('head', bigCloud(N, 9));
    fs.writeFileSync(output, '');
    for (const d of ['head-program', 'base-out', 'head-plan', 'head-declared']) fs.rmSync(path.join(temp, d), { recursive: true, force: true });
    expect(run('synth-head', 'Synthesize the head, with no secret in its environment').status).toBe(0);
    expect(run('prepare', 'Synthesize the base, and render the head\'s model with the base\'s xos').status).toBe(0);
    // What such a program writes last: the base's model over its own, its stacks left as they are.
    fs.copyFileSync(path.join(temp, 'base-out', 'xos-model.json'), path.join(temp, 'head-program', 'xos-model.json'));
    expect(run('prepare', 'Synthesize the base, and render the head\'s model with the base\'s xos').status).toBe(0);
    const check = run('prepare', 'Check that the head\'s output is what its model renders to');
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/the pull request's synthesized stacks are not what its xos-model\.json renders to \(c9\/cdk\.tf\.json\)/);
  });

  test('a backend change in xos.config.json plans the 3 stacks it touches, is shown first, needs a root admin, and never receives the credentials', async () => {
    // The pull request points three stacks at a PostgreSQL server of its own choice.
    const server = net.createServer((sock) => {
      connections++;
      sock.destroy();
    });
    let connections = 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      put('base', bigCloud(N));
      const evil = { type: 'pg', connStr: `postgres://xos@127.0.0.1:${port}/state` };
      put('head', bigCloud(N), { stackBackends: { c3: evil, c4: evil, c5: evil } });
      const { o, planned } = synthBoth();
      expect(planned).toEqual(['c3', 'c4', 'c5']);
      expect(o.unchanged.split(' ')).toHaveLength(N - 3);
      // The plan job has the CI's credentials in its environment.
      const { code, md, json } = planAndReview(JSON.parse(o.matrix), { PGPASSWORD: 'ci-secret-pg-password', TF_VAR_OS_PASSWORD: 'ci-secret-os-password' });
      expect(connections).toBe(0);
      expect(json.configuration.map((c: { stack: string; what: string }) => `${c.stack} ${c.what}`)).toEqual(['c3 backend', 'c4 backend', 'c5 backend']);
      expect(md.indexOf('Stack configuration changes (3): root admin only')).toBeLessThan(md.indexOf('### Destroys and replacements'));
      expect(code).toBe('3');
      expect(json.authorization.checks.filter((c: { subject: string; allowed: boolean }) => c.subject === 'config' && !c.allowed)).toHaveLength(3);
      for (const f of fs.readdirSync(path.join(temp, 'plans'))) expect(fs.readFileSync(path.join(temp, 'plans', f), 'utf8')).not.toContain('ci-secret');
    } finally {
      server.close();
    }
  });
});
