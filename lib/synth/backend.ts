/**
 * Where each stack keeps its Terraform state: a backend per stack, given by the program
 * (`new Cloud({ backend })`) or by `xos.config.json` beside it (which wins, so that one
 * program deploys to different places). Local, PostgreSQL (`pg`), S3 and Terraform
 * Cloud / HCP Terraform (`remote`) are supported; `{stack}` in any text is replaced by the
 * stack's name, so that every stack gets its own state, and `{target}` by the target's
 * (`local` or `auto`): by default each target's state lives apart.
 *
 * Credentials never go into the program or the synthesized JSON: pg reads its password
 * from PG_CONN_STR or PGPASSWORD, S3 from the AWS environment, remote from `terraform login`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LocalBackend, NamedRemoteWorkspace, PgBackend, RemoteBackend, S3Backend } from 'cdktf';
import type { Construct } from 'constructs';
import { usageError } from '../errors';
import { jsonProblemText } from '../util/json-error';
import { maskPasswords } from '../util/redact';
import { configFileOf, type TargetMode } from '../project';

export interface LocalBackendConfig {
  readonly type: 'local';
  /**
   * The state file, relative to the stack's directory (`<out>/stacks/<stack>`).
   * @default '../../../terraform.{stack}.tfstate' for the local target and
   * '../../../terraform.{stack}.auto.tfstate' for auto (beside the output directory, so that
   * re-synthesizing never touches it, and apart for each target)
   */
  readonly path?: string;
}

export interface PgBackendConfig {
  readonly type: 'pg';
  /**
   * The connection string, without a password (`postgres://user@host:5432/db`).
   * @default the PG_CONN_STR environment variable at plan and apply time
   */
  readonly connStr?: string;
  /**
   * The schema holding the stack's state.
   * @default 'xos_{stack}' for the local target, 'xos_{stack}_auto' for auto (with characters
   * other than letters, digits and `_` turned to `_`)
   */
  readonly schemaName?: string;
  /** The schema already exists (created by a database administrator). @default false */
  readonly skipSchemaCreation?: boolean;
}

export interface S3BackendConfig {
  readonly type: 's3';
  readonly bucket: string;
  /** The object key. @default 'xos/{stack}/terraform.tfstate' for the local target, 'xos/auto/{stack}/terraform.tfstate' for auto */
  readonly key?: string;
  readonly region: string;
  /** A DynamoDB table for locking. @default no table (use `useLockfile`) */
  readonly dynamodbTable?: string;
  /** Lock with an S3 lock file (Terraform 1.10+). @default false */
  readonly useLockfile?: boolean;
  /** Encrypt the state at rest. @default true */
  readonly encrypt?: boolean;
  /** A custom S3 endpoint (MinIO, Ceph ...). @default AWS */
  readonly endpoint?: string;
}

export interface RemoteBackendConfig {
  readonly type: 'remote';
  readonly organization: string;
  /** @default 'app.terraform.io' (HCP Terraform) */
  readonly hostname?: string;
  /** The workspace of each stack. @default 'xos-{stack}' for the local target, 'xos-{stack}-auto' for auto */
  readonly workspace?: string;
}

export type BackendConfig = LocalBackendConfig | PgBackendConfig | S3BackendConfig | RemoteBackendConfig;

export const BACKEND_TYPES = ['local', 'pg', 's3', 'remote'] as const;

/** Backends for a whole program: one for every stack, and overrides by stack name. */
export interface BackendSettings {
  readonly backend?: BackendConfig;
  readonly stackBackends?: Readonly<Record<string, BackendConfig>>;
}

/** The app context key under which synthesis hands the settings to every stack. */
export const BACKENDS_CONTEXT = 'xos:backends';

export { CONFIG_FILE } from '../project';

