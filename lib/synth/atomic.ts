/**
 * Writing a directory whole or not at all. The content is written into a temporary
 * directory beside the target (same file system, so a rename moves it), then swapped into
 * place under a lock file, so that:
 *
 * - an error while writing leaves the target exactly as it was, and no temporary directory;
 * - two writers into one target at once both succeed, one after the other: the target ends
 *   up as one writer's complete output, never a mix;
 * - a writer stopped by SIGINT, SIGTERM or SIGHUP (the interruptible variant, used by the
 *   CLI) removes its temporary directory and leaves the target as it was;
 * - temporary directories left by a writer that was killed outright (SIGKILL, power loss)
 *   are swept by the next writer into the same target.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { externalError, usageError } from '../errors';

/** How long a writer waits for another writer's lock before giving up. */
const LOCK_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 25;

/** The signals an interruptible write cleans up after. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A path for a message: relative to the working folder when inside it, else absolute. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), path.resolve(p));
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(p) : rel;
}

/** Thrown by {@link writeDirAtomicallyInterruptible} when a signal stopped the write. */
export class Interrupted extends Error {
  constructor(public readonly signal: NodeJS.Signals, public readonly target: string) {
    super(`interrupted by ${signal}: nothing was written, and ${shown(target)} is as it was`);
    this.name = 'Interrupted';
  }

