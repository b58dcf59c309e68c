/**
 * A user's project, as cdktf knows it: a folder with `cdktf.json` (whose `app` runs the
 * program) and, optionally, `xos.config.json`. Every command finds the program there when
 * none is given, and every command (and `cdktf synth`, through `cloud.synth()`) reads the
 * target from the same places, so that it is chosen once:
 *
 *   1. `--target` on the command line (one run),
 *   2. the XOS_TARGET environment variable (one shell or CI job),
 *   3. `"target"` in xos.config.json, or `"xos:target"` in cdktf.json's `context` (the project;
 *      when both say it they must agree),
 *   4. the Cloud's `target` prop (the program),
 *   5. `auto`.
 *
 * No cdktf here: status and review ask it too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { usageError } from './errors';
import { jsonProblemText } from './util/json-error';

/** How stacks are rendered: each by its Controller's back-end (`auto`), or every one as `terraform_data` (`local`). */
export const TARGET_MODES = ['auto', 'local'] as const;
export type TargetMode = (typeof TARGET_MODES)[number];

export const CDKTF_JSON = 'cdktf.json';
export const CONFIG_FILE = 'xos.config.json';
/** The key of cdktf.json's `context` that names the target. */
export const TARGET_CONTEXT_KEY = 'xos:target';
/** The keys xos.config.json takes. */
export const CONFIG_KEYS = ['target', 'backend', 'stackBackends'] as const;

/** The nearest folder at or above `start` holding `name`, not above the first folder with a package.json. */
export function findUp(start: string, name: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
    if (fs.existsSync(path.join(dir, 'package.json'))) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function readJsonObject(file: string, what: string): Record<string, unknown> {
  let doc: unknown;
  const text = fs.readFileSync(file, 'utf8');
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Said without quoting the file: it may hold a connection string.
    throw usageError(`${rel(file)} is not valid JSON (${jsonProblemText(e, text)}). Fix it${what}.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw usageError(`${rel(file)} must hold a JSON object.`);
  return doc as Record<string, unknown>;
}

function rel(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** Split a command line into words: spaces separate, '...' and "..." quote. */
function words(command: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

const PROGRAM_FILE = /\.(ts|mts|cts|tsx|js|cjs|mjs|ya?ml)$/;

/**
 * The program cdktf.json's `app` runs: the last word of the command that names an existing
 * program file (`npx ts-node main.ts` -> main.ts), relative to the cdktf.json folder.
 */
export function programOfCdktfJson(file: string): string {
  const doc = readJsonObject(file, ', or give the program on the command line');
  const app = doc.app;
  if (typeof app !== 'string' || !app.trim())
    throw usageError(`${rel(file)} has no "app" (the command cdktf runs, such as "npx ts-node main.ts"). Add one, or give the program on the command line.`);
  const dir = path.dirname(file);
  const found = words(app)
    .filter((w) => PROGRAM_FILE.test(w))
    .map((w) => path.resolve(dir, w))
    .filter((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  if (!found.length)
    throw usageError(`${rel(file)}'s app (${JSON.stringify(app)}) names no program file that exists (a .ts file such as main.ts). Give the program on the command line, for example: xos validate main.ts.`);
  return found[found.length - 1];
}

/**
 * The program a command works on: the one given, or the one cdktf.json (in this folder or
 * above, within the project) runs. Returns a path as the user would write it.
 */
export function programArgument(given: string | undefined, cwd = process.cwd()): string {
  if (given !== undefined && given !== '') return given;
  const json = findUp(cwd, CDKTF_JSON);
  if (!json)
    throw usageError(`no program given, and no ${CDKTF_JSON} here or above (in ${cwd}) to find one in. Give the program (a .ts file, a folder holding main.ts, or a recipe.yaml), or run in a project made by 'xos init'.`);
  return path.relative(cwd, programOfCdktfJson(json)) || '.';
}

/** A target as given somewhere, checked. */
function checkTarget(value: unknown, where: string): TargetMode {
  if (typeof value === 'string' && (TARGET_MODES as readonly string[]).includes(value)) return value as TargetMode;
  throw usageError(`${where}: target ${JSON.stringify(value)} is not one of: ${TARGET_MODES.join(', ')} ('auto' renders each stack for its Controller's back-end; 'local' renders every stack as terraform_data, offline).`);
}

/** xos.config.json in `dir`, checked for unknown keys; undefined when there is none. */
export function readConfigFile(dir: string): { file: string; doc: Record<string, unknown> } | undefined {
  const file = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file)) return undefined;
  const doc = readJsonObject(file, `, or remove it to use the program's settings`);
  const unknown = Object.keys(doc).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k) && k !== '$schema');
  if (unknown.length) throw usageError(`${file}: unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (it takes: ${CONFIG_KEYS.join(', ')}).`);
  return { file, doc };
}

