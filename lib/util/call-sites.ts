/**
 * Where in the user's program something happened, read from V8's structured call sites
 * (CallSite objects: getFileName, getLineNumber, getColumnNumber) instead of from the text of
 * a stack trace, which no pattern reads right for every path (`dir (old)/main.ts`, a colon or
 * a space in a folder name). A TypeScript program runs as ts-node's JavaScript: its positions
 * are mapped back to the .ts source through Node's own source map API (module.findSourceMap),
 * which holds the maps of the modules loaded inside {@link withSourceMaps}.
 *
 * Capturing is cheap (V8 records the frames); reading them is what costs, so a capture is
 * read only when asked ({@link siteOf}): only objects with a violation need their site.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { SourceLocation } from '../model/types';

type CallSite = NodeJS.CallSite;

/** The frames of errors formatted while {@link withSourceMaps} ran, for {@link framesOf}. */
const recorded = new WeakMap<object, readonly CallSite[]>();

/** The text V8 writes when no Error.prepareStackTrace is installed. */
function defaultText(error: unknown, sites: readonly CallSite[]): string {
  let head: string;
  try {
    head = String(error);
  } catch {
    head = 'Error';
  }
  return head + sites.map((s) => `\n    at ${s}`).join('');
}

/**
 * Run `fn` (which loads the user's program) so that its modules' source maps are kept and
 * the frames of any error it throws can be read afterwards, whoever formats its stack first.
 */
export function withSourceMaps<T>(fn: () => T): T {
  const wasEnabled = process.sourceMapsEnabled ?? false;
  const previous = Error.prepareStackTrace;
  const recorder = (error: Error, sites: CallSite[]) => {
    if (error !== null && typeof error === 'object') recorded.set(error, sites);
    return previous ? previous(error, sites) : defaultText(error, sites);
  };
  if (!wasEnabled) process.setSourceMapsEnabled(true);
  Error.prepareStackTrace = recorder;
  try {
    return fn();
  } finally {
    // A program that installed its own hook keeps it.
    if (Error.prepareStackTrace === recorder) Error.prepareStackTrace = previous;
    if (!wasEnabled) process.setSourceMapsEnabled(false);
  }
}

/** A capture of the current call stack, to be read by {@link siteOf} when needed. */
export interface Capture {
  readonly stack?: unknown;
}

/**
 * Capture the stack of the caller, at most `limit` frames, leaving out `above` and the frames
 * above it (a constructor: its caller's frame comes first, so few frames are enough; a
 * hundred thousand objects each keep their capture).
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export function capture(limit = 12, above: Function = capture): Capture {
  const holder = {};
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = limit;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = previous;
  return holder;
}

/**
 * The structured frames of an error or a capture, or undefined when its stack was already
 * formatted as text (outside {@link withSourceMaps}) or it holds none. Reading them leaves
 * an error's `stack` text as the installed hook (ts-node's, for one) makes it.
 */
export function framesOf(e: unknown): readonly CallSite[] | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  const known = recorded.get(e);
  if (known) return known;
  const previous = Error.prepareStackTrace;
  let frames: CallSite[] | undefined;
  Error.prepareStackTrace = (error, sites) => {
    if (error !== e) return previous ? previous(error, sites) : defaultText(error, sites);
    frames = sites;
    // A capture's text is never shown: do not spend the formatting on it.
    if (!(e instanceof Error)) return sites;
    return previous ? previous(error, sites) : defaultText(error, sites);
  };
  try {
    void (e as { stack?: unknown }).stack;
  } catch {
    // a getter that throws: no frames
  } finally {
    Error.prepareStackTrace = previous;
  }
  if (frames) recorded.set(e, frames);
  return frames;
}

/** A frame's file, line and column in the source the user wrote (mapped through its source map). */
export function sourceOf(site: CallSite): SourceLocation | undefined {
  let file = site.getFileName() ?? undefined;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!file || line === null) return undefined;
  if (file.startsWith('file://')) file = fileURLToPath(file);
  if (!path.isAbsolute(file)) return undefined; // node:internal, evalmachine, native
  const origin = mapped(file, line, column ?? 1);
  return origin ?? { file, line, ...(column !== null ? { column } : {}) };
}