const FIELDS: Readonly<Record<BackendConfig['type'], Readonly<Record<string, 'string' | 'boolean'>>>> = {
  local: { path: 'string' },
  pg: { connStr: 'string', schemaName: 'string', skipSchemaCreation: 'boolean' },
  s3: { bucket: 'string', key: 'string', region: 'string', dynamodbTable: 'string', useLockfile: 'boolean', encrypt: 'boolean', endpoint: 'string' },
  remote: { organization: 'string', hostname: 'string', workspace: 'string' },
};
const REQUIRED: Readonly<Record<BackendConfig['type'], readonly string[]>> = { local: [], pg: [], s3: ['bucket', 'region'], remote: ['organization'] };

/** Whether a connection string holds a password, whether or not it parses as a URL (a typo must not let one through). */
function hasPassword(conn: string): boolean {
  return maskPasswords(conn) !== conn;
}

/** Check a backend configuration; throws a usage error naming `where` and the fix. */
export function checkBackendConfig(raw: unknown, where: string): BackendConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw usageError(`${where}: a backend is an object such as { "type": "pg", "connStr": "postgres://user@host/db" } (got ${Array.isArray(raw) ? 'a list' : raw === null ? 'null' : typeof raw}).`);
  const o = raw as Record<string, unknown>;
  const type = o.type as BackendConfig['type'];
  if (!(BACKEND_TYPES as readonly string[]).includes(type as string)) throw usageError(`${where}: backend type ${JSON.stringify(o.type)} is not one of: ${BACKEND_TYPES.join(', ')}.`);
  for (const [k, v] of Object.entries(o)) {
    if (k === 'type') continue;
    const t = FIELDS[type][k];
    if (!t) {
      const secret = /key|secret|token|password/i.test(k);
      throw usageError(
        `${where}: ${type} has no setting '${k}'${secret ? ': credentials never go into the program or its config; give them to Terraform through the environment (PG_CONN_STR/PGPASSWORD, AWS_*, terraform login)' : ` (it takes: ${Object.keys(FIELDS[type]).join(', ') || 'nothing'})`}.`,
      );
    }
    if (typeof v !== t) throw usageError(`${where}: ${type} setting '${k}' must be a ${t} (got ${typeof v === 'string' ? `a string of ${v.length} characters` : JSON.stringify(v)}).`);
  }
  for (const k of REQUIRED[type]) if (o[k] === undefined) throw usageError(`${where}: ${type} needs '${k}'.`);
  if (type === 'pg' && typeof o.connStr === 'string' && hasPassword(o.connStr))
    throw usageError(`${where}: the pg connection string holds a password, which would be written in plain text into every synthesized stack. Leave the password out and set PGPASSWORD (or the whole string in PG_CONN_STR) where terraform runs.`);
  return o as unknown as BackendConfig;
}

/** Check a program's backend settings (from the Cloud or a config file). */
export function checkBackendSettings(raw: { backend?: unknown; stackBackends?: unknown }, where: string): BackendSettings {
  const out: { backend?: BackendConfig; stackBackends?: Record<string, BackendConfig> } = {};
  if (raw.backend !== undefined) out.backend = checkBackendConfig(raw.backend, `${where} backend`);
  if (raw.stackBackends !== undefined) {
    if (typeof raw.stackBackends !== 'object' || raw.stackBackends === null || Array.isArray(raw.stackBackends)) throw usageError(`${where}: stackBackends maps stack names to backends (an object).`);
    out.stackBackends = {};
    for (const [stack, b] of Object.entries(raw.stackBackends)) out.stackBackends[stack] = checkBackendConfig(b, `${where} stackBackends.${stack}`);
  }
  return out;
}

/** The backend settings of `xos.config.json` in a folder (or the cdktf.json folder above it); undefined when there is none. */
export function readBackendConfigFile(dir: string): BackendSettings | undefined {
  const config = configFileOf(dir);
  if (!config) return undefined;
  return checkBackendSettings(config.doc, config.file);
}

/**
 * The settings a program synthesizes with: its Cloud's, overridden by `xos.config.json` in
 * `programDir` (setting by setting: a file giving only `backend` keeps the Cloud's overrides).
 */
