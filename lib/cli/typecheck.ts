/**
 * Compiling a user's program: type check it, then run the JavaScript TypeScript emits for it,
 * with a cache of both keyed by the program's sources and the compiler options.
 *
 * The edit -> check loop is what users live in. Most of a check's time is TypeScript itself:
 * loading its 9 MB of JavaScript and parsing the declarations every program sees (the ES
 * library, @types/node). So:
 *
 * - a program whose every source file (its own .ts files and the declarations it was checked
 *   against) is as it was at its last clean check is not checked again: its emitted
 *   JavaScript runs from the cache, and TypeScript is not even loaded;
 * - a changed program is checked first against the ES library alone, which most programs
 *   need; only when that finds a problem (a program using `process` or `console` needs
 *   @types/node and the DOM's console) is it checked against the full environment, whose
 *   diagnostics are the ones reported (more declarations never hide an error: a program
 *   clean in the smaller environment is clean in the larger one). The cache remembers which
 *   environment a program needed;
 * - TypeScript's own code is loaded with V8's code cache, and skips JSDoc it does not need.
 *
 * Stack traces (and so the lines violations point at) are mapped to the .ts sources through
 * inline source maps, which Node applies (process.setSourceMapsEnabled).
 *
 * The cache lives in node_modules/.cache/xos of the program's project (else the system's
 * temporary folder); XOS_CACHE=0 turns it off, XOS_CACHE_DIR moves it.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as TS from 'typescript';
import { usageError } from '../errors';

/** The library's root (holding package.json), from dist/lib/cli or lib/cli. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', fs.existsSync(path.resolve(__dirname, '..', '..', 'package.json')) ? '.' : '..');

/** The declarations a program's `import ... from 'xos'` is checked against. */
export const TYPES_ENTRY = fs.existsSync(path.join(PACKAGE_ROOT, 'dist', 'lib', 'index.d.ts')) ? path.join(PACKAGE_ROOT, 'dist', 'lib', 'index.d.ts') : path.join(PACKAGE_ROOT, 'lib', 'index.ts');

/** Diagnostics ts-node also ignores (a .d.ts beside a .ts, an unused import of a type ...). */
const IGNORED = new Set([6059, 18002, 18003]);

/** Which declarations a program is checked against. */
type Env = 'es' | 'full';

const CACHE_FORMAT = 2;

interface CachedFile {
  readonly f: string;
  readonly size: number;
  readonly mtime: number;
  /** sha1 of the content, for the program's own files (a touched, unchanged file still hits). */
  readonly hash?: string;
}

