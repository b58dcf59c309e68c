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
 *   are swept by the next writer into the same target;
 * - only a previous output of xos is replaced: a folder that holds anything its manifest does
 *   not list (a program, notes, a state file) is refused, and so is a dangling link.
 *
 * The lock is a file created whole (written beside it, then hard-linked into place, so that
 * nobody ever reads it half-written) holding its owner's pid and a nonce. A lock whose owner
 * is dead is broken by exactly one waiter: the one that creates the breaker file named after
 * that lock's identity, and which then removes the lock only if it is still that same lock.
 * Hand-written because the lock libraries on npm (proper-lockfile, lockfile) judge staleness by
 * age and so break the lock of a live writer that runs long, and none is synchronous and
 * asynchronous at once as synthesis needs.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { externalError, usageError } from '../errors';
import { jsonProblemText } from '../util/json-error';

/** How long a writer waits for another writer's lock before giving up. */
const LOCK_TIMEOUT_MS = 120_000;
/** A waiter polls quickly at first, then every 25 ms. */
const pollMs = (attempt: number) => Math.min(25, 1 << Math.min(attempt, 5));

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

/** The lock file being written by one writer before it is linked into place. */
const lockDraftPrefix = (lock: string) => `${path.basename(lock)}.new-`;
/** The file whose creation makes one waiter the breaker of one stale lock. */
const lockBreakerPrefix = (lock: string) => `${path.basename(lock)}.break-`;

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
  const { lock } = siblings(target);
  const draft = lockDraftPrefix(lock);
  for (const name of names) if (name.startsWith(draft) && !alive(owner(name, draft))) fs.rmSync(path.join(parent, name), { force: true });
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
 * Files Terraform itself makes in a stack's folder (`terraform init`): they belong to the
 * output xos wrote and are replaced with it (the next `terraform init` makes them again).
 */
const TERRAFORM_WORKING_FILES: Readonly<Record<string, 'file' | 'dir'>> = { '.terraform': 'dir', '.terraform.lock.hcl': 'file' };

/** The most a manifest.json may weigh to be read (xos writes a few hundred bytes per stack). */
const MANIFEST_LIMIT = 64 * 1024 * 1024;

/**
 * Refuse targets whose replacement would destroy what is not ours to replace: the file
 * system root, the home folder, the working folder or one of its parents, a file, a dangling
 * link, or a folder that holds anything but the output of an earlier `xos synth`. Returns the
 * folder to write: the target, or the folder a link there points to.
 */
export function checkTarget(target: string): string {
  let abs = path.resolve(target);
  const where = shown(abs);
  const choose = 'Choose a new or empty folder for the output, for example --out cdktf.out.';
  let link: fs.Stats | undefined;
  try {
    link = fs.lstatSync(abs);
  } catch {
    // missing, or a part of the path is not a folder: told below
  }
  if (link?.isSymbolicLink()) {
    try {
      abs = fs.realpathSync(abs);
    } catch (e) {
      let to = '';
      try {
        to = ` to ${fs.readlinkSync(abs)}`;
      } catch {
        // unreadable link: say nothing of where it points
      }
      const code = (e as NodeJS.ErrnoException).code;
      throw usageError(
        `cannot write the output to ${where}: it is a symbolic link${to}, which ${code === 'ELOOP' ? 'loops back on itself' : 'points to nothing'}. Remove the link or make the folder it names, or ${choose.charAt(0).toLowerCase()}${choose.slice(1)}`,
      );
    }
  }
  const cwd = process.cwd();
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
  if (!stat) return abs;
  if (!stat.isDirectory()) throw usageError(`cannot write the output to ${where}: it is a file, not a folder. ${choose}`);
  const entries = fs.readdirSync(abs);
  if (!entries.length) return abs;
  if (!OUTPUT_MARKERS.some((m) => entries.includes(m)))
    throw usageError(
      `refusing to replace ${where}: it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no ${OUTPUT_MARKERS.join(' or ')}, so it is not a synthesized output, and xos replaces the whole output folder. ${choose}`,
    );
  const listed = outputFiles(abs);
  if (typeof listed === 'string') throw usageError(`refusing to replace ${where}: ${listed}, so it is not the output of an earlier xos synth, and xos replaces the whole output folder. ${choose}`);
  const foreign = foreignEntries(abs, listed);
  if (foreign.length) {
    const shownList = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw usageError(
      `refusing to replace ${where}: it holds ${shownList}, which ${foreign.length === 1 ? 'is' : 'are'} not part of the output xos wrote there (its manifest.json lists the files xos made), and xos replaces the whole output folder. Move ${foreign.length === 1 ? 'it' : 'them'} out of ${where}, or ${choose.charAt(0).toLowerCase()}${choose.slice(1)}`,
    );
  }
  return abs;
}

