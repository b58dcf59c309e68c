/**
 * A rehearsal: every stack of a synthesized output folder, in a scratch copy, through
 * `terraform init`, `validate`, `plan` and `apply` against the harness.
 *
 * The scratch copy is itself an output folder (manifest.json, xos-model.json, stacks/...),
 * so `xos status` and `xos review` read it as they read the user's. Each stack's files are
 * copied byte for byte (line numbers in Terraform's messages are those of the user's
 * cdk.tf.json); an override file beside them (`xos_rehearsal_override.tf.json`, merged by
 * Terraform over the configuration) replaces the backend with a local state in the scratch
 * folder and points each `terraform_remote_state` at the scratch state of the stack it reads:
 * the user's backends are never read or written. Every variable gets a placeholder value and
 * the environment none of the user's credentials.
 *
 * Stacks run in the order their cross-stack references need (a stack after those whose
 * outputs it reads), up to `parallelism` at a time.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { terraformEnv, type Harness } from './harness';

export type Step = 'init' | 'validate' | 'plan' | 'apply';
export const STEPS: readonly Step[] = ['init', 'validate', 'plan', 'apply'];

export interface Changes {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
  readonly import?: number;
}

/** Where Terraform located a problem, in the user's synthesized output. */
export interface Problem {
  readonly step: Step;
  readonly summary: string;
  readonly detail?: string;
  /** `stacks/<stack>/cdk.tf.json` of the output folder rehearsed, when Terraform gave a place. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The resource address the problem concerns, when Terraform gave one. */
  readonly address?: string;
}

export interface StackResult {
  readonly stack: string;
  /** Resources and data sources the stack declares. */
  readonly declared: number;
  /** `validated` when the rehearsal was asked to stop there (`until`). */
  readonly status: 'applied' | 'validated' | 'failed' | 'skipped';
  /** The steps that passed, in order. */
  readonly passed: readonly Step[];
  readonly planned?: Changes;
  readonly applied?: Changes;
  readonly problem?: Problem;
  /** Why a stack did not run: a stack whose outputs it reads failed. */
  readonly skipped?: string;
  /** The saved plan (binary) and its `terraform show -json`, in the scratch folder. */
  readonly planFile?: string;
  readonly planJson?: string;
  readonly seconds: number;
}

export interface RehearsalResult {
  readonly ok: boolean;
  /** The output folder rehearsed. */
  readonly outdir: string;
  /** The scratch copy: stacks, states (`terraform.<stack>.tfstate`), plans, the simulated cloud. */
  readonly scratch: string;
  readonly stacks: readonly StackResult[];
  readonly seconds: number;
}

export interface RehearseOptions {
  /** A synthesized output folder (manifest.json, stacks/<stack>/cdk.tf.json). */
  readonly outdir: string;
  /** Where the scratch copy goes (created; must not exist or be empty). */
  readonly scratch: string;
  readonly harness: Harness;
  /** Stacks run at once. @default 2 */
  readonly parallelism?: number;
  /** Only these stacks (and nothing else: stacks whose outputs they read must be applied already in `scratch`). */
  readonly only?: readonly string[];
  /** Save `terraform show -json` of each plan (for `xos review`). @default true */
  readonly planJson?: boolean;
  /** Told of each step as it finishes. */
  readonly progress?: (stack: string, step: Step, ok: boolean) => void;
  /** Give up on one Terraform command after this long. @default {@link defaultTimeoutMs} of the stack's declared resources */
  readonly timeoutMs?: number;
  /** Stop after this step (`validate`: check every stack against the schemas, create nothing). @default 'apply' */
  readonly until?: Step;
}

const OVERRIDE = 'xos_rehearsal_override.tf.json';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface StackPlan {
  readonly name: string;
  readonly dir: string;
  /** Stacks whose outputs this one reads. */
  readonly needs: readonly string[];
  readonly declared: number;
}

function readJson(file: string): Json {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!isObject(v)) throw new Error('not a JSON object');
    return v;
  } catch (e) {
    throw new Error(`${file} cannot be read as a synthesized stack (${(e as Error).message})`);
  }
}

function countDeclared(tf: Json): number {
  let n = 0;
  for (const group of [tf.resource, tf.data]) if (isObject(group)) for (const byName of Object.values(group)) if (isObject(byName)) n += Object.keys(byName).length;
  return n;
}

/** Copy a stack's files (not Terraform's working files) into the scratch copy. */
function copyStack(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === '.terraform' || e.name === '.terraform.lock.hcl' || e.name.endsWith('.tfstate') || e.name.endsWith('.tfstate.backup') || e.name.endsWith('.tfplan')) continue;
    const src = path.join(from, e.name);
    if (e.isDirectory()) fs.cpSync(src, path.join(to, e.name), { recursive: true });
    else if (e.isFile()) fs.copyFileSync(src, path.join(to, e.name));
  }
}