/** The folders a program's project settings are read from: the program's own, then the cdktf.json folder above it. */
export function projectDirs(programDir: string): string[] {
  const json = findUp(programDir, CDKTF_JSON);
  const dirs = [path.resolve(programDir)];
  if (json && path.dirname(json) !== dirs[0]) dirs.push(path.dirname(json));
  return dirs;
}

/** The xos.config.json a program uses: beside it, else beside the cdktf.json above it. */
export function configFileOf(programDir: string): { file: string; doc: Record<string, unknown> } | undefined {
  for (const dir of projectDirs(programDir)) {
    const c = readConfigFile(dir);
    if (c) return c;
  }
  return undefined;
}

export interface ChosenTarget {
  readonly target: TargetMode;
  /** Where it was chosen, for messages: `--target`, `XOS_TARGET`, `cdktf.json context "xos:target"` ... */
  readonly from: string;
}

/** The target set by the project's files (xos.config.json, cdktf.json context), if any. */
export function projectTarget(programDir: string): ChosenTarget | undefined {
  const found: ChosenTarget[] = [];
  const config = configFileOf(programDir);
  if (config && config.doc.target !== undefined) found.push({ target: checkTarget(config.doc.target, rel(config.file)), from: `${rel(config.file)} "target"` });
  const json = findUp(programDir, CDKTF_JSON);
  if (json) {
    const context = readJsonObject(json, '').context;
    const value = context && typeof context === 'object' ? (context as Record<string, unknown>)[TARGET_CONTEXT_KEY] : undefined;
    if (value !== undefined) found.push({ target: checkTarget(value, `${rel(json)} context "${TARGET_CONTEXT_KEY}"`), from: `${rel(json)} context "${TARGET_CONTEXT_KEY}"` });
  }
  if (found.length === 2 && found[0].target !== found[1].target)
    throw usageError(`the target is set twice and differently: '${found[0].target}' in ${found[0].from}, '${found[1].target}' in ${found[1].from}. Set it in one place.`);
  return found[0];
}

/**
 * The target a command (or `cloud.synth()` under cdktf) uses for a program in `programDir`:
 * the flag, XOS_TARGET, the project's files, the Cloud's prop, or `auto`, in that order.
 */
export function chooseTarget(programDir: string, options: { flag?: string; cloud?: string; env?: NodeJS.ProcessEnv } = {}): ChosenTarget {
  if (options.flag !== undefined) return { target: checkTarget(options.flag, '--target'), from: '--target' };
  const env = (options.env ?? process.env).XOS_TARGET;
  if (env !== undefined && env !== '') return { target: checkTarget(env, 'XOS_TARGET'), from: 'XOS_TARGET' };
  const project = projectTarget(programDir);
  if (project) return project;
  if (options.cloud !== undefined) return { target: checkTarget(options.cloud, "the Cloud's target"), from: "the Cloud's target" };
  return { target: 'auto', from: 'the default' };
}
