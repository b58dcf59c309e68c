/**
 * `npm run bench [-- --sizes 1000,10000] [--tasks compile,synth-local] [--seed 1] [--out FILE]`
 *
 * For each size: wall time and peak RSS of each task, each in a fresh process; the plain
 * cdktf baseline and the JSON floor in the same run; a table with the ratios, and the same as
 * JSON in bench/results.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { floorRatios } from './floors';
import type { Measurement } from './worker';

const DEFAULT_SIZES = [1000, 10000, 50000, 100000];

/** Tasks judged against the JSON floor of their own input (the `<task>-floor` task). */
const OWN_FLOOR = new Set(['status', 'review', 'instances-status', 'instances-review']);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function measure(task: string, size: number, seed: number): Measurement | { task: string; size: number; error: string } {
  const worker = path.join(__dirname, 'worker.js');
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', worker, task, String(size), String(seed)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return { task, size, error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function main(): void {
  const sizes = (arg('sizes') ?? DEFAULT_SIZES.join(',')).split(',').map(Number);
  const seed = Number(arg('seed') ?? 1);
  const out = arg('out') ?? path.resolve(__dirname, '..', '..', 'bench', 'results.json');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { taskNames } = require('./worker') as typeof import('./worker');
  for (const f of ['./tasks-extra', './tasks-plumbing', './tasks-verify', './tasks-instances', './cli-validate']) {
    try {
      require(f);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  const asked = (arg('tasks') ?? taskNames().join(',')).split(',');
  // Status and review are judged against the floor of what they read: measured with them.
  const tasks = asked.flatMap((t) => (OWN_FLOOR.has(t) && !asked.includes(`${t}-floor`) ? [t, `${t}-floor`] : [t]));
  // Inputs made by an earlier run (synthesized output, plans, states) may come from older code.
  // This copy's only: other copies (other clones, other worktrees) may be using theirs.
  const { cacheDir } = require('./worker') as typeof import('./worker');
  // Every build's of this copy: caches of older builds are never read again.
  const copy = path.basename(cacheDir('out', 0, 0)).split('-')[3].split('.')[0];
  for (const f of fs.readdirSync(require('os').tmpdir())) if (/^xos-bench-(out|plans|states|office)-/.test(f) && f.split('-')[3].split('.')[0] === copy) fs.rmSync(path.join(require('os').tmpdir(), f), { recursive: true, force: true });
  const rows: (Measurement | { task: string; size: number; error: string })[] = [];
  for (const size of sizes) {
    for (const task of tasks) {
      process.stderr.write(`bench: ${task} at ${size} ...`);
      const m = measure(task, size, seed);
      rows.push(m);
      process.stderr.write('error' in m ? ` failed: ${m.error}\n` : ` ${m.ms} ms, ${m.maxRssMb} MB\n`);
    }
  }
  const get = (task: string, size: number) => rows.find((r): r is Measurement => r.task === task && r.size === size && !('error' in r));
  const table: Record<string, unknown>[] = [];
  for (const r of rows) {
    if ('error' in r) {
      table.push({ task: r.task, size: r.size, error: r.error });
      continue;
    }
    const plain = get('plain-cdktf', r.size);
    const floor = get('floor', r.size);
    const own = OWN_FLOOR.has(r.task) ? get(`${r.task}-floor`, r.size) : undefined;
    table.push({
      task: r.task,
      size: r.size,
      resources: r.resources,
      ms: r.ms,
      maxRssMb: r.maxRssMb,
      vsPlainCdktf: plain && r.task !== 'plain-cdktf' && !r.task.endsWith('floor') ? +(r.ms / plain.ms).toFixed(3) : undefined,
      vsFloor: floor && !r.task.endsWith('floor') ? +(r.ms / Math.max(1, floor.ms)).toFixed(2) : undefined,
      vsOwnFloor: own ? +(r.ms / Math.max(1, own.ms)).toFixed(2) : undefined,
      ...(r.extra ?? {}),
    });
  }
  const growth: Record<string, number> = {};
  for (const t of tasks) {
    const a = get(t, 10000);
    const b = get(t, 100000);
    if (a && b) growth[t] = +(b.ms / a.ms).toFixed(2);
  }
  const targets = checkTargets(get, sizes, tasks, growth);
  const result = { date: new Date().toISOString(), node: process.version, cpus: require('os').cpus().length, seed, sizes, rows: table, growth100kOver10k: growth, targets };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

  const cols = ['task', 'size', 'resources', 'ms', 'maxRssMb', 'vsPlainCdktf', 'vsFloor', 'vsOwnFloor'];
  const w = cols.map((c) => Math.max(c.length, ...table.map((r) => String(r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => (i < 1 ? v.padEnd(w[i]) : v.padStart(w[i]))).join('  ');
  console.log(line(cols));
  for (const r of table) console.log(line(cols.map((c) => (r[c] === undefined ? (c === 'ms' && r.error ? 'ERROR' : '') : String(r[c])))));
  if (Object.keys(growth).length) console.log(`growth 100k / 10k: ${Object.entries(growth).map(([t, g]) => `${t} ${g}`).join(', ')}`);
  for (const t of targets) console.log(`target: ${t.target}: ${t.met ? 'met' : 'MISSED'} (${t.measured})`);
  console.log(`written to ${path.relative(process.cwd(), out)}`);
  if (rows.some((r) => 'error' in r)) process.exitCode = 1;
}

/** One of the issue's targets, judged on the figures of this run (only those it measured). */
interface TargetCheck {
  readonly target: string;
  readonly met: boolean;
  readonly measured: string;
}

const SYNTH_TASKS = ['synth-local', 'synth-openstack', 'synth-aws'];

function checkTargets(get: (task: string, size: number) => Measurement | undefined, sizes: readonly number[], tasks: readonly string[], growth: Record<string, number>): TargetCheck[] {
  const out: TargetCheck[] = [];
  // Each figure: label, value, the most it may be, and the least (when there is one).
  const judge = (target: string, pairs: [string, number, number, number?][]) => {
    if (pairs.length) out.push({ target, met: pairs.every(([, v, most, least]) => v <= most && (least === undefined || v >= least)), measured: pairs.map(([l, v]) => `${l} ${v}`).join(', ') });
  };
  const vsPlain = (limit: (size: number) => number | undefined): [string, number, number][] =>
    SYNTH_TASKS.flatMap((t) =>
      sizes.flatMap((size): [string, number, number][] => {
        const m = get(t, size);
        const plain = get('plain-cdktf', size);
        const l = limit(size);
        return m && plain && l !== undefined ? [[`${t}@${size}`, +(m.ms / plain.ms).toFixed(3), l]] : [];
      }),
    );
  judge('validate + synth no slower than plain cdktf (ratio <= 1)', vsPlain(() => 1));
  judge('validate + synth at 50k and above: half of plain cdktf or less (ratio <= 0.5)', vsPlain((size) => (size >= 50000 ? 0.5 : undefined)));
  judge(
    'linear growth: time at 100k / time at 10k <= 11',
    tasks.filter((t) => !t.endsWith('plain-cdktf') && !t.endsWith('floor') && growth[t] !== undefined).map((t): [string, number, number] => [t, growth[t], 11]),
  );
  judge(
    'peak RSS at 100k under 1.5 GB (MB)',
    tasks.flatMap((t): [string, number, number][] => {
      const m = get(t, 100000);
      return m && !t.endsWith('plain-cdktf') && !t.endsWith('floor') ? [[t, m.maxRssMb, 1536]] : [];
    }),
  );
  judge(
    'validation under 10% of validate + synth, local target (percent)',
    sizes.flatMap((size): [string, number, number][] => {
      const c = get('compile', size);
      const sy = get('synth-local', size);
      const v = Number(c?.extra?.validateMs);
      return c && sy && Number.isFinite(v) ? [[`at ${size}`, +((100 * v) / sy.ms).toFixed(1), 10]] : [];
    }),
  );
  judge(
    'status and review within 3x of the JSON floor of what they read',
    floorRatios(get, ['status', 'review'], sizes),
  );
  judge(
    'verify at 100k: at most half of validate + synth of the same cloud and target (verify-X / synth-X)',
    (['local', 'openstack', 'aws'] as const).flatMap((t): [string, number, number][] => {
      const v = get(`verify-${t}`, 100000);
      const s = get(`synth-${t}`, 100000);
      return v && s ? [[`verify-${t}`, +(v.ms / s.ms).toFixed(3), 0.5]] : [];
    }),
  );
  judge(
    'a one-Sliver change re-plans one stack (stacks changed, added or removed)',
    sizes.flatMap((size): [string, number, number, number][] => {
      const m = get('since', size);
      return m ? [[`at ${size}`, Number(m.extra?.changed) + Number(m.extra?.added) + Number(m.extra?.removed), 1, 1]] : [];
    }),
  );
  // The largest graph the run laid out with a Graphviz reference (lib/graph: crossings of what xos draws).
  const largest = tasks.includes('graph') ? [...sizes].reverse().map((size) => get('graph', size)).find((m) => m?.extra?.allVsGraphviz !== undefined) : undefined;
  if (largest) judge('large graphs: crossings within 2x of Graphviz\'s dot on the largest graph (ratio)', [[`all@${largest.size} (${largest.extra?.allGraph})`, Number(largest.extra?.allVsGraphviz), 2]]);
  judge(
    'xos validate of central-office: at most 500 ms of CPU unchanged, 1000 ms changed; --watch answers a save with the rules in under 100 ms',
    sizes.flatMap((size): [string, number, number][] => {
      const m = get('cli-validate', size);
      if (!m?.extra) return [];
      return [
        [`unchanged@${size}`, Number(m.extra['central-officeUnchangedCpuMs']), 500],
        [`changed@${size}`, Number(m.extra['central-officeChangedCpuMs']), 1000],
        [`watch rules@${size}`, Number(m.extra.watchRulesMs), 100],
      ];
    }),
  );
  // The targets at instance sizes (subscribers), when the instance tasks are there.
  try {
    const { instanceTargets } = require('./tasks-instances') as typeof import('./tasks-instances');
    out.push(...instanceTargets(get, sizes));
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
  }
  return out;
}

main();
