/**
 * `xos validate --watch`: validate, then again on every save of one of the program's files,
 * in this warm process.
 *
 * A save is answered in two steps. First the program runs from its files transpiled (types
 * stripped, no check: a few milliseconds with TypeScript loaded) and the rules report; a model
 * that comes out as before is not laid out or checked again (CompileMemo): 60-150 ms of CPU
 * for central-office. Then the warm checker type checks the change (TypeScript keeps every
 * declaration it parsed; a new checker still resolves what the program uses, 0.1-0.2 s) and
 * reports type errors, with file:line:column, or that the types are sound. A clean check is
 * cached, so the next `xos validate` of the unchanged program does not check again.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isXosError } from '../errors';
import type { Io } from './io';
import type { Checker } from './typecheck';
import type { CompileMemo } from '../compile';

export interface WatchOptions {
  readonly strict?: boolean;
  readonly json?: boolean;
  /** Allocate nothing (--locked, XOS_LOCKED=1): as xos validate. */
  readonly locked?: boolean;
  /** Wait this long after a change for more before validating (editors write in bursts). @default 30 */
  readonly debounceMs?: number;
  /** Stop after this many saves answered, both steps (tests). @default run until interrupted */
  readonly saves?: number;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** A step's time: its wall time, and the CPU time it used (the same on an idle machine). */
interface Since {
  readonly wall: bigint;
  readonly cpu: NodeJS.CpuUsage;
}

function now(): Since {
  return { wall: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

function ms(since: Since): string {
  const cpu = process.cpuUsage(since.cpu);
  return `${(Number(process.hrtime.bigint() - since.wall) / 1e6).toFixed(0)} ms, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`;
}

/** Run the program and the rules; the first run checks types too. Returns whether it passed. */
function runRules(program: string, io: Io, options: WatchOptions, how: { checker?: Checker; transpileOnly?: boolean; memo: CompileMemo }): boolean {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { loadAndCompile, printValidation } = require('./pipeline') as typeof import('./pipeline');
  try {
    const { compiled, allocations } = loadAndCompile(program, { ...how, locked: options.locked });
    return printValidation(compiled, allocations, io, options);
  } catch (e) {
    if (!isXosError(e)) throw e;
    io.err(`xos: ${e.message}\n`);
    return false;
  }
}

/** Type check with the warm checker; returns the program's own files (to watch), or undefined when it does not compile. */
function checkTypes(entry: string, checker: Checker, io: Io): string[] | undefined {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { checkAndEmit, remember } = require('./typecheck') as typeof import('./typecheck');
  try {
    const done = checkAndEmit(entry, checker.env ?? 'es', checker);
    remember(entry, done);
    return done.sources;
  } catch (e) {
    if (!isXosError(e)) throw e;
    io.err(`xos: ${e.message}\n`);
    return undefined;
  }
}

/** Validate now and on every change, until interrupted (or `saves` changes answered). */
export function watchValidate(program: string, io: Io, options: WatchOptions = {}): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { resolveProgram } = require('./load') as typeof import('./load');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { lastPreparation } = require('./load') as typeof import('./load');
  const entry = resolveProgram(program);
  const isTs = /\.(ts|mts|cts)$/.test(entry);
  const checker: Checker = { warm: true };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const memo = new (require('../compile') as typeof import('../compile')).CompileMemo();
  let files: string[] = [entry];

  // The first run: type checked, as `xos validate` does.
  const first = now();
  const passed = runRules(program, io, options, isTs ? { checker, memo } : { memo });
  files = lastPreparation()?.sources.length ? [...lastPreparation()!.sources] : [entry];

  return new Promise((resolve) => {
    const watchers = new Map<string, fs.FSWatcher>();
    let timer: NodeJS.Timeout | undefined;
    let answered = 0;
    const stop = (code: number) => {
      for (const w of watchers.values()) w.close();
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      resolve(code);
    };
    const onSignal = () => stop(0);
    process.on('SIGINT', onSignal);
    // Folders are watched, not files: editors save by writing a new file and renaming it.
    const watch = () => {
      const dirs = new Set(files.map((f) => path.dirname(f)));
      for (const [d, w] of watchers) if (!dirs.has(d)) (w.close(), watchers.delete(d));
      for (const d of dirs) {
        if (watchers.has(d)) continue;
        try {
          watchers.set(d, fs.watch(d, (_event, name) => name && files.includes(path.join(d, name.toString())) && changed()));
        } catch {
          // A folder that went away: the next validation says the file is missing.
        }
      }
    };
    const answer = () => {
      // Step 1: the rules, on the program transpiled.
      const started = now();
      const ok = runRules(program, io, options, { transpileOnly: true, memo });
      io.err(`[${clock()}] rules: ${ok ? 'pass' : 'fail'} (${ms(started)})${isTs ? '; checking types ...' : ''}\n`);
      if (!isTs) return done();
      // Step 2: the types, once the rules' answer is out.
      setImmediate(() => {
        const t = now();
        const checked = checkTypes(entry, checker, io);
        if (checked) files = checked.length ? checked : files;
        watch();
        io.err(`[${clock()}] types: ${checked ? 'sound' : 'errors above'} (${ms(t)}); watching for changes\n`);
        done();
      });
    };
    const done = () => {
      if (options.saves !== undefined && ++answered >= options.saves) stop(0);
    };
    const changed = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        answer();
      }, options.debounceMs ?? 30);
    };
    // Said once the folders are watched: a save from then on is answered.
    watch();
    io.err(`[${clock()}] ${passed ? 'passes' : 'fails'} (${ms(first)}); watching ${files.length} file${files.length === 1 ? '' : 's'} for changes (Ctrl-C to stop)\n`);
  });
}