export function resolveBackendSettings(cloud: BackendSettings, programDir?: string): BackendSettings {
  const file = programDir ? readBackendConfigFile(programDir) : undefined;
  const checked = checkBackendSettings(cloud, 'Cloud');
  if (!file) return checked;
  return {
    ...(file.backend ?? checked.backend ? { backend: file.backend ?? checked.backend } : {}),
    ...(checked.stackBackends || file.stackBackends ? { stackBackends: { ...(checked.stackBackends ?? {}), ...(file.stackBackends ?? {}) } } : {}),
  };
}

/** `{stack}` replaced by the stack's name, `{target}` by the target's. */
function fill(template: string, stack: string, target: TargetMode): string {
  return template.split('{stack}').join(stack).split('{target}').join(target);
}

/**
 * The default names of a stack's state, per target: the local target (offline rehearsal)
 * keeps the plain names, `auto` (the real back-ends) adds its name, so that the state of one
 * target never holds the other's resources.
 */
const DEFAULT_NAMES: Readonly<Record<TargetMode, { path: string; schema: string; key: string; workspace: string }>> = {
  local: { path: '../../../terraform.{stack}.tfstate', schema: 'xos_{stack}', key: 'xos/{stack}/terraform.tfstate', workspace: 'xos-{stack}' },
  auto: { path: '../../../terraform.{stack}.auto.tfstate', schema: 'xos_{stack}_auto', key: 'xos/auto/{stack}/terraform.tfstate', workspace: 'xos-{stack}-auto' },
};