/** A position in a loaded module, mapped to the source the user wrote (through its source map) when it has one. */
export function sourceAt(file: string, line: number, column: number): SourceLocation {
  return mapped(file, line, column) ?? { file, line, column };
}

/**
 * The first frame of the caller of `above` (at most `limit` frames) whose file `mine` accepts,
 * read now, as a position in the loaded module (map it later with {@link sourceAt}). For
 * objects made by the hundred thousand (tenant instances): a few numbers each instead of a
 * captured stack.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export function callerNow(limit: number, above: Function, mine: (file: string) => boolean): { readonly file: string; readonly line: number; readonly column: number } | undefined {
  const holder: { stack?: unknown } = {};
  const previousLimit = Error.stackTraceLimit;
  const previous = Error.prepareStackTrace;
  Error.stackTraceLimit = limit;
  Error.prepareStackTrace = (_e, sites) => sites;
  let sites: CallSite[] | undefined;
  try {
    Error.captureStackTrace(holder, above);
    sites = holder.stack as CallSite[] | undefined;
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = previousLimit;
  }
  for (const s of sites ?? []) {
    let file = s.getFileName() ?? undefined;
    const line = s.getLineNumber();
    if (!file || line === null) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (path.isAbsolute(file) && mine(file)) return { file, line, column: s.getColumnNumber() ?? 1 };
  }
  return undefined;
}

function mapped(file: string, line: number, column: number): SourceLocation | undefined {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { findSourceMap } = require('module') as typeof import('module');
  let map: ReturnType<typeof findSourceMap>;
  try {
    map = findSourceMap(file);
  } catch {
    return undefined;
  }
  if (!map) return mappedByTsNode(file, line, column);
  const e = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (typeof e.originalLine !== 'number' || !e.originalSource) return undefined;
  const source = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : path.resolve(path.dirname(file), e.originalSource);
  return { file: source, line: e.originalLine + 1, column: (e.originalColumn ?? 0) + 1 };
}

/**
 * A program run on its own (`cdktf synth`: ts-node registered by the user's command) is
 * compiled before xos loads, so Node keeps no source map of it; ts-node's source-map-support,
 * already loaded, maps its positions from ts-node's own cache. Used only when it is loaded.
 */
function mappedByTsNode(file: string, line: number, column: number): SourceLocation | undefined {
  if (!file.endsWith('.ts') && !file.endsWith('.tsx')) return undefined;
  // Only a file ts-node compiled: another compiler's output (jest's, say) is not in its cache.
  const tsNode = (process as unknown as Record<symbol, { enabled?: () => boolean; ignored?: (f: string) => boolean } | undefined>)[Symbol.for('ts-node.register.instance')];
  if (!tsNode?.enabled?.() || tsNode.ignored?.(file) !== false) return undefined;
  const key = Object.keys(require.cache).find((k) => k.endsWith(`${path.sep}@cspotcode${path.sep}source-map-support${path.sep}source-map-support.js`));
  const support = key ? (require.cache[key]?.exports as { mapSourcePosition?: (p: { source: string; line: number; column: number }) => { source: string; line: number; column: number } } | undefined) : undefined;
  if (typeof support?.mapSourcePosition !== 'function') return undefined;
  try {
    const p = support.mapSourcePosition({ source: file, line, column: column - 1 });
    if (p.line === line && p.column === column - 1 && p.source === file) return undefined; // nothing mapped it
    const source = p.source.startsWith('file://') ? fileURLToPath(p.source) : path.resolve(path.dirname(file), p.source);
    return { file: source, line: p.line, column: p.column + 1 };
  } catch {
    return undefined;
  }
}

/**
 * The first frame of `e` (an error, or a {@link capture}) that `mine` accepts, as a source
 * location; `mine` sees absolute file names.
 */
export function siteOf(e: unknown, mine: (file: string) => boolean): SourceLocation | undefined {
  for (const s of framesOf(e) ?? []) {
    const loc = sourceOf(s);
    if (loc && mine(loc.file)) return loc;
  }
  return undefined;
}
