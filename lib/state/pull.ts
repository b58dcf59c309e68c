/**
 * Reading a stack's state from its backend, whatever the backend: the synthesized stack
 * (`stacks/<stack>/cdk.tf.json`) says which, and `terraform state pull` reads it (local, pg,
 * s3, remote, HCP Terraform ...). A stack directory that was never initialized (a fresh
 * `xos synth` replaces the whole output directory) is read through a scratch directory that
 * holds only its backend block, so reading state never needs provider plugins and never
 * writes into the synthesized output.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { externalError, usageError } from '../errors';
import { maskPasswords } from '../util/redact';
import { jsonProblemText } from '../util/json-error';

/** A stack's backend, as its synthesized configuration declares it. */
export interface StackBackend {
  /** `local`, `pg`, `s3`, `remote`, `cloud` (HCP Terraform) ... */
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** A description for messages, with any password removed. */
  readonly label: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A PostgreSQL connection string without its password (URL or key=value form), whether or
 * not it parses: a typo in the port must not print the password.
 */
export function maskConnString(conn: string): string {
  return maskPasswords(conn);
}

/** Describe a backend for people, never showing a secret. */
export function describeBackend(type: string, config: Readonly<Record<string, unknown>>, stackDir?: string): string {
  const s = (k: string) => (typeof config[k] === 'string' ? (config[k] as string) : undefined);
  switch (type) {
    case 'local': {
      const p = s('path') ?? 'terraform.tfstate';
      if (!stackDir) return `local (${p})`;
      const abs = path.resolve(stackDir, p);
      const rel = path.relative(process.cwd(), abs);
      return `local (${rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs})`;
    }
    case 'pg':
      return `pg (${s('conn_str') ? maskConnString(s('conn_str')!) : 'PG_CONN_STR'}, schema ${s('schema_name') ?? 'terraform_remote_state'})`;
    case 's3':
      return `s3 (s3://${s('bucket') ?? '?'}/${s('key') ?? '?'}${s('region') ? `, region ${s('region')}` : ''})`;
    case 'remote':
    case 'cloud': {
      const ws = isObject(config.workspaces) ? config.workspaces : {};
      const w = typeof ws.name === 'string' ? `workspace ${ws.name}` : typeof ws.prefix === 'string' ? `workspaces ${ws.prefix}*` : Array.isArray(ws.tags) ? `workspaces tagged ${ws.tags.join(', ')}` : 'workspace ?';
      return `${type === 'cloud' ? 'HCP Terraform' : 'remote'} (${s('hostname') ?? 'app.terraform.io'}/${s('organization') ?? '?'}, ${w})`;
    }
    default:
      return type;
  }
}

/** The JSON override files of a stack directory (`override.tf.json`, `*_override.tf.json`), in the order Terraform merges them. */
function overrideFiles(stackDir: string): unknown[] {
  let names: string[];
  try {
    names = fs.readdirSync(stackDir).filter((f) => /^(.+_)?override\.tf\.json$/.test(f)).sort();
  } catch {
    return [];
  }
  return names.map((f) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(stackDir, f), 'utf8')) as unknown;
    } catch (e) {
      throw usageError(`${path.join(stackDir, f)} cannot be read (${(e as Error).message}); Terraform would not read it either.`);
    }
  });
}

/** The backend a synthesized stack directory declares (local `terraform.tfstate` when none), override files included. */
export function stackBackendOf(stackDir: string): StackBackend {
  const file = path.join(stackDir, 'cdk.tf.json');
  let doc: unknown;
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
    doc = JSON.parse(text);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw usageError(`${file} not found: the stack was not synthesized there. Run 'xos synth <program> --out ${path.dirname(path.dirname(stackDir))}' first.`);
    const why = e instanceof SyntaxError ? jsonProblemText(e, text) : (e as Error).message;
    throw usageError(`${file} cannot be read (${why}). Synthesize again with 'xos synth'.`);
  }
  let tf = isObject(doc) && isObject(doc.terraform) ? doc.terraform : {};
  // Terraform merges override files over the configuration; a backend (or cloud) block there replaces the stack's.
  for (const o of overrideFiles(stackDir)) {
    const ot = isObject(o) && isObject(o.terraform) ? o.terraform : {};
    if (isObject(ot.backend) || isObject(ot.cloud)) tf = ot;
  }
  if (isObject(tf.cloud)) return { type: 'cloud', config: tf.cloud, label: describeBackend('cloud', tf.cloud) };
  const backend = isObject(tf.backend) ? tf.backend : {};
  const [type] = Object.keys(backend);
  if (!type) return { type: 'local', config: {}, label: describeBackend('local', {}, stackDir) };
  const config = isObject(backend[type]) ? (backend[type] as Record<string, unknown>) : {};
  return { type, config, label: describeBackend(type, config, stackDir) };
}