interface CacheEntry {
  readonly format: number;
  readonly fingerprint: string;
  readonly env: Env;
  readonly typeChecked: boolean;
  readonly files: readonly CachedFile[];
  /** Emitted JavaScript (with an inline source map) by absolute .ts path. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** What running a program needs: JavaScript for its .ts files. */
export interface PreparedProgram {
  readonly outputs: ReadonlyMap<string, string>;
  /** `hit`: nothing changed since the last clean check; `checked`: checked now; `transpiled`: not checked (--transpile-only). */
  readonly how: 'hit' | 'checked' | 'transpiled';
  /** The environment the program was checked against. */
  readonly env?: Env;
  /** The program's own source files (not in node_modules), for --watch. */
  readonly sources: readonly string[];
}

// ---------------------------------------------------------------------------------------
// TypeScript, loaded once per process with V8's code cache.

let tsModule: typeof TS | undefined;
let tsScript: import('vm').Script | undefined;
let tsCacheFile: string | undefined;

function typescriptFile(): string {
  return require.resolve('typescript');
}

function typescriptVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(path.dirname(typescriptFile()), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** True once this process has loaded TypeScript (a cached, unchanged program never does). */
export function typescriptLoaded(): boolean {
  return tsModule !== undefined;
}

/** TypeScript, compiled from V8's code cache when there is one. */
export function loadTypeScript(): typeof TS {
  if (tsModule) return tsModule;
  const file = typescriptFile();
  const dir = cacheRoot(process.cwd());
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const vm = require('vm') as typeof import('vm');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Module = require('module') as typeof import('module') & { wrap(code: string): string };
  tsCacheFile = dir ? path.join(dir, `typescript-${typescriptVersion()}-${process.version}-${process.arch}.v8cache`) : undefined;
  let cachedData: Buffer | undefined;
  try {
    if (tsCacheFile) cachedData = fs.readFileSync(tsCacheFile);
  } catch {
    cachedData = undefined;
  }
  try {
    tsScript = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
    const mod = { exports: {} as typeof TS };
    tsScript.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
    tsModule = mod.exports;
    if (cachedData && !tsScript.cachedDataRejected) tsCacheFile = undefined; // the cache served: nothing to write
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tsModule = require('typescript') as typeof TS;
    tsCacheFile = undefined;
  }
  return tsModule;
}

/** Write V8's code cache of TypeScript, once it has compiled what a check uses. */
function saveTypeScriptCodeCache(): void {
  if (!tsScript || !tsCacheFile) return;
  try {
    writeAtomically(tsCacheFile, tsScript.createCachedData());
  } catch {
    // A cache that cannot be written only costs time.
  }
  tsCacheFile = undefined;
}

// ---------------------------------------------------------------------------------------
// The cache.

/** The cache folder for programs under `dir`, or undefined when caching is off. */
export function cacheRoot(dir: string): string | undefined {
  if (process.env.XOS_CACHE === '0') return undefined;
  if (process.env.XOS_CACHE_DIR) return process.env.XOS_CACHE_DIR;
  let d = path.resolve(dir);
  for (;;) {
    const nm = path.join(d, 'node_modules');
    if (fs.existsSync(nm)) return path.join(nm, '.cache', 'xos');
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return path.join(os.tmpdir(), `xos-cache-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
}

function writeAtomically(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** A source text's hash, as TypeScript reads it (without a byte order mark). */
function hashText(text: string): string {
  return sha1(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function entryFile(root: string, program: string): string {
  return path.join(root, 'programs', `${sha1(program)}.json`);
}

/** What, besides the sources, decides a check's outcome and output. */
function fingerprint(): string {
  let xos = 'unknown';
  let types = 0;
  try {
    xos = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    types = fs.statSync(TYPES_ENTRY).mtimeMs;
  } catch {
    // left unknown: a hit then needs the same unknowns
  }
  return JSON.stringify({ format: CACHE_FORMAT, xos, types, entry: TYPES_ENTRY, ts: typescriptVersion(), options: BASE_OPTIONS });
}

function isOwn(file: string): boolean {
  return !file.split(/[\\/]/).includes('node_modules');
}

/** The program's own files are compared by content (a few kB), the declarations it was checked against by size and time. */
function unchanged(files: readonly CachedFile[]): boolean {
  for (const c of files) {
    try {
      if (c.hash !== undefined) {
        if (hashText(fs.readFileSync(c.f, 'utf8')) !== c.hash) return false;
        continue;
      }
      const st = fs.statSync(c.f);
      if (st.size !== c.size || st.mtimeMs !== c.mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function readEntry(root: string, program: string): CacheEntry | undefined {
  try {
    const e = JSON.parse(fs.readFileSync(entryFile(root, program), 'utf8')) as CacheEntry;
    return e.format === CACHE_FORMAT ? e : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Checking and emitting.

/** The compiler options every program is checked with (the declarations environment apart). */
const BASE_OPTIONS = {
  target: 'ES2022',
  module: 'commonjs',
  moduleResolution: 'node10',
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
} as const;

/**
 * The ES library a program is first checked against: what declaring a cloud uses (arrays,
 * strings, objects, Map and Set, iteration, promises, symbols, errors), a third less to parse
 * than all of ES2022. Anything else (Intl, typed arrays' newer methods, BigInt ...) makes the
 * check fall back to the full environment, whose verdict counts.
 */
const ES_LIB = [
  'lib.es5.d.ts',
  'lib.es2015.core.d.ts',
  'lib.es2015.collection.d.ts',
  'lib.es2015.iterable.d.ts',
  'lib.es2015.generator.d.ts',
  'lib.es2015.promise.d.ts',
  'lib.es2015.symbol.d.ts',
  'lib.es2015.symbol.wellknown.d.ts',
  'lib.es2016.array.include.d.ts',
  'lib.es2017.object.d.ts',
  'lib.es2017.string.d.ts',
  'lib.es2018.asynciterable.d.ts',
  'lib.es2018.asyncgenerator.d.ts',
  'lib.es2019.array.d.ts',
  'lib.es2019.object.d.ts',
  'lib.es2019.string.d.ts',
  'lib.es2020.string.d.ts',
  'lib.es2020.symbol.wellknown.d.ts',
  'lib.es2021.string.d.ts',
  'lib.es2022.array.d.ts',
  'lib.es2022.error.d.ts',
  'lib.es2022.object.d.ts',
  'lib.es2022.string.d.ts',
];

function compilerOptions(ts: typeof TS, env: Env, programDir: string): TS.CompilerOptions {
  const base: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    inlineSourceMap: true,
    sourceMap: false,
    declaration: false,
    noEmitOnError: true,
    paths: { xos: [TYPES_ENTRY] },
  };
  if (env === 'es') return { ...base, lib: ES_LIB, types: [] };
  // The full environment: TypeScript's default library for the target (with the DOM's
  // console ...) and @types/node, from the program's project or xos's own.
  const nodeTypes = findNodeTypes(programDir);
  return { ...base, types: nodeTypes ? ['node'] : [], ...(nodeTypes ? { typeRoots: [nodeTypes] } : {}) };
}

/** The @types folder holding @types/node, as the program's project or xos resolves it. */
function findNodeTypes(programDir: string): string | undefined {
  try {
    const pkg = require.resolve('@types/node/package.json', { paths: [programDir, PACKAGE_ROOT] });
    return path.dirname(path.dirname(pkg));
  } catch {
    return undefined;
  }
}

/** A message chain (`Argument of type ... is not assignable`, then `Property 'site' is missing`), on one line. */
function flatten(m: string | TS.DiagnosticMessageChain): string {
  if (typeof m === 'string') return m;
  return [m.messageText, ...(m.next ?? []).map(flatten)].join(' ');
}

/** Diagnostics as lines of `file:line:col TSnnnn message` (relative to `dir`). */
export function formatDiagnostics(diags: readonly TS.Diagnostic[], dir: string): string {
  // A binary file or a long paste gives hundreds of diagnostics; the first ones say what is wrong.
  const MAX = 20;
  const more = diags.length - MAX;
  return diags
    .slice(0, MAX)
    .map((d) => {
      let where = '';
      if (d.file && d.start !== undefined) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        where = `${path.relative(dir, d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1} `;
      }
      return `${where}TS${d.code}: ${flatten(d.messageText)}`;
    })
    .concat(more > 0 ? [`(and ${more} more error${more === 1 ? '' : 's'})`] : [])
    .join('\n');
}

/** A program that did not compile: a usage error listing the diagnostics. */
function compileError(entry: string, diags: readonly TS.Diagnostic[]): Error {
  return usageError(`${path.relative(process.cwd(), entry) || entry} does not compile:\n${formatDiagnostics(diags, process.cwd())}`);
}

function diagnosticsOf(ts: typeof TS, program: TS.Program): TS.Diagnostic[] {
  return ts.getPreEmitDiagnostics(program).filter((d) => !IGNORED.has(d.code));
}

/** A warm checker for --watch: the last program, whose unchanged source files the next one reuses. */
export interface Checker {
  /** Kept for more checks in this process (V8's optimizer then stays on). */
  readonly warm?: boolean;
  program?: TS.Program;
  host?: TS.CompilerHost;
  env?: Env;
}

/**
 * A host that parses each file once while its text stays the same: a warm checker's next
 * program reuses every unchanged file (and its binding) instead of parsing it again.
 */
function keepSourceFiles(host: TS.CompilerHost): void {
  const parsed = new Map<string, TS.SourceFile>();
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = host.readFile(fileName);
    const known = parsed.get(fileName);
    if (known && text === known.text) return known;
    const sf = read(fileName, languageVersion, onError, shouldCreate);
    if (sf) parsed.set(fileName, sf);
    return sf;
  };
}

/**
 * Type check a program (trying the ES environment first) and emit its JavaScript. Throws a
 * usage error with the diagnostics when it does not compile.
 */
export function checkAndEmit(entry: string, preferred: Env = 'es', checker: Checker = {}): { outputs: Map<string, string>; env: Env; files: string[]; sources: string[]; texts: Map<string, string> } {
  // A one-off check runs TypeScript's code once: V8's optimizing compiler, busy on another
  // thread with code that will not run again, cost a third of its CPU. A warm checker
  // (--watch) keeps it.
  const oneOff = !checker.warm;
  if (oneOff) setOptimizer(false);
  try {
    return checkAndEmitNow(entry, preferred, checker);
  } finally {
    if (oneOff) setOptimizer(true);
  }
}

function setOptimizer(on: boolean): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    (require('v8') as typeof import('v8')).setFlagsFromString(on ? '--opt' : '--no-opt');
  } catch {
    // Only time is lost.
  }
}

function checkAndEmitNow(entry: string, preferred: Env, checker: Checker): { outputs: Map<string, string>; env: Env; files: string[]; sources: string[]; texts: Map<string, string> } {
  const ts = loadTypeScript();
  const dir = path.dirname(entry);
  let env: Env = preferred;
  const make = (e: Env, old?: TS.Program): TS.Program => {
    const options = compilerOptions(ts, e, dir);
    let host = checker.env === e ? checker.host : undefined;
    if (!host) {
      host = ts.createCompilerHost(options);
      // JSDoc carries no type information in .ts files: tsc skips it too.
      (host as { jsDocParsingMode?: number }).jsDocParsingMode = ts.JSDocParsingMode?.ParseForTypeErrors;
      if (checker.warm) keepSourceFiles(host);
      checker.host = host;
      checker.env = e;
    }
    return ts.createProgram({ rootNames: [entry], options, host, ...(old ? { oldProgram: old } : {}) });
  };
  let program = make(env, checker.env === env ? checker.program : undefined);
  let diags = diagnosticsOf(ts, program);
  if (diags.length && env === 'es') {
    env = 'full';
    program = make(env, checker.env === env ? checker.program : undefined);
    diags = diagnosticsOf(ts, program);
  }
  checker.program = program;
  if (diags.length) throw compileError(entry, diags);
  const outputs = new Map<string, string>();
  const result = program.emit(undefined, (fileName, text, _bom, _onError, sourceFiles) => {
    if (fileName.endsWith('.js') && sourceFiles?.length) outputs.set(path.resolve(sourceFiles[0].fileName), text);
  });
  const emitDiags = result.diagnostics.filter((d) => !IGNORED.has(d.code));
  if (emitDiags.length) throw compileError(entry, emitDiags);
  saveTypeScriptCodeCache();
  const libDir = path.dirname(typescriptFile());
  const texts = new Map<string, string>();
  const files: string[] = [];
  for (const sf of program.getSourceFiles()) {
    const f = path.resolve(sf.fileName);
    if (f.startsWith(libDir + path.sep)) continue;
    files.push(f);
    // The text that was checked: what the cache compares the next run's with.
    if (isOwn(f)) texts.set(f, sf.text);
  }
  return { outputs, env, files, sources: files.filter((f) => isOwn(f) && !f.endsWith('.d.ts')), texts };
}

/** JavaScript for one .ts file, without checking (--transpile-only); syntax errors still stop it. */
export function transpileFile(file: string): string {
  const source = fs.readFileSync(file, 'utf8');
  const known = transpiled.get(file);
  if (known && known.source === source) return known.js;
  const ts = loadTypeScript();
  const out = ts.transpileModule(source, { fileName: file, reportDiagnostics: true, compilerOptions: compilerOptions(ts, 'es', path.dirname(file)) });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error && !IGNORED.has(d.code));
  if (errors.length) {
    // transpileModule's diagnostics carry a file of its own making: point them at the real one.
    const real = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022);
    throw compileError(file, errors.map((d) => ({ ...d, file: real })));
  }
  transpiled.set(file, { source, js: out.outputText });
  return out.outputText;
}

/** Files transpiled in this process, by path: a warm process transpiles only what changed. */
const transpiled = new Map<string, { source: string; js: string }>();

/**
 * The JavaScript a program runs as: from the cache when nothing changed since its last clean
 * check; else checked now (and cached), or, with `transpileOnly`, transpiled file by file as
 * it is required (then `outputs` holds what the cache had, if anything).
 */
export function prepareProgram(entry: string, options: { transpileOnly?: boolean } = {}): PreparedProgram {
  const root = cacheRoot(path.dirname(entry));
  const fp = fingerprint();
  const cached = root ? readEntry(root, entry) : undefined;
  const valid = cached && cached.fingerprint === fp && unchanged(cached.files) ? cached : undefined;
  if (valid && (valid.typeChecked || options.transpileOnly)) {
    return { outputs: new Map(Object.entries(valid.outputs)), how: 'hit', env: valid.env, sources: valid.files.filter((f) => f.hash).map((f) => f.f) };
  }
  if (options.transpileOnly) return { outputs: new Map(), how: 'transpiled', sources: valid ? ownFiles(valid) : cached ? ownFiles(cached) : [] };
  const done = checkAndEmit(entry, cached?.env ?? 'es');
  remember(entry, done, fp);
  return { outputs: done.outputs, how: 'checked', env: done.env, sources: done.sources };
}

function ownFiles(e: CacheEntry): string[] {
  return e.files.filter((f) => f.hash !== undefined && !f.f.endsWith('.d.ts')).map((f) => f.f);
}

/** Cache a clean check's outcome and output (a warm checker's too, so that the next `xos validate` hits). */
export function remember(entry: string, done: ReturnType<typeof checkAndEmit>, fp = fingerprint()): void {
  const root = cacheRoot(path.dirname(entry));
  if (!root) return;
  try {
    const files = done.files.map((f): CachedFile => {
      const st = fs.statSync(f);
      const text = done.texts.get(f);
      return { f, size: st.size, mtime: st.mtimeMs, ...(text !== undefined ? { hash: hashText(text) } : {}) };
    });
    const entryData: CacheEntry = { format: CACHE_FORMAT, fingerprint: fp, env: done.env, typeChecked: true, files, outputs: Object.fromEntries(done.outputs) };
    writeAtomically(entryFile(root, entry), JSON.stringify(entryData));
  } catch {
    // A cache that cannot be written only costs time.
  }
}