/** A plain PostgreSQL identifier from a stack name (lower case, `_`), usable in psql without quotes. */
function pgIdent(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * Stacks whose state is in one PostgreSQL database, in groups (in the order given). Terraform's
 * pg backend takes one advisory lock for the whole database while a stack's state is first
 * created, and for the whole of that stack's first plan or apply: any other stack of the
 * database that plans or applies meanwhile fails with "Already locked for workspace
 * creation", whatever its schema. So stacks of one database are deployed one after another
 * (see renderLayout): `cdktf deploy '*'` works on a fresh database.
 */
export function sharedPgDatabases(settings: BackendSettings | undefined, stacks: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const s of stacks) {
    const b = backendFor(settings, s);
    if (b.type !== 'pg') continue;
    // Without a connection string, PG_CONN_STR names the database: one for all of them.
    const db = b.connStr ? pgDatabaseOf(b.connStr) : '(PG_CONN_STR)';
    let g = groups.get(db);
    if (!g) groups.set(db, (g = []));
    g.push(s);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The database a connection string names (host, port and database; the user and options aside). */
function pgDatabaseOf(conn: string): string {
  if (/^postgres(ql)?:\/\//.test(conn)) {
    try {
      const u = new URL(conn);
      return `${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1))}`;
    } catch {
      return conn;
    }
  }
  // key=value form
  const kv = Object.fromEntries([...conn.matchAll(/(\w+)\s*=\s*('[^']*'|\S+)/g)].map((m) => [m[1], m[2].replace(/^'|'$/g, '')]));
  return `${kv.host ?? ''}:${kv.port ?? '5432'}/${kv.dbname ?? ''}`;
}

/** The backend of one stack. */
export function backendFor(settings: BackendSettings | undefined, stack: string): BackendConfig {
  return settings?.stackBackends?.[stack] ?? settings?.backend ?? { type: 'local' };
}

/** Add the stack's backend to a cdktf stack, for the target it is synthesized for. */
export function renderBackend(scope: Construct, stack: string, config: BackendConfig, target: TargetMode = 'local'): void {
  const names = DEFAULT_NAMES[target];
  switch (config.type) {
    case 'local':
      new LocalBackend(scope, { path: fill(config.path ?? names.path, stack, target) });
      return;
    case 'pg': {
      const schemaName = fill(config.schemaName ?? names.schema, pgIdent(stack), target);
      // conn_str may be left out (Terraform then reads PG_CONN_STR): cdktf's type requires it.
      const props = { schemaName, ...(config.connStr ? { connStr: config.connStr } : {}), ...(config.skipSchemaCreation ? { skipSchemaCreation: true } : {}) };
      new PgBackend(scope, props as ConstructorParameters<typeof PgBackend>[1]);
      return;
    }
    case 's3':
      new S3Backend(scope, {
        bucket: config.bucket,
        key: fill(config.key ?? names.key, stack, target),
        region: config.region,
        encrypt: config.encrypt ?? true,
        ...(config.dynamodbTable ? { dynamodbTable: config.dynamodbTable } : {}),
        ...(config.useLockfile ? { useLockfile: true } : {}),
        ...(config.endpoint ? { endpoints: { s3: config.endpoint }, usePathStyle: true } : {}),
      } as ConstructorParameters<typeof S3Backend>[1]);
      return;
    case 'remote':
      new RemoteBackend(scope, {
        organization: config.organization,
        ...(config.hostname ? { hostname: config.hostname } : {}),
        workspaces: new NamedRemoteWorkspace(fill(config.workspace ?? names.workspace, stack, target)),
      });
      return;
  }
}

/**
 * The backend settings of each stack of an earlier output (`<dir>/stacks/<stack>/cdk.tf.json`),
 * read back into settings as a program gives them, and checked as those are: the plan-review
 * workflow renders a pull request's model with the base's backends (where the credentials
 * may go), or reads the pull request's own backends as data to compare. A stack with no
 * backend block, or one xos does not write, keeps the default.
 */
export function settingsFromStacks(dir: string): BackendSettings {
  const root = path.join(dir, 'stacks');
  if (!fs.existsSync(root)) throw usageError(`--backends-from ${dir}: it has no stacks folder. Give an output folder that xos synth wrote.`);
  const stackBackends: Record<string, BackendConfig> = {};
  for (const stack of fs.readdirSync(root).sort()) {
    const file = path.join(root, stack, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw usageError(`${file} is not valid JSON (${jsonProblemText(e, text)}). Synthesize it again.`);
    }
    const tf = (doc as { terraform?: { backend?: Record<string, Record<string, unknown>> } })?.terraform;
    const backend = tf?.backend;
    if (!backend || typeof backend !== 'object') continue;
    const [type] = Object.keys(backend);
    const c = backend[type] ?? {};
    const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : undefined);
    let raw: Record<string, unknown>;
    switch (type) {
      case 'local':
        raw = { type, ...(str('path') ? { path: str('path') } : {}) };
        break;
      case 'pg':
        raw = { type, ...(str('conn_str') ? { connStr: str('conn_str') } : {}), ...(str('schema_name') ? { schemaName: str('schema_name') } : {}), ...(c.skip_schema_creation === true ? { skipSchemaCreation: true } : {}) };
        break;
      case 's3': {
        const endpoints = c.endpoints as { s3?: unknown } | undefined;
        raw = {
          type,
          bucket: str('bucket'),
          region: str('region'),
          ...(str('key') ? { key: str('key') } : {}),
          ...(typeof c.encrypt === 'boolean' ? { encrypt: c.encrypt } : {}),
          ...(str('dynamodb_table') ? { dynamodbTable: str('dynamodb_table') } : {}),
          ...(c.use_lockfile === true ? { useLockfile: true } : {}),
          ...(typeof endpoints?.s3 === 'string' ? { endpoint: endpoints.s3 } : {}),
        };
        break;
      }
      case 'remote': {
        const ws = c.workspaces as { name?: unknown } | undefined;
        raw = { type, organization: str('organization'), ...(str('hostname') ? { hostname: str('hostname') } : {}), ...(typeof ws?.name === 'string' ? { workspace: ws.name } : {}) };
        break;
      }
      default:
        throw usageError(`${file}: backend '${type}' is not one xos writes (${BACKEND_TYPES.join(', ')}).`);
    }
    // Names were filled with the stack's name already: `{stack}` in them stays literal text.
    stackBackends[stack] = checkBackendConfig(raw, `${file} backend`);
  }
  return { stackBackends };
}
