/**
 * One measurement, in a process of its own so that its peak memory is its own:
 * `node dist/bench/worker.js <task> <resources> <seed>` prints one JSON line
 * `{ task, size, ms, maxRssMb, resources, extra }`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileCloud, compileModel, type Compiled } from '../lib/compile';
import { buildModel } from '../lib/model/build';
import { generateCloud } from './generate';

export interface Measurement {
  readonly task: string;
  readonly size: number;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly resources: number;
  readonly extra?: Record<string, number | string>;
}

function resourcesOf(c: Compiled): number {
  return c.layout.stacks.reduce((n, s) => n + s.resources.length, 0);
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-'));
}

let identity: string | undefined;

/**
 * This copy of xos and this build of it, `<copy>.<build>`: the folder, and the size and time of
 * every file of its code (a rebuild or a checkout rewrites them). A cache made by older code in the same
 * folder (a rebase, a pull, CI reusing its clone's path) is never read as this code's.
 */
function codeIdentity(): string {
  if (identity) return identity;
  const root = path.resolve(__dirname, '..');
  const copy = (require('crypto').createHash('sha256').update(root).digest('hex') as string).slice(0, 8);
  const hash = require('crypto').createHash('sha256');
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const f = path.join(dir, n);
      const st = fs.statSync(f);
      if (st.isDirectory()) walk(f);
      else if (/\.(ts|js)$/.test(n)) hash.update(`${path.relative(root, f)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const d of ['lib', 'constructs', 'bench']) walk(path.join(root, d));
  identity = `${copy}.${(hash.digest('hex') as string).slice(0, 8)}`;
  return identity;
}

/**
 * The folder of a cached input: named after this copy and build of xos too, so that other
 * copies (other clones, CI's) and older builds never read each other's caches, made by other code.
 */
export function cacheDir(kind: CacheKind, size: number, seed: number, variant: Variant = 'cloud'): string {
  const copy = codeIdentity();
  return path.join(os.tmpdir(), `xos-bench-${kind}-${copy}-${variant === 'cloud' ? '' : `${variant}-`}${seed}-${size}`);
}

/**
 * What a size counts: `cloud`, a generated cloud of about that many resources; `offices`,
 * central offices with that many subscribers, each a chain of three tenant instances.
 */
export type Variant = 'cloud' | 'offices';

/** The generated cloud of a variant at a size. */
export function generated(size: number, seed: number, variant: Variant = 'cloud') {
  if (variant === 'offices') {
    const { generateOffices } = require('./generate') as typeof import('./generate');
    return generateOffices({ seed, subscribers: size });
  }
  return generateCloud({ seed, resources: size });
}

/**
 * A synthesized output of the generated cloud, made once per size and reused by later tasks.
 * With it, the allocations of that compile (`xos.allocations.json`, as `xos synth` records
 * them beside a program), when the cloud has tenant instances.
 */
export function cachedOutput(size: number, seed: number, variant: Variant = 'cloud'): string {
  const dir = cacheDir('out', size, seed, variant);
  if (fs.existsSync(path.join(dir, 'xos-model.json')) || madeApart('out', size, seed, variant)) return dir;
  const { synthesizeAtomically } = require('../lib/synth/output') as typeof import('../lib/synth/output');
  const c = compileCloud(generated(size, seed, variant));
  synthesizeAtomically(c, { outdir: dir, target: 'local' });
  const lock = c.built.meta.allocation?.lock;
  if (lock) {
    const { allocationsPath, writeAllocations } = require('../lib/model/allocations-file') as typeof import('../lib/model/allocations-file');
    writeAllocations(allocationsPath(dir), lock);
  }
  return dir;
}

/** Inputs made once per size: synthesized output, plans, states, one office's recipe and CSV. */
export type CacheKind = 'out' | 'plans' | 'states' | 'office';

/** What makes each kind of cache: the output here, plans and states in tasks-extra (registerCache). */
const cacheMakers: Partial<Record<CacheKind, (size: number, seed: number, variant: Variant) => unknown>> = { out: cachedOutput };

/** Register what makes a kind of cache, for `worker.js --make`. */
export function registerCache(kind: CacheKind, make: (size: number, seed: number, variant: Variant) => unknown): void {
  cacheMakers[kind] = make;
}

/** Set in the process that makes a cache (see `madeApart`). */
const MAKER = 'XOS_BENCH_MAKING_CACHE';

/**
 * Make a missing cache in a process of its own, and say whether it did: a task's peak memory
 * is then what the task itself holds, not the compile, synthesis and writing of its inputs
 * (at 100k subscribers those peak higher than the task). False in that process: make it there.
 */
export function madeApart(kind: CacheKind, size: number, seed: number, variant: Variant): boolean {
  // Run from TypeScript sources (the tests), this file is no program node can start: made here.
  if (process.env[MAKER] || !__filename.endsWith('.js')) return false;
  const r = require('child_process').spawnSync(process.execPath, ['--max-old-space-size=8192', __filename, '--make', kind, String(size), String(seed), variant], {
    env: { ...process.env, [MAKER]: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  }) as import('child_process').SpawnSyncReturns<Buffer>;
  if (r.status !== 0) throw new Error(`making the bench's ${kind} cache at ${size} failed (exit ${r.status ?? r.signal})`);
  return true;
}

/** Every cdk.tf.json under an output directory. */
export function stackFiles(out: string): string[] {
  return fs.readdirSync(path.join(out, 'stacks')).map((s) => path.join(out, 'stacks', s, 'cdk.tf.json'));
}

type TaskResult = Omit<Measurement, 'task' | 'size' | 'maxRssMb'>;
export type Task = (size: number, seed: number) => TaskResult | Promise<TaskResult>;

/** Build the model of the generated cloud of a variant from its constructs, and run every static rule. */
export function compileTask(variant: Variant): Task {
  return (size, seed) => {
    const t0 = performance.now();
    const cloud = generated(size, seed, variant);
    const built = buildModel(cloud);
    const t1 = performance.now();
    const c = compileModel(built);
    const ms = performance.now() - t0;
    // Validation alone: the rules over an already-built model and layout.
    const { runRules } = require('../lib/rules/index') as typeof import('../lib/rules/index');
    const v0 = performance.now();
    runRules(c.built, c.layout, {}, c.index);
    const validateMs = performance.now() - v0;
    if (c.errors) throw new Error(`generated cloud has ${c.errors} errors`);
    return { ms, resources: resourcesOf(c), extra: { buildMs: Math.round(t1 - t0), validateMs: Math.round(validateMs) } };
  };
}

/** Compile the generated cloud of a variant and synthesize it to the local target: what `xos synth` does. */
export function synthLocalTask(variant: Variant): Task {
  return synthTask(variant, 'local');
}

/** Compile and synthesize a generated cloud with a target, written atomically to a scratch folder. */
export function synthTask(variant: Variant, target: 'local' | 'auto'): Task {
  return (size, seed) => {
    const { synthesizeAtomically } = require('../lib/synth/output') as typeof import('../lib/synth/output');
    const out = path.join(tmp(), 'out');
    const t0 = performance.now();
    const c = compileCloud(generated(size, seed, variant));
    const t1 = performance.now();
    synthesizeAtomically(c, { outdir: out, target });
    const ms = performance.now() - t0;
    const bytes = stackFiles(out).reduce((n, f) => n + fs.statSync(f).size, 0);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    return { ms, resources: resourcesOf(c), extra: { compileMs: Math.round(t1 - t0), bytes } };
  };
}

/** The plain cdktf baseline over the generated cloud of a variant: the same resources, declared directly. */
export function plainCdktfTask(variant: Variant): Task {
  return (size, seed) => {
    const c = compileCloud(generated(size, seed, variant));
    const { localInput } = require('../lib/synth/local') as typeof import('../lib/synth/local');
    const stacks = c.layout.stacks.map((s) => ({ name: s.name, resources: s.resources.map((r) => ({ name: r.name, input: localInput(r) })) }));
    const out = path.join(tmp(), 'out');
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { App, TerraformStack, TerraformResource } = require('cdktf') as typeof import('cdktf');
    class Data extends TerraformResource {
      constructor(scope: import('constructs').Construct, id: string, private readonly input: Record<string, unknown>) {
        super(scope, id, { terraformResourceType: 'terraform_data' });
      }
      protected override synthesizeAttributes() {
        return { input: this.input };
      }
    }
    const app = new App({ outdir: out });
    for (const s of stacks) {
      const stack = new TerraformStack(app, s.name);
      for (const r of s.resources) new Data(stack, r.name, r.input);
    }
    app.synth();
    const ms = performance.now() - t0;
    const bytes = stackFiles(out).reduce((n, f) => n + fs.statSync(f).size, 0);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    return { ms, resources: resourcesOf(c), extra: { bytes } };
  };
}

const tasks: Record<string, Task> = {
  /** Build the model from the constructs and run every static rule. */
  compile: compileTask('cloud'),
  /** Compile and synthesize to the local target: what `xos synth` does. */
  'synth-local': synthLocalTask('cloud'),
  /**
   * The baseline: a plain cdktf program declaring the same resources (same stacks, types,
   * names and inputs) directly, with no model and no validation.
   */
  'plain-cdktf': plainCdktfTask('cloud'),
  /** The floor: JSON.parse and JSON.stringify of the same bytes as the synthesized stacks. */
  floor(size, seed) {
    const out = cachedOutput(size, seed);
    const texts = stackFiles(out).map((f) => fs.readFileSync(f, 'utf8'));
    const t0 = performance.now();
    let n = 0;
    for (const t of texts) n += JSON.stringify(JSON.parse(t), null, 2).length;
    const ms = performance.now() - t0;
    return { ms, resources: 0, extra: { bytes: n } };
  },
};

/** Tasks that other modules add (status, review, openstack synthesis) register here. */
export function registerTask(name: string, fn: Task): void {
  tasks[name] = fn;
}

export function taskNames(): string[] {
  return Object.keys(tasks);
}

export async function runTask(task: string, size: number, seed: number): Promise<Measurement> {
  const fn = tasks[task];
  if (!fn) throw new Error(`unknown bench task '${task}' (known: ${Object.keys(tasks).join(', ')})`);
  const r = await fn(size, seed);
  return { task, size, ...r, ms: Math.round(r.ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

if (require.main === module) {
  // Optional tasks live beside this file; each registers itself when present.
  for (const f of ['tasks-extra', 'tasks-plumbing', 'tasks-verify', 'tasks-instances', 'cli-validate']) {
    try {
      require(`./${f}`);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  const [task, size, seed] = process.argv.slice(2);
  if (task === '--make') {
    // `--make KIND SIZE SEED VARIANT`: a cache, in this process (see madeApart).
    const [kind, n, s, variant] = process.argv.slice(3);
    const make = cacheMakers[kind as CacheKind];
    if (!make) throw new Error(`unknown cache '${kind}'`);
    Promise.resolve(make(Number(n), Number(s), variant as Variant)).catch((e) => {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    });
  } else
  runTask(task, Number(size), Number(seed ?? 1)).then(
    (m) => process.stdout.write(JSON.stringify(m) + '\n'),
    (e) => {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