/** The state file of a local backend, absolute. */
export function localStatePath(stackDir: string, backend: StackBackend): string {
  const p = typeof backend.config.path === 'string' ? backend.config.path : 'terraform.tfstate';
  return path.resolve(stackDir, p);
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for running terraform. */
export interface TerraformOptions {
  /** The environment terraform runs in (credentials such as PG_CONN_STR, AWS_* come from it). */
  readonly env?: NodeJS.ProcessEnv;
  /** Give up after this long. @default 300000 (5 minutes) */
  readonly timeoutMs?: number;
}

/** Run terraform and collect its output (no size limit: a state can be large). */
export function runTerraform(args: readonly string[], cwd: string, options: TerraformOptions = {}): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', [...args], { cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutMs ?? 300_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') reject(externalError(`terraform is not on the PATH: install Terraform 1.4 or later to read state from backends, or give the state as a file (--state FILE).`));
      else reject(externalError(`cannot run terraform in ${cwd}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) resolve({ code: -1, stdout: '', stderr: `terraform ${args.join(' ')} did not finish within ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s\n${stderr}` });
      else resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

/** The lines of terraform's error output that say what went wrong. */
export function terraformErrorSummary(stderr: string, stdout = ''): string {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').replace(/^[\s│╷╵]+/, '').trim())
    .filter((l) => l && !/^(Initializing|Successfully|Terraform has been|You may now|If you ever|any changes|should now|Terraform will perform|commands will detect|rerun this command)/.test(l));
  const i = lines.findIndex((l) => /^Error/.test(l));
  const picked = (i >= 0 ? lines.slice(i, i + 3) : lines.slice(0, 3)).join(' ');
  // Terraform quotes a connection string it cannot parse whole, password and all.
  const masked = maskPasswords(picked);
  return masked.length > 400 ? `${masked.slice(0, 400)}...` : masked || 'no error message';
}

function backendHint(type: string): string {
  switch (type) {
    case 'pg':
      return 'Check that the PostgreSQL server is running and reachable, and the connection string (conn_str, or PG_CONN_STR in the environment).';
    case 's3':
      return 'Check the bucket, key and region, and the AWS credentials in the environment.';
    case 'remote':
    case 'cloud':
      return 'Check the organization and workspace, and the API token (terraform login, or TF_TOKEN_<host>).';
    case 'local':
      return 'Check that the state file is readable.';
    default:
      return 'Check the backend configuration and its credentials.';
  }
}

/** True when `terraform init` has run in the directory (it records the backend there). */
export function isInitialized(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.terraform', 'terraform.tfstate'));
}

/** A configuration holding nothing but the stack's backend, for a scratch directory. */
function backendOnlyConfig(stackDir: string, backend: StackBackend): Record<string, unknown> {
  if (backend.type === 'cloud') return { terraform: { cloud: backend.config } };
  const config = backend.type === 'local' ? { ...backend.config, path: localStatePath(stackDir, backend) } : backend.config;
  return { terraform: { backend: { [backend.type]: config } } };
}

/**
 * `terraform state pull` for a synthesized stack: in the stack directory when it was
 * initialized, otherwise in a scratch directory with the stack's backend block only.
 * Returns the state text; `''` when the backend holds no state yet.
 */
export async function pullState(stack: string, stackDir: string, options: TerraformOptions = {}): Promise<{ text: string; backend: StackBackend }> {
  const backend = stackBackendOf(stackDir);
  const fail = (what: string, r: TerraformRun) =>
    externalError(`stack ${stack}: cannot read its state from backend ${backend.label} (${what}): ${terraformErrorSummary(r.stderr, r.stdout)}. ${backendHint(backend.type)}`, `${r.stdout}\n${r.stderr}`);
  let dir = stackDir;
  let scratch: string | undefined;
  try {
    if (!isInitialized(stackDir)) {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-pull-'));
      fs.writeFileSync(path.join(scratch, 'main.tf.json'), JSON.stringify(backendOnlyConfig(stackDir, backend), null, 2));
      const init = await runTerraform(['init', '-input=false', '-no-color', '-backend=true'], scratch, options);
      if (init.code !== 0) throw fail('terraform init', init);
      dir = scratch;
    }
    const pull = await runTerraform(['state', 'pull'], dir, options);
    if (pull.code !== 0) throw fail('terraform state pull', pull);
    return { text: pull.stdout, backend };
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}
