import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { dictionaryChildren } from '../lib/model/dict';
import { usageError, type XosError } from '../lib/errors';
import type { ModelContext } from '../lib/model/context';
import type { Acknowledgement, Kind, SourceLocation } from '../lib/model/types';
import { callerNow, capture as captureStack, framesOf, sourceAt, sourceOf, type Capture } from '../lib/util/call-sites';
import { RELATIONS } from './relation';
import { inProgram } from '../lib/util/program-file';

const XOS_CONSTRUCT = Symbol.for('xos.XosConstruct');


/**
 * The base of every XOS construct: a model object with a kind, a name, the place in the
 * user's program where it was declared, and the rules acknowledged on it.
 */
export abstract class XosConstruct extends Construct {
  /** True when `x` is an XOS construct (works across copies of the library). */
  public static isXosConstruct(x: unknown): x is XosConstruct {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[XOS_CONSTRUCT] === true;
  }

  /** The kind of model object this construct declares. */
  public abstract readonly kind: Kind;

  /**
   * @internal Render this object's part of the model into `ctx` (as cdk8s-plus constructs
   * render themselves with `_toKube()`): called once per object by `buildModel`, after the
   * whole program ran, so relations made after construction count.
   */
  public abstract toModel(ctx: ModelContext): void;

  /** The object's name; defaults to the construct id. */
  public readonly name: string;

  private readonly declaredAt?: Capture;
  private readonly acks: Acknowledgement[] = [];

  protected constructor(scope: IConstruct, id: string, name?: string) {
    super(uniqueIn(scope, id), id);
    dictionaryChildren(this.node);
    Object.defineProperty(this, XOS_CONSTRUCT, { value: true });
    this.name = name ?? id;
    // Reading the frames is what costs; they are read only when a violation asks. From the
    // caller of the outermost constructor (new.target's): its few first frames hold the program's.
    if (captureSources()) this.declaredAt = captureStack(6, new.target);
  }

  /**
   * Acknowledge a warning on this object and everything below it in the construct tree, or
   * only one finding of it: its violations are reported as acknowledged, with the reason,
   * and never fail a run. The acknowledgement is written to xos-model.json, and `xos review`
   * shows the ones a change adds or alters. Errors, and who may make a change, never are.
   * @param rule the rule id, for example `NET-005`
   * @param reason why the rule does not apply here; shown in every report
   * @param options.finding the one finding to acknowledge, by the id reports print
   *   (`NET-005@co1/vbng/wan`: the rule, `@`, the object's path, and `#key` when the rule
   *   gives one); it must be on this object or below it
   * @default every finding of `rule` on this object and below it
   */
  public acknowledge(rule: string, reason: string, options: { readonly finding?: string } = {}): this {
    if (typeof reason !== 'string' || !reason.trim()) {
      throw new Error(`${this.node.path}: acknowledging ${rule} needs a reason. Say why the rule does not apply here.`);
    }
    const finding = options?.finding;
    if (finding !== undefined && (typeof finding !== 'string' || !finding.startsWith(`${rule}@`)))
      throw new Error(`${this.node.path}: acknowledging one finding of ${rule} needs its id as reports print it, '${rule}@<path>' (got ${JSON.stringify(finding)}).`);
    this.acks.push({ rule, reason, ...(finding !== undefined ? { finding } : {}) });
    return this;
  }

  /**
   * Take this object out of the cloud again, with every relation it made: its constructor
   * refused a prop (a usage error), and nothing half-made may stay for a caller that catches
   * the error (a test, \`Testing\`) to synthesize.
   */
  protected unmake(): void {
    for (const r of RELATIONS) r.forget(this);
    this.node.scope?.node.tryRemoveChild(this.node.id);
  }

  /** @internal the acknowledgements made on this construct */
  public get acknowledgements(): readonly Acknowledgement[] {
    return this.acks.map((a) => ({ ...a }));
  }

  /** The model key of this object: its construct path below the cloud. */
  public get key(): string {
    return this.node.path;
  }

  /** @internal where the program declared this object, when it can be told */
  public get source(): SourceLocation | undefined {
    return declarationSite(this.declaredAt);
  }
}