  /** The exit status a shell reports for a process ended by this signal (128 + number). */
  public get exitCode(): number {
    return 128 + (({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[this.signal] ?? 0);
  }
}

export function isInterrupted(e: unknown): e is Interrupted {
  return e instanceof Error && e.name === 'Interrupted' && typeof (e as Interrupted).signal === 'string';
}

/** The names of the files that sit beside `target` while it is written. */
export function siblings(target: string): { parent: string; tmpPrefix: string; oldPrefix: string; lock: string } {
  const abs = path.resolve(target);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  return { parent, tmpPrefix: `.${base}.tmp-`, oldPrefix: `.${base}.old-`, lock: path.join(parent, `.${base}.lock`) };
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what dead writers left beside `target`: temporary directories, and the previous
 * output a writer had moved aside (restored first, when the target itself is missing).
 */
export function sweep(target: string): void {
  const { parent, tmpPrefix, oldPrefix } = siblings(target);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  const owner = (name: string, prefix: string) => Number(name.slice(prefix.length).split('-')[0]);
  for (const name of names.sort()) {
    const prefix = name.startsWith(tmpPrefix) ? tmpPrefix : name.startsWith(oldPrefix) ? oldPrefix : undefined;
    if (!prefix || alive(owner(name, prefix))) continue;
    const p = path.join(parent, name);
    if (prefix === oldPrefix && !fs.existsSync(target)) {
      try {
        fs.renameSync(p, target);
        continue;
      } catch {
        // fall through: remove it
      }
    }
    fs.rmSync(p, { recursive: true, force: true });
  }
}

/** Files that mark a directory as synthesized output (cdktf's, or ours). */
export const OUTPUT_MARKERS = ['manifest.json', 'xos-model.json'] as const;

/**
 * Refuse targets whose replacement would destroy what is not ours to replace: the file
 * system root, the home folder, the working folder or one of its parents, a file, or a
 * folder that holds something other than synthesized output.
 */
export function checkTarget(target: string): void {
  const abs = path.resolve(target);
  const cwd = process.cwd();
  const where = shown(abs);
  const choose = 'Choose a new or empty folder for the output, for example --out cdktf.out.';
  if (abs === path.parse(abs).root || abs === os.homedir() || cwd === abs || cwd.startsWith(abs + path.sep))
    throw usageError(`refusing to write the output to ${where}: xos replaces the whole output folder, and this one holds the folder you work in. ${choose}`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw usageError(`cannot write the output to ${where}: a part of that path is a file, not a folder. ${choose}`);
    if (code !== 'ENOENT') throw externalError(`cannot write the output to ${where}: ${(e as Error).message}.`);
  }
  if (!stat) return;
  if (!stat.isDirectory()) throw usageError(`cannot write the output to ${where}: it is a file, not a folder. ${choose}`);
  const entries = fs.readdirSync(abs);
  if (entries.length && !OUTPUT_MARKERS.some((m) => entries.includes(m)))
    throw usageError(
      `refusing to replace ${where}: it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no ${OUTPUT_MARKERS.join(' or ')}, so it is not a synthesized output, and xos replaces the whole output folder. ${choose}`,
    );
}

/** Temporary directories this process is writing; removed by {@link abandonTemps}. */
const inFlight = new Set<string>();

/**
 * Remove every temporary directory this process is still writing: for a process that is
 * about to exit on an error nobody caught.
 */
export function abandonTemps(): void {
  for (const t of inFlight) fs.rmSync(t, { recursive: true, force: true });
  inFlight.clear();
}

function removeTemp(tmp: string): void {
  fs.rmSync(tmp, { recursive: true, force: true });
  inFlight.delete(tmp);
}

/** A fresh temporary directory beside `target`, named after this process. */
export function makeTemp(target: string): string {
  checkTarget(target);
  const { parent, tmpPrefix } = siblings(target);
  try {
    fs.mkdirSync(parent, { recursive: true });
    sweep(target);
    const tmp = fs.mkdtempSync(path.join(parent, `${tmpPrefix}${process.pid}-`));
    inFlight.add(tmp);
    return tmp;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = shown(parent);
    if (code === 'ENOTDIR' || code === 'EEXIST') throw usageError(`cannot write the output beside ${where}: a part of that path is a file, not a folder. Choose another --out.`);
    throw externalError(`cannot write the output beside ${where}: ${(e as Error).message}. Check that the folder is writable and the disk has room.`);
  }
}

type LockAttempt = { ok: true } | { ok: false; holder: number };

function tryLock(lock: string): LockAttempt {
  try {
    const fd = fs.openSync(lock, 'wx');
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    return { ok: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder = NaN;
  try {
    holder = Number(fs.readFileSync(lock, 'utf8').trim());
  } catch {
    return { ok: false, holder: NaN }; // released in between: try again
  }
  // A lock whose writer died (or that was never finished being written) is stale.
  if (!alive(holder)) {
    let stale = true;
    if (Number.isNaN(holder)) {
      try {
        stale = Date.now() - fs.statSync(lock).mtimeMs > 2_000;
      } catch {
        stale = false;
      }
    }
    if (stale) fs.rmSync(lock, { force: true });
  }
  return { ok: false, holder };
}

function lockTimeout(lock: string, holder: number): Error {
  return new Error(
    `another xos process${Number.isNaN(holder) ? '' : ` (pid ${holder})`} has held ${lock} for ${LOCK_TIMEOUT_MS / 1000} s while writing the same output directory. Wait for it to finish, or remove the lock file if no such process runs.`,
  );
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Take the lock of `target`, waiting (blocking) while another writer holds it. */
export function lockSync(target: string): () => void {
  const { lock } = siblings(target);
  const start = Date.now();
  for (;;) {
    const a = tryLock(lock);
    if (a.ok) return () => fs.rmSync(lock, { force: true });
    if (Date.now() - start > LOCK_TIMEOUT_MS) throw lockTimeout(lock, a.holder);
    Atomics.wait(sleeper, 0, 0, LOCK_POLL_MS);
  }
}

/** Take the lock of `target`, waiting (without blocking) while another writer holds it. */
export async function lock(target: string, cancelled: () => boolean = () => false): Promise<(() => void) | undefined> {
  const { lock: file } = siblings(target);
  const start = Date.now();
  for (;;) {
    if (cancelled()) return undefined;
    const a = tryLock(file);
    if (a.ok) return () => fs.rmSync(file, { force: true });
    if (Date.now() - start > LOCK_TIMEOUT_MS) throw lockTimeout(file, a.holder);
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

/**
 * Move `tmp` to `target`, replacing what was there. The caller holds the lock. The old
 * target is moved aside first and removed after; if the second rename fails the old one
 * is put back, so an error leaves the target as it was.
 */
export function swapLocked(tmp: string, target: string): void {
  const { parent, oldPrefix } = siblings(target);
  const old = path.join(parent, `${oldPrefix}${process.pid}-${Date.now()}`);
  let moved = false;
  try {
    if (fs.existsSync(target)) {
      fs.renameSync(target, old);
      moved = true;
    }
    fs.renameSync(tmp, target);
    inFlight.delete(tmp);
  } catch (e) {
    if (moved && !fs.existsSync(target)) fs.renameSync(old, target);
    removeTemp(tmp);
    throw e;
  }
  if (moved) fs.rmSync(old, { recursive: true, force: true });
}

/** Move `tmp` to `target` under the target's lock (see {@link swapLocked}). */
export function swapInto(tmp: string, target: string): void {
  const release = lockSync(target);
  try {
    swapLocked(tmp, path.resolve(target));
  } finally {
    release();
  }
}

/**
 * Fill a temporary directory with `fill` and swap it into `target`. On any error the
 * temporary directory is removed and `target` is left as it was.
 */
export function writeDirAtomically<T>(target: string, fill: (dir: string) => T): T {
  const abs = path.resolve(target);
  const tmp = makeTemp(abs);
  let result: T;
  try {
    result = fill(tmp);
  } catch (e) {
    removeTemp(tmp);
    throw e;
  }
  swapInto(tmp, abs);
  return result;
}

/** A tick of the event loop: lets pending signal handlers run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * {@link writeDirAtomically} for a command line process: SIGINT, SIGTERM and SIGHUP that
 * arrive while the directory is written (including while `fill` runs: the signal is seen
 * as soon as it returns) remove the temporary directory, leave `target` as it was and
 * reject with {@link Interrupted}. A signal that arrives once the swap has begun lets the
 * swap finish: the target is then the new, complete output.
 */
export async function writeDirAtomicallyInterruptible<T>(target: string, fill: (dir: string) => T | Promise<T>): Promise<T> {
  const abs = path.resolve(target);
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    signal ??= s;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  let tmp: string | undefined;
  try {
    tmp = makeTemp(abs);
    await tick();
    let result: T | undefined;
    if (!signal) result = await fill(tmp);
    await tick();
    const release = signal ? undefined : await lock(abs, () => !!signal);
    if (!release) throw new Interrupted(signal ?? 'SIGINT', target);
    try {
      swapLocked(tmp, abs);
      tmp = undefined;
    } finally {
      release();
    }
    return result as T;
  } finally {
    if (tmp) removeTemp(tmp);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}
