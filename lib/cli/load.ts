/**
 * Loading a user's program: a `.ts` file, or a folder holding `main.ts`. The program
 * imports the library by its package name (`xos`); the loader makes that name resolve to
 * the running copy of the library, so the constructs it declares are the ones we read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud } from '../../constructs/cloud';
import { isXosError, usageError } from '../errors';
import { siteOf, withSourceMaps } from '../util/call-sites';

export interface LoadedProgram {
  readonly cloud: Cloud;
  /** The program's entry file, absolute. */
  readonly file: string;
  /** The folder that relative source locations are reported against. */
  readonly dir: string;
}

export interface LoadOptions {
  /** Skip type checking (faster; type errors then surface as run-time errors, if at all). */
  readonly transpileOnly?: boolean;
  /**
   * `if-present`: when this process already loads TypeScript itself (jest with ts-jest, a
   * ts-node run), run the program through that, as any other module of the test: xos/testing.
   * @default xos registers its own loader
   */
  readonly hostLoader?: 'if-present';
  /** A warm checker (--watch): check with it every time, no cache. */
  readonly checker?: import('./typecheck').Checker;
}

/** True when something in this process already compiles .ts modules (jest, ts-node). */
function hostLoadsTypeScript(): boolean {
  return !!process.env.JEST_WORKER_ID || !!(require.extensions as Record<string, unknown> | undefined)?.['.ts'];
}

const LIB_INDEX = path.resolve(__dirname, '..', 'index');
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', fs.existsSync(path.resolve(__dirname, '..', '..', 'package.json')) ? '.' : '..');

/** Find the program's entry file. */
export function resolveProgram(program: string): string {
  const abs = path.resolve(program);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw usageError(`program not found: ${program}. Give a .ts file, or a folder holding main.ts.`);
  }
  if (stat.isDirectory()) {
    const main = path.join(abs, 'main.ts');
    if (!fs.existsSync(main)) throw usageError(`${program} is a folder without main.ts. Put the program in ${path.join(program, 'main.ts')}, or name the .ts file.`);
    return main;
  }
  if (!/\.(ts|js|cjs|mjs|mts|cts)$/.test(abs)) throw usageError(`${program} is not a TypeScript program (.ts) or a YAML recipe (.yaml). Give a .ts file, a folder holding main.ts, or a recipe.yaml.`);
  return abs;
}

/** The cloud each program file declared when it last ran in this process. */
const loadedBefore = new Map<string, Cloud>();
let aliasInstalled = false;

function installAlias(): void {
  if (aliasInstalled) return;
  aliasInstalled = true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Module = require('module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'xos') return require.resolve(LIB_INDEX);
    return original.call(this, request, ...rest);
  };
}

/** JavaScript for the program's .ts files, by absolute path (see typecheck.ts). */
let outputs: ReadonlyMap<string, string> = new Map();
let hookInstalled = false;
let lastPrepared: import('./typecheck').PreparedProgram | undefined;

/**
 * Run .ts files from the JavaScript prepared for them (checked or cached), or transpiled when
 * required without it (--transpile-only, a file the check never saw); stack traces map back
 * to the .ts lines through the inline source maps.
 */
function installTypeScriptHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Module = require('module') as { _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void> };
  Module._extensions['.ts'] = (m, file) => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const js = outputs.get(file) ?? (require('./typecheck') as typeof import('./typecheck')).transpileFile(file);
    m._compile(js, file);
  };
  process.setSourceMapsEnabled(true);
}

/** Make the program's JavaScript ready: type checked (or from the cache), or transpiled with `transpileOnly`. */
function prepare(file: string, options: LoadOptions): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { prepareProgram } = require('./typecheck') as typeof import('./typecheck');
  let prepared: import('./typecheck').PreparedProgram;
  if (options.checker) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { checkAndEmit } = require('./typecheck') as typeof import('./typecheck');
    const done = checkAndEmit(file, options.checker.env ?? 'es', options.checker);
    prepared = { outputs: done.outputs, how: 'checked', env: done.env, sources: done.sources };
  } else prepared = prepareProgram(file, { transpileOnly: !!options.transpileOnly });
  // A program run again (a test loading it twice, --watch) runs every one of its files again.
  for (const f of [...prepared.sources, ...(lastPrepared?.sources ?? [])]) delete require.cache[f];
  outputs = prepared.outputs;
  lastPrepared = prepared;
  installTypeScriptHook();
}

/** How the last program was made ready (for --watch and the bench). */
export function lastPreparation(): import('./typecheck').PreparedProgram | undefined {
  return lastPrepared;
}