/**
 * `value` as a construct of one of `kinds`, or a usage error that names the object called,
 * the call, the value it got, the call's place in the program (file:line) and the fix.
 * Relations between objects are made only through methods that check this, so a wrong kind
 * (undefined, a Flavor where an Image belongs) never reaches the model.
 * @param owner the object whose method was called (or how to name it: `the Cloud`)
 * @param call how the program made the call, `support()` or `new Deployment({ images })`
 * @param fix what to pass instead
 */
export function ofKind<K extends Kind, T extends XosConstruct & { readonly kind: K }>(owner: XosConstruct | string, call: string, value: unknown, kinds: readonly K[], fix: string): T {
  if (XosConstruct.isXosConstruct(value) && (kinds as readonly Kind[]).includes(value.kind)) return value as T;
  throw wrongKind(owner, call, value, kinds, fix);
}

/**
 * `value` when the program left it out (undefined), or as a construct of one of `kinds`: a
 * single-object prop (`new Slice({ image })`) is checked like a method's argument, so a Flavor
 * passed as an Image is a usage error at the call, not a rule's "not declared" later.
 * A prop left out stays for the rules that require it (they name the object and the fix).
 */
export function optionalOfKind<K extends Kind, T extends XosConstruct & { readonly kind: K }>(owner: XosConstruct | string, call: string, value: unknown, kinds: readonly K[], fix: string): T | undefined {
  return value === undefined ? undefined : ofKind<K, T>(owner, call, value, kinds, fix);
}

/**
 * The members of a list the program passed (a prop such as `hostSites`), or a usage error when
 * it is not a list; undefined is an empty list (the prop left out).
 */
export function listOf(owner: XosConstruct, call: string, xs: unknown): readonly unknown[] {
  if (xs === undefined) return [];
  if (Array.isArray(xs)) return xs;
  const at = programLine();
  throw usageError(`${at ? `${at}: ` : ''}${describeValue(owner)}: ${call} was given ${describeValue(xs)}, not a list. Pass an array, even of one (\`[x]\`).`);
}

/** The usage error of {@link ofKind}, for callers that check kinds their own way. */
export function wrongKind(owner: XosConstruct | string, call: string, value: unknown, kinds: readonly string[], fix: string): XosError {
  const a = /^[AEIO]/.test(kinds[0] ?? '') ? 'an' : 'a'; // a User, an Image
  const want = kinds.length === 1 ? `${a} ${kinds[0]}` : `${a} ${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`;
  const at = programLine();
  return usageError(`${at ? `${at}: ` : ''}${typeof owner === 'string' ? owner : describeValue(owner)}: ${call} was given ${describeValue(value)}, not ${want}. ${fix}`);
}

/** `file:line` of the program's call being run now (relative to the working directory), when it can be told. */
export function programLine(): string | undefined {
  const p = callerNow(24, programLine, inProgram);
  if (!p) return undefined;
  const s = sourceAt(p.file, p.line, p.column);
  return `${path.relative(process.cwd(), s.file) || s.file}:${s.line}`;
}

/** A short description of a value, for messages: `Flavor 'small'`, `undefined`, `'text'`, `{"a":1}`. */
export function describeValue(x: unknown): string {
  if (XosConstruct.isXosConstruct(x)) return `${x.kind} '${x.node.path}'`;
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `'${x.length > 60 ? x.slice(0, 57) + '...' : x}'`;
  try {
    const s = JSON.stringify(x);
    return s === undefined ? String(x) : s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(x);
  }
}