/**
 * What an earlier `xos synth` wrote in `dir`, by its manifest: path (relative, with `/`) to
 * kind; or why the folder is not such an output.
 */
function outputFiles(dir: string): Map<string, 'file' | 'dir'> | string {
  const manifestFile = path.join(dir, 'manifest.json');
  let manifest: unknown;
  let text = '';
  try {
    const st = fs.lstatSync(manifestFile);
    if (!st.isFile()) return 'its manifest.json is not a file';
    if (st.size > MANIFEST_LIMIT) return `its manifest.json weighs ${st.size} bytes, more than any xos writes`;
    text = fs.readFileSync(manifestFile, 'utf8');
    manifest = JSON.parse(text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'it holds an xos-model.json but no manifest.json';
    return `its manifest.json cannot be read as JSON (${e instanceof SyntaxError ? jsonProblemText(e, text) : (e as Error).message.slice(0, 120)})`;
  }
  const stacks = (manifest as { stacks?: unknown })?.stacks;
  if (!stacks || typeof stacks !== 'object' || Array.isArray(stacks)) return 'its manifest.json lists no stacks';
  try {
    if (!fs.lstatSync(path.join(dir, 'xos-model.json')).isFile()) return 'its xos-model.json is not a file';
  } catch {
    return 'it holds a manifest.json but no xos-model.json (the output of cdktf synth, perhaps)';
  }
  const files = new Map<string, 'file' | 'dir'>([
    ['manifest.json', 'file'],
    ['xos-model.json', 'file'],
    // What synthesis derived (tenancy networks, gateways, routes out): written beside the model.
    ['xos-derived.json', 'file'],
    // What made the folder (cloud, program, target): written by xos beside its model.
    ['xos-output.json', 'file'],
    ['stacks', 'dir'],
  ]);
  const inside = (p: unknown): p is string => typeof p === 'string' && p !== '' && !path.isAbsolute(p) && p.split(/[\\/]/).every((s) => s !== '..' && s !== '.' && s !== '');
  for (const [name, entry] of Object.entries(stacks as Record<string, unknown>)) {
    const e = (entry ?? {}) as { workingDirectory?: unknown; synthesizedStackPath?: unknown; stackMetadataPath?: unknown };
    if (!inside(e.workingDirectory) || !inside(e.synthesizedStackPath)) return `its manifest.json lists stack ${JSON.stringify(name).slice(0, 80)} without its folder and file inside the output`;
    const work = e.workingDirectory.split(/[\\/]/);
    for (let i = 1; i <= work.length; i++) files.set(work.slice(0, i).join('/'), 'dir');
    files.set(e.synthesizedStackPath.split(/[\\/]/).join('/'), 'file');
    if (inside(e.stackMetadataPath)) files.set(e.stackMetadataPath.split(/[\\/]/).join('/'), 'file');
    for (const [f, kind] of Object.entries(TERRAFORM_WORKING_FILES)) files.set(`${work.join('/')}/${f}`, kind);
  }
  return files;
}

/** Entries of `dir` (relative, with `/`) that are not in `files` or not of its kind; Terraform's folders are not walked. */
function foreignEntries(dir: string, files: ReadonlyMap<string, 'file' | 'dir'>): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(rel ? path.join(dir, rel) : dir).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const kind = files.get(r);
      const st = fs.lstatSync(path.join(dir, r));
      if (!kind || (kind === 'dir' ? !st.isDirectory() : !st.isFile())) out.push(r + (st.isDirectory() ? '/' : ''));
      else if (kind === 'dir' && !(name in TERRAFORM_WORKING_FILES)) walk(r);
    }
  };
  walk('');
  return out;
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

/** A fresh temporary directory beside `target` (after {@link checkTarget}), named after this process. */
export function makeTemp(target: string): string {
  return tempBeside(checkTarget(target));
}

