/**
 * The `cli-validate` task: `xos validate` measured as whole processes, as a user runs it, on
 * the examples and on a generated program of the run's size written to disk (one statement
 * per object, so that the program's text grows with the cloud, as a hand-written one does):
 *
 * - changed: the program was edited since its last check (it is type checked),
 * - unchanged: it was not (its last clean check is cached),
 * - watch: `xos validate --watch` answering saves of central-office: the rules, then the
 *   types (CPU ms, as the warm process accounts each step: on a loaded machine its wall
 *   time is longer).
 *
 * CPU is the process's own (every thread), taken at its exit; each figure is the median of
 * three runs. The main figure (`ms`) is the generated program's changed check, in CPU ms.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { registerTask } from './worker';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'xos.js');
const REPORT = path.join(__dirname, 'cpu-report.js');
const RUNS = 3;

/** A program declaring about `resources` local-target resources, one statement per object. */
export function generatedProgram(resources: number): string {
  const sites = Math.max(1, Math.round(resources / 40));
  const lines = [
    "import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';",
    '',
    "const cloud = new Cloud({ name: 'generated' });",
    "const image = new Image(cloud, 'ubuntu');",
    "const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });",
    "const tpl = new NetworkTemplate(cloud, 'private');",
  ];
  for (let i = 0; i < sites; i++) {
    const k = Math.floor(i / 10);
    if (i % 10 === 0) {
      lines.push(`const dep${k} = new Deployment(cloud, 'dep-${k}', { images: [image], flavors: [flavor], networkTemplates: [tpl] });`);
      lines.push(`const ctl${k} = dep${k}.addController('ctl-${k}', { backend: 'openstack', credentials: { password: Secret.env('OS_PASSWORD') } });`);
    }
    lines.push(`const site${i} = new Site(cloud, 'site-${i}');`);
    lines.push(`dep${k}.allowHosting(site${i}).allowAcquire(site${i});`);
    lines.push(`ctl${k}.addSite(site${i});`);
    lines.push(`const admin${i} = new User(cloud, 'admin-${i}', { site: site${i}, publicKeys: ['ssh-ed25519 AAAA${i}'] });`);
    lines.push(`site${i}.grant(admin${i}, 'admin');`);
    for (let s = 0; s < 3; s++) {
      const v = `slice${i}_${s}`;
      lines.push(`const ${v} = site${i}.addSlice('slice-${s}', { image, flavor });`);
      lines.push(`${v}.grant(admin${i}, 'admin');`);
      lines.push(`${v}.addNetwork('lan', { cidr: '10.${s * 64 + ((i >> 8) % 64)}.${i % 256}.0/24', template: tpl });`);
      for (let n = 0; n < 4; n++) lines.push(`${v}.addSliver('vm-${n}', { deployment: dep${k} });`);
    }
  }
  lines.push('', 'cloud.synth();', '');
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One whole `xos validate` process: its CPU ms. */
function validateCpu(program: string, env: NodeJS.ProcessEnv): number {
  const cpuFile = path.join(os.tmpdir(), `xos-bench-cpu-${process.pid}.json`);
  const r = spawnSync(process.execPath, ['--require', REPORT, BIN, 'validate', program], { env: { ...env, XOS_BENCH_CPU_FILE: cpuFile }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`xos validate ${program} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-500)}`);
  const { cpuMs } = JSON.parse(fs.readFileSync(cpuFile, 'utf8')) as { cpuMs: number };
  fs.rmSync(cpuFile, { force: true });
  return cpuMs;
}

/** Median CPU of a changed program's check, and of the unchanged program's. */
function changedAndUnchanged(program: string, env: NodeJS.ProcessEnv): { changed: number; unchanged: number } {
  const changed: number[] = [];
  const unchanged: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    fs.appendFileSync(program, `// edit ${i}\n`);
    changed.push(validateCpu(program, env));
    unchanged.push(validateCpu(program, env));
  }
  return { changed: Math.round(median(changed)), unchanged: Math.round(median(unchanged)) };
}

/** `xos validate --watch` on a program: the CPU ms of the rules' and the types' answers to a few saves (the process's own account). */
async function watchLatency(program: string, env: NodeJS.ProcessEnv): Promise<{ rules: number; types: number }> {
  const child = spawn(process.execPath, [BIN, 'validate', program, '--watch'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const seen = (re: RegExp, from: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`watch: no ${re} in ${err}`)), 120_000);
      const look = () => {
        const m = err.slice(from).match(re);
        if (m) {
          clearTimeout(t);
          child.stderr!.off('data', look);
          resolve(m);
        }
      };
      child.stderr!.on('data', look);
      look();
    });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  try {
    await seen(/watching \d+ files? for changes/, 0);
    const rules: number[] = [];
    const types: number[] = [];
    for (let i = 0; i < 5; i++) {
      const from = err.length;
      fs.appendFileSync(program, `// save ${i}\n`);
      rules.push(Number((await seen(/rules: pass \(\d+ ms, (\d+) ms CPU\)/, from))[1]));
      types.push(Number((await seen(/types: sound \(\d+ ms, (\d+) ms CPU\)/, from))[1]));
    }
    return { rules: median(rules), types: median(types) };
  } finally {
    child.kill('SIGINT');
  }
}

registerTask('cli-validate', async (size) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, XOS_CACHE_DIR: path.join(dir, 'cache') };
  try {
    const extra: Record<string, number> = {};
    for (const example of ['hello', 'central-office']) {
      // The whole folder: a program reads what lies beside it (central-office: subscribers.csv, xos.allocations.json).
      fs.cpSync(path.join(ROOT, 'examples', example), path.join(dir, example), { recursive: true });
      const program = path.join(dir, example, 'main.ts');
      const r = changedAndUnchanged(program, env);
      extra[`${example}ChangedCpuMs`] = r.changed;
      extra[`${example}UnchangedCpuMs`] = r.unchanged;
    }
    const w = await watchLatency(path.join(dir, 'central-office', 'main.ts'), env);
    extra.watchRulesMs = w.rules;
    extra.watchTypesMs = w.types;
    const program = path.join(dir, 'generated.ts');
    fs.writeFileSync(program, generatedProgram(size));
    const g = changedAndUnchanged(program, env);
    extra.generatedUnchangedCpuMs = g.unchanged;
    extra.generatedLines = fs.readFileSync(program, 'utf8').split('\n').length;
    return { ms: g.changed, resources: size, extra };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