/** True for a file of the user's program: not Node's, not a package's, not this library's. */
function inProgram(file: string): boolean {
  return !file.includes(`${path.sep}node_modules${path.sep}`) && !['dist', 'lib', 'constructs'].some((d) => file.startsWith(path.join(PACKAGE_ROOT, d) + path.sep));
}

/** The first frame of an error's stack that lies in the user's program, as `file:line` relative to `dir`. */
export function programFrame(e: unknown, dir: string): string | undefined {
  const site = siteOf(e, inProgram);
  return site ? `${path.relative(dir, site.file) || site.file}:${site.line}` : undefined;
}

/**
 * Run a program and return the Cloud it declares. Errors in the program (an exception it
 * throws, a TypeScript error, a missing file or export) become usage errors with file and
 * line; the original error is kept for `--debug`.
 */
export function loadProgram(program: string, options: LoadOptions = {}): LoadedProgram {
  if (/\.ya?ml$/i.test(program)) {
    // A YAML recipe loads into the same constructs, without running TypeScript.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { loadRecipe } = require('../recipe/index') as typeof import('../recipe/index');
    return loadRecipe(program);
  }
  const file = resolveProgram(program);
  const dir = path.dirname(file);
  if (!(options.hostLoader === 'if-present' && hostLoadsTypeScript())) {
    installAlias();
    if (/\.(ts|mts|cts)$/.test(file)) prepare(file, options);
  }
  Cloud.reset();
  Cloud.setCaptureMode(true);
  let exported: unknown;
  try {
    // A program loaded again (a test loading it twice, --watch) runs again.
    delete require.cache[file];
    exported = withSourceMaps(() => require(file));
  } catch (e) {
    if (isXosError(e)) throw e; // a file that does not compile, found as it was required
    const where = programFrame(e, process.cwd());
    const msg = describeThrown(e);
    if ((e as { code?: string })?.code === 'MODULE_NOT_FOUND')
      throw usageError(`${where ?? path.relative(process.cwd(), file)}: ${msg.split('\n')[0]}. Check the import's path or install the package.`, (e as Error)?.stack);
    throw usageError(`the program threw: ${msg.split('\n')[0]}${where ? ` (at ${where})` : ''}`, (e as Error)?.stack);
  } finally {
    Cloud.setCaptureMode(false);
  }
  // Under jest a module runs once per test file: a second load finds the cloud of the first.
  const clouds = Cloud.all().length ? Cloud.all() : loadedBefore.has(file) ? [loadedBefore.get(file)!] : [];
  let cloud: Cloud | undefined;
  const candidate = (exported as { default?: unknown })?.default ?? exported;
  if (candidate instanceof Cloud) cloud = candidate;
  else if (clouds.length === 1) cloud = clouds[0];
  else if (clouds.length > 1) {
    // Point at the second `new Cloud`: the line that made the mistake.
    const second = clouds[1].source;
    const at = second ? `${path.relative(process.cwd(), second.file) || second.file}:${second.line}: ` : '';
    throw usageError(`${at}${path.relative(process.cwd(), file)} declares ${clouds.length} Clouds ('${clouds.map((c) => c.cloudName).join("', '")}'); this is the second. A program declares one Cloud (or exports the one to use as default).`);
  }
  if (cloud) loadedBefore.set(file, cloud);
  if (!cloud)
    throw usageError(`${path.relative(process.cwd(), file)} declares no Cloud. Create one (const cloud = new Cloud({ name: 'my-cloud' })), declare the model in it, and end with cloud.synth().`);
  return { cloud, file, dir };
}

/**
 * What a program threw, for a message: an Error's message, a string as it is, any other
 * value as JSON (cut short), said to be a value that is not an Error.
 */
export function describeThrown(e: unknown): string {
  const cut = (t: string) => (t.length > 1000 ? `${t.slice(0, 997)}... (${t.length.toLocaleString('en-US')} characters)` : t);
  if (e instanceof Error || (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string' && typeof (e as Error).stack === 'string')) return cut((e as Error).message || (e as Error).name || 'an Error with no message');
  if (typeof e === 'string') return `${cut(e) || "''"} (a string, not an Error, so xos cannot tell where it was thrown; throw new Error('...') instead)`;
  let text: string;
  try {
    text = JSON.stringify(e) ?? String(e);
  } catch {
    text = Object.prototype.toString.call(e);
  }
  if (text.length > 200) text = `${text.slice(0, 197)}...`;
  const kind = e === null ? 'null' : typeof e;
  return `${text} (${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} value, not an Error; throw new Error('...') to say what went wrong)`;
}