/** The stacks of an output folder, in manifest order, with what each reads from the others. */
function readStacks(outdir: string, scratch: string, only?: readonly string[]): StackPlan[] {
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${outdir} is not a synthesized output folder: it has no manifest.json. Run 'xos synth <program> --out ${outdir}' first, or give the program.`);
  const manifest = readJson(manifestFile);
  const stacks = isObject(manifest.stacks) ? manifest.stacks : {};
  const names = Object.keys(stacks);
  const out: StackPlan[] = [];
  for (const name of names) {
    if (only && !only.includes(name)) continue;
    const entry = stacks[name] as Json;
    const rel = typeof entry.workingDirectory === 'string' ? entry.workingDirectory : path.join('stacks', name);
    const dir = path.join(outdir, rel);
    const tf = readJson(path.join(dir, 'cdk.tf.json'));
    const needs = new Set<string>((Array.isArray(entry.dependencies) ? entry.dependencies : []).filter((d): d is string => typeof d === 'string' && names.includes(d)));
    const remote = isObject(tf.data) && isObject(tf.data.terraform_remote_state) ? tf.data.terraform_remote_state : {};
    const remoteOverrides: Json = {};
    for (const [ds, body] of Object.entries(remote)) {
      const producer = remoteProducer(ds, body, names, outdir, stacks);
      if (!producer) throw new Error(`stack ${name}: data.terraform_remote_state.${ds} reads a state that no stack of ${outdir} makes, which a rehearsal cannot provide.`);
      needs.add(producer);
      remoteOverrides[ds] = { backend: 'local', config: { path: path.join(scratch, `terraform.${producer}.tfstate`) } };
    }
    const scratchDir = path.join(scratch, rel);
    copyStack(dir, scratchDir);
    const override: Json = { terraform: { backend: { local: { path: path.join(scratch, `terraform.${name}.tfstate`) } } } };
    if (Object.keys(remoteOverrides).length) override.data = { terraform_remote_state: remoteOverrides };
    fs.writeFileSync(path.join(scratchDir, OVERRIDE), `${JSON.stringify(override, null, 2)}\n`);
    out.push({ name, dir: scratchDir, needs: [...needs].filter((n) => n !== name), declared: countDeclared(tf) });
  }
  return out;
}

/** The stack a remote state data source reads: by cdktf's name for it, else by equal backend settings. */
function remoteProducer(ds: string, body: unknown, names: readonly string[], outdir: string, stacks: Json): string | undefined {
  const prefix = 'cross-stack-reference-input-';
  if (ds.startsWith(prefix) && names.includes(ds.slice(prefix.length))) return ds.slice(prefix.length);
  if (!isObject(body)) return undefined;
  for (const n of names) {
    const entry = stacks[n] as Json;
    const rel = typeof entry.workingDirectory === 'string' ? entry.workingDirectory : path.join('stacks', n);
    const tf = readJson(path.join(outdir, rel, 'cdk.tf.json'));
    const be = isObject(tf.terraform) && isObject(tf.terraform.backend) ? tf.terraform.backend : {};
    const [type] = Object.keys(be);
    if (type && type === body.backend && JSON.stringify(be[type]) === JSON.stringify(body.config)) return n;
  }
  return undefined;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The limit ran out and the command was stopped (Terraform then exits on its own with 'execution halted'). */
  readonly timedOut?: boolean;
}

/**
 * How long one Terraform command of a stack may take when no limit is given: five minutes, and
 * a quarter of a second more per declared resource, so that a Central Office of thousands of
 * subscriber resources is not cut off half-applied (its apply runs for several minutes).
 */
export function defaultTimeoutMs(declared: number): number {
  return 300_000 + 250 * Math.max(0, declared);
}

function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('terraform', [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: '', stderr: e.code === 'ENOENT' ? 'terraform is not on the PATH: install Terraform 1.4 or later.' : e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code: timedOut ? (code || -1) : (code ?? -1), stdout: Buffer.concat(out).toString('utf8'), stderr: signal && !timedOut ? `terraform ${args[0]} was stopped by ${signal}\n${stderr}` : stderr, ...(timedOut ? { timedOut } : {}) });
    });
  });
}

function lines(text: string): Json[] {
  const out: Json[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('{')) continue;
    try {
      const v = JSON.parse(l) as unknown;
      if (isObject(v)) out.push(v);
    } catch {
      /* not a message */
    }
  }
  return out;
}

const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** A Terraform diagnostic (validate's, or a `-json` stream's) as a problem located in the user's output. */
function problemOf(step: Step, d: Json, stack: string, stackRel: string): Problem {
  const range = isObject(d.range) ? d.range : undefined;
  const start = range && isObject(range.start) ? range.start : undefined;
  const file = range && typeof range.filename === 'string' ? range.filename : undefined;
  return {
    step,
    summary: typeof d.summary === 'string' ? d.summary : 'error',
    ...(typeof d.detail === 'string' && d.detail ? { detail: strip(d.detail) } : {}),
    ...(file ? { file: file === OVERRIDE ? `${stack}/${OVERRIDE} (written by the rehearsal)` : path.join(stackRel, file) } : {}),
    ...(start && typeof start.line === 'number' ? { line: start.line } : {}),
    ...(start && typeof start.column === 'number' ? { column: start.column } : {}),
    ...(typeof d.address === 'string' ? { address: d.address } : {}),
  };
}

function firstError(step: Step, run: Run, stack: string, stackRel: string, timeoutMs?: number): Problem {
  if (run.timedOut && timeoutMs !== undefined)
    return {
      step,
      summary: `terraform ${step} did not finish within ${timeoutMs >= 10_000 ? Math.round(timeoutMs / 1000) : timeoutMs / 1000} s and was stopped`,
      detail: `Terraform reports this as 'execution halted'; nothing is wrong with the configuration as far as it got. Give each Terraform command longer with --timeout SECONDS.`,
    };
  for (const m of lines(run.stdout)) {
    if (m['@level'] === 'error' && isObject(m.diagnostic)) return problemOf(step, m.diagnostic, stack, stackRel);
  }
  const text = strip(`${run.stderr}\n${run.stdout}`)
    .split('\n')
    .map((l) => l.replace(/^[\s│╷╵]+/, '').trim())
    .filter(Boolean);
  const i = text.findIndex((l) => /^Error/.test(l));
  const picked = i >= 0 ? text.slice(i, i + 4) : text.slice(0, 4);
  return { step, summary: (picked[0] ?? `terraform ${step} failed (exit ${run.code})`).replace(/^Error: /, ''), ...(picked.length > 1 ? { detail: picked.slice(1).join(' ') } : {}) };
}

function changesOf(run: Run, operation: string): Changes | undefined {
  for (const m of lines(run.stdout)) {
    if (m.type !== 'change_summary' || !isObject(m.changes) || m.changes.operation !== operation) continue;
    const c = m.changes;
    const n = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : 0);
    return { add: n('add'), change: n('change'), remove: n('remove'), ...(n('import') ? { import: n('import') } : {}) };
  }
  return undefined;
}

/** The placeholder a rehearsal gives a variable. */
export function placeholder(variable: string): string {
  return `rehearsal-placeholder-${variable}`;
}

/**
 * The environment Terraform runs in for a stack under the harness: no credential of the
 * user's, the harness's settings, and a placeholder for each variable the stack declares
 * without a default (for Terraform commands run in a rehearsal's scratch copy afterwards).
 */
export function rehearsalEnv(harness: Harness, stackDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const tf = readJson(path.join(stackDir, 'cdk.tf.json'));
  const vars: Record<string, string> = {};
  if (isObject(tf.variable)) for (const [k, v] of Object.entries(tf.variable)) if (!isObject(v) || !('default' in v)) vars[`TF_VAR_${k}`] = placeholder(k);
  return terraformEnv(harness, base, vars);
}

async function rehearseStack(s: StackPlan, o: RehearseOptions): Promise<StackResult> {
  const t0 = Date.now();
  const timeout = o.timeoutMs ?? defaultTimeoutMs(s.declared);
  const env = rehearsalEnv(o.harness, s.dir);
  const stackRel = path.relative(o.scratch, s.dir);
  const passed: Step[] = [];
  const base = { stack: s.name, declared: s.declared };
  const fail = (problem: Problem, extra: Partial<StackResult> = {}): StackResult => ({ ...base, status: 'failed', passed, problem, ...extra, seconds: (Date.now() - t0) / 1000 });
  const done = (step: Step, ok: boolean) => {
    if (ok) passed.push(step);
    o.progress?.(s.name, step, ok);
  };

  const init = await terraform(['init', '-input=false', '-no-color'], s.dir, env, timeout);
  done('init', init.code === 0);
  if (init.code !== 0) return fail(firstError('init', init, s.name, stackRel, timeout));

  const validate = await terraform(['validate', '-json', '-no-color'], s.dir, env, timeout);
  let verdict: Json | undefined;
  try {
    verdict = JSON.parse(validate.stdout) as Json;
  } catch {
    verdict = undefined;
  }
  const diags = verdict && Array.isArray(verdict.diagnostics) ? (verdict.diagnostics as Json[]) : [];
  const bad = diags.find((d) => d.severity === 'error');
  done('validate', validate.code === 0 && !bad);
  if (validate.code !== 0 || bad) return fail(bad ? problemOf('validate', bad, s.name, stackRel) : firstError('validate', validate, s.name, stackRel, timeout));
  if (o.until === 'validate') return { ...base, status: 'validated', passed, seconds: (Date.now() - t0) / 1000 };

  const plansDir = path.join(o.scratch, 'plans');
  fs.mkdirSync(plansDir, { recursive: true });
  const planFile = path.join(plansDir, `${s.name}.tfplan`);
  const plan = await terraform(['plan', '-input=false', '-no-color', '-json', `-out=${planFile}`], s.dir, env, timeout);
  const planned = changesOf(plan, 'plan');
  done('plan', plan.code === 0);
  if (plan.code !== 0) return fail(firstError('plan', plan, s.name, stackRel, timeout));
  let planJson: string | undefined;
  if (o.planJson !== false) {
    const show = await terraform(['show', '-json', '-no-color', planFile], s.dir, env, timeout);
    if (show.code === 0) {
      planJson = path.join(plansDir, `${s.name}.json`);
      fs.writeFileSync(planJson, show.stdout);
    }
  }

  const apply = await terraform(['apply', '-input=false', '-no-color', '-json', planFile], s.dir, env, timeout);
  const applied = changesOf(apply, 'apply');
  done('apply', apply.code === 0);
  const files = { planFile, ...(planJson ? { planJson } : {}) };
  if (apply.code !== 0) return fail(firstError('apply', apply, s.name, stackRel, timeout), { ...(planned ? { planned } : {}), ...(applied ? { applied } : {}), ...files });
  return { ...base, status: 'applied', passed, ...(planned ? { planned } : {}), ...(applied ? { applied } : {}), ...files, seconds: (Date.now() - t0) / 1000 };
}

/** Copy the output folder's own files (manifest, model) into the scratch copy. */
function copyOutputFiles(outdir: string, scratch: string): void {
  for (const f of fs.readdirSync(outdir)) {
    const p = path.join(outdir, f);
    if (fs.statSync(p).isFile() && f.endsWith('.json')) fs.copyFileSync(p, path.join(scratch, f));
  }
}

/** Rehearse every stack of an output folder. */
export async function rehearse(o: RehearseOptions): Promise<RehearsalResult> {
  const t0 = Date.now();
  const outdir = path.resolve(o.outdir);
  const scratch = path.resolve(o.scratch);
  fs.mkdirSync(scratch, { recursive: true });
  copyOutputFiles(outdir, scratch);
  const plans = readStacks(outdir, scratch, o.only);
  const byName = new Map(plans.map((p) => [p.name, p]));
  const results = new Map<string, StackResult>();
  const running = new Map<string, Promise<void>>();
  const parallelism = Math.max(1, o.parallelism ?? 2);
  const pending = [...plans];
  // Start what is ready, wait for one to finish, repeat; a stack whose producer failed is skipped.
  while (pending.length || running.size) {
    for (let i = 0; i < pending.length && running.size < parallelism; ) {
      const s = pending[i];
      const waiting = s.needs.filter((n) => byName.has(n) && !results.has(n));
      const failed = s.needs.find((n) => results.has(n) && !['applied', 'validated'].includes(results.get(n)!.status));
      if (failed) {
        pending.splice(i, 1);
        results.set(s.name, { stack: s.name, declared: s.declared, status: 'skipped', passed: [], skipped: `it reads outputs of stack ${failed}, which did not apply`, seconds: 0 });
        continue;
      }
      if (waiting.length) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      running.set(
        s.name,
        rehearseStack(s, o).then((r) => {
          results.set(s.name, r);
          running.delete(s.name);
        }),
      );
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.length) {
      // Nothing runs and nothing can start: a cycle among the stacks' references.
      for (const s of pending.splice(0)) results.set(s.name, { stack: s.name, declared: s.declared, status: 'skipped', passed: [], skipped: `its cross-stack references form a cycle (${s.needs.join(', ')})`, seconds: 0 });
    }
  }
  const stacks = plans.map((p) => results.get(p.name)!);
  const done = o.until === 'validate' ? 'validated' : 'applied';
  return { ok: stacks.every((s) => s.status === done), outdir, scratch, stacks, seconds: (Date.now() - t0) / 1000 };
}