function tempBeside(target: string): string {
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

type LockAttempt = { ok: true; token: string } | { ok: false; holder: number };

/** What a lock file says: its owner's pid (NaN when unreadable) and the text that identifies it. */
function parseLock(text: string): { pid: number; token: string } {
  const first = text.trim().split(/\s+/)[0] ?? '';
  return { pid: /^[1-9][0-9]*$/.test(first) ? Number(first) : NaN, token: text };
}

/** Create the lock whole: write it beside, then link it into place (fails when it exists). */
function createLock(lock: string, token: string): boolean {
  const draft = path.join(path.dirname(lock), `${lockDraftPrefix(lock)}${process.pid}-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(draft, token);
  try {
    fs.linkSync(draft, lock);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    fs.rmSync(draft, { force: true });
  }
  // A file system without hard links: create exclusively, then write. A reader may see the
  // lock empty for a moment, and waits (an empty lock is taken as being written).
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, token);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The lock as it is now: its text and the identity of the file (it changes when the lock is made anew). */
function readLock(lock: string): { text: string; id: string; ageMs: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(lock, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    const text = fs.readFileSync(fd, 'utf8');
    return { text, id: `${st.dev}:${st.ino}:${st.mtimeMs}:${st.size}:${text}`, ageMs: Date.now() - st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Remove a lock whose owner is dead, unless another waiter does: the one that creates the
 * breaker named after the lock's identity removes it, and only if the lock is still the one it
 * read (nobody else can remove that one: its owner is dead, and its breaker is taken).
 */
function breakStale(lock: string, seen: { id: string }): void {
  const breaker = path.join(path.dirname(lock), `${lockBreakerPrefix(lock)}${createHash('sha256').update(seen.id).digest('hex').slice(0, 32)}`);
  let fd: number;
  try {
    fd = fs.openSync(breaker, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return; // another waiter breaks it
    throw e;
  }
  try {
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    const now = readLock(lock);
    if (now && now.id === seen.id) fs.rmSync(lock, { force: true });
  } finally {
    // Once the lock is gone, its identity never comes back: the breaker has served.
    fs.rmSync(breaker, { force: true });
  }
}

function tryLock(lock: string): LockAttempt {
  const token = `${process.pid} ${randomBytes(12).toString('hex')}\n`;
  if (createLock(lock, token)) return { ok: true, token };
  const seen = readLock(lock);
  if (!seen) return { ok: false, holder: NaN }; // released in between: try again
  const { pid } = parseLock(seen.text);
  if (alive(pid)) return { ok: false, holder: pid };
  // Unreadable (being written on a file system without links, or by an older xos): stale only once old.
  if (Number.isNaN(pid) && seen.ageMs <= 2_000) return { ok: false, holder: NaN };
  breakStale(lock, seen);
  return { ok: false, holder: pid };
}

/** Release a lock taken with `token`: remove it only while it is still ours. */
function releaser(lock: string, token: string): () => void {
  return () => {
    const now = readLock(lock);
    if (now && now.text === token) fs.rmSync(lock, { force: true });
  };
}

function lockTimeout(lock: string, holder: number): Error {
  return new Error(
    `another xos process${Number.isNaN(holder) ? '' : ` (pid ${holder})`} has held ${lock} for ${LOCK_TIMEOUT_MS / 1000} s while writing the same output directory. Wait for it to finish, or remove the lock file (and any ${path.basename(lock)}.break-* beside it) if no such process runs.`,
  );
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Take the lock of `target`, waiting (blocking) while another writer holds it. */
export function lockSync(target: string): () => void {
  const { lock } = siblings(target);
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    const a = tryLock(lock);
    if (a.ok) return releaser(lock, a.token);
    if (Date.now() - start > LOCK_TIMEOUT_MS) throw lockTimeout(lock, a.holder);
    Atomics.wait(sleeper, 0, 0, pollMs(attempt));
  }
}

/** Take the lock of `target`, waiting (without blocking) while another writer holds it. */
export async function lock(target: string, cancelled: () => boolean = () => false): Promise<(() => void) | undefined> {
  const { lock: file } = siblings(target);
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (cancelled()) return undefined;
    const a = tryLock(file);
    if (a.ok) return releaser(file, a.token);
    if (Date.now() - start > LOCK_TIMEOUT_MS) throw lockTimeout(file, a.holder);
    await new Promise((r) => setTimeout(r, pollMs(attempt)));
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
  const abs = checkTarget(target);
  const tmp = tempBeside(abs);
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
  let abs = path.resolve(target);
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    signal ??= s;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  let tmp: string | undefined;
  try {
    abs = checkTarget(abs);
    tmp = tempBeside(abs);
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
