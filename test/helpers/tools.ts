/**
 * Real components the tests start (terraform, PostgreSQL). When one is missing on a user's
 * machine the tests that need it say so loudly and skip; CI has them all and runs them.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SKIP_LOG = path.resolve(__dirname, '..', '..', '.test-skips.log');

function has(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

let tf: boolean | undefined;
export function haveTerraform(): boolean {
  tf ??= has('terraform', ['version']);
  return tf;
}

let pg: boolean | undefined;
export function havePostgres(): boolean {
  pg ??= has('initdb') && has('pg_ctl') && has('postgres');
  return pg;
}

/** Print a warning block naming what is skipped, and remember it for .ci/run's summary. */
export function warnSkip(tool: string, tests: string): void {
  const block = [
    '',
    '!'.repeat(78),
    `!! SKIPPED: ${tests}`,
    `!! because ${tool} is not installed on this machine. Install it to run these tests.`,
    '!'.repeat(78),
    '',
  ].join('\n');
  // eslint-disable-next-line no-console
  console.warn(block);
  fs.appendFileSync(SKIP_LOG, `SKIPPED (${tool} missing): ${tests}\n`);
}

/** `describe` when the tool is there, `describe.skip` with a loud warning when it is not. */
export function describeWith(tool: 'terraform' | 'postgres', name: string, fn: () => void): void {
  const ok = tool === 'terraform' ? haveTerraform() : haveTerraform() && havePostgres();
  if (ok) describe(name, fn);
  else {
    warnSkip(tool, name);
    describe.skip(name, fn);
  }
}

/** Environment for running terraform in tests: offline, no telemetry, private CLI config. */
export function terraformEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cfg = path.join(os.tmpdir(), 'xos-test-terraformrc');
  if (!fs.existsSync(cfg)) fs.writeFileSync(cfg, '');
  return { ...process.env, TF_CLI_CONFIG_FILE: cfg, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0', ...extra };
}

/** Run terraform in a directory; throws with its output when it fails. */
export function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv = terraformEnv()): string {
  try {
    return execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    throw new Error(`terraform ${args.join(' ')} failed in ${dir} (exit ${err.status}):\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** A fresh temporary directory, removed by the caller (or left for inspection on failure). */
export function tmpDir(prefix = 'xos-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A scratch folder inside the repository (test/.tmp, ignored by git), for programs that must
 * resolve `xos` by name as a user's project does. test/.tmp is made when missing: a fresh clone
 * has none, whichever suite runs first.
 */
export function repoTmpDir(prefix: string): string {
  const base = path.resolve(__dirname, '..', '.tmp');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}

/** Run the built CLI (dist/bin/xos.js) as a user would. */
export function xos(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const bin = path.resolve(__dirname, '..', '..', 'dist', 'bin', 'xos.js');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? path.resolve(__dirname, '..', '..'), env: opts.env ?? process.env, encoding: 'utf8', input: opts.input, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