/** The scope, after checking that `id` is free in it, with a message that says what to do. */
function uniqueIn(scope: IConstruct, id: string): Construct {
  if (typeof id !== 'string' || id === '') {
    throw new Error(`an object in ${scope?.node?.path || 'the cloud'} was given the id ${JSON.stringify(id)}; ids are non-empty strings.`);
  }
  const existing = scope?.node?.tryFindChild(id.replace(/\//g, '--'));
  if (existing) {
    const kind = XosConstruct.isXosConstruct(existing) ? existing.kind : 'object';
    const where = scope.node.path ? `'${scope.node.path}'` : 'the cloud';
    throw new Error(`${where} already has a ${kind} with the id '${id}'. Ids of objects declared in the same scope share one namespace (Sites, Users, Deployments, Services ... in the cloud); give this one another id.`);
  }
  return scope as Construct;
}

/**
 * @internal Where the program made a call that relates two objects (a Slice joining a
 * Network): captured and read like a declaration site (a call inside a helper of the program
 * is located at the helper's call), formatted only when a violation asks.
 */
export function captureCallSite(): { readonly source: SourceLocation | undefined } | undefined {
  if (!captureSources()) return undefined;
  const at = captureStack(14);
  return {
    get source() {
      return declarationSite(at);
    },
  };
}

let capture: boolean | undefined;
function captureSources(): boolean {
  if (capture === undefined) capture = process.env.XOS_NO_SOURCES !== '1';
  return capture;
}

/** Turn source capture on or off (the benchmarks turn it off to measure the compiler alone). */
export function setSourceCapture(on: boolean): void {
  capture = on;
}

/** Where in the loaded program something was declared, read at once (see {@link declaredNow}). */
export interface ProgramPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Where the program is declaring something now, as the position of the first frame of the
 * program below `above` (within `frames` frames), read at once; undefined when source capture
 * is off. For objects that are not constructs and come by the hundred thousand (tenant
 * instances): three numbers each, mapped to the source only when a message asks
 * ({@link positionSource}).
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export function declaredNow(frames: number, above: Function): ProgramPosition | undefined {
  return captureSources() ? callerNow(frames, above, inProgram) : undefined;
}

/** The place in the user's source a {@link declaredNow} position points at. */
export function positionSource(p: ProgramPosition | undefined): SourceLocation | undefined {
  return p ? sourceAt(p.file, p.line, p.column) : undefined;
}


/**
 * Where the program made an object (`site`, a capture taken at its declaration): its first
 * frame in the program; or, when that frame is inside a function of the program (a helper, a
 * class of its own), the call of that function, so that objects a helper makes point at the
 * line that asked for them. Undefined outside a program.
 */
export function declarationSite(site: Capture | undefined): SourceLocation | undefined {
  if (!site) return undefined;
  let inner: SourceLocation | undefined;
  for (const frame of framesOf(site) ?? []) {
    const loc = mappedByHook(frame, sourceOf(frame));
    if (!loc || !inProgram(loc.file)) continue;
    if (inner) return loc; // the call of the function the object was made in
    // A module's own code (V8's `Object.<anonymous>`): no caller to prefer.
    if (isModuleCode(frame)) return loc;
    inner = loc;
  }
  return inner;
}

/**
 * A .ts frame Node has no source map for was compiled by another loader (jest runs a program
 * loaded by xos/testing through its own transformer and vm): its line is the emitted
 * JavaScript's, so it is read from the frame as the installed stack hook (jest's source map
 * support) formats it.
 */
function mappedByHook(frame: NodeJS.CallSite, loc: SourceLocation | undefined): SourceLocation | undefined {
  if (!loc || !loc.file.endsWith('.ts') || !Error.prepareStackTrace) return loc;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { findSourceMap } = require('module') as typeof import('module');
  if (findSourceMap(loc.file)) return loc;
  try {
    const text: unknown = Error.prepareStackTrace(new Error(), [frame]);
    const m = typeof text === 'string' ? /:(\d+):(\d+)\)?\s*$/.exec(text.trimEnd().split('\n').pop() ?? '') : null;
    return m ? { file: loc.file, line: Number(m[1]), column: Number(m[2]) } : loc;
  } catch {
    return loc;
  }
}

/**
 * A frame of a module's top-level code: the anonymous wrapper Node calls with `this` =
 * module.exports, or the one jest names `Object.<anonymous>` (what V8 prints for Node's).
 */
function isModuleCode(frame: NodeJS.CallSite): boolean {
  const name = frame.getFunctionName();
  if (name === 'Object.<anonymous>') return true;
  return !frame.isToplevel() && !frame.isConstructor() && !name && frame.getTypeName() === 'Object';
}
