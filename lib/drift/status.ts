/**
 * `xos status` as a library: the declared side (a layout, from a program or from
 * `xos-model.json`), the operational side (each stack's state: from its backend, a file, or
 * a refresh), and the report that diffs them from each back-end's point of view.
 */
import { MAX_JSON_FILE } from '../limits';
import { thousandsOf } from '../util/numbers';
import { quoteValue } from '../util/json-error';
import * as fs from 'fs';
import * as path from 'path';
import { usageError, externalError, isXosError } from '../errors';
import { ModelIndex } from '../model/index';
import { modelShapeProblem } from '../model/shape';
import { COLLECTIONS, MODEL_FORMAT_VERSION, type XosModel } from '../model/types';
import { declaredResources, type DeclaredResource, type TargetName } from '../synth/declared';
import { buildLayout, type Layout, type StackLayout } from '../synth/layout';
import { decodeText, parseJsonText } from '../state/decode';
import { localStatePath, pullState, stackBackendOf, type TerraformOptions } from '../state/pull';
import { readStateFile, readStateText } from '../state/read';
import type { StateSnapshot } from '../state/types';
import { diffStack, type RefreshDrift, type StackReport } from './diff';
import { refreshStack } from './refresh';
import { buildReport, type StatusReport } from './report';
import { targetSchema } from './target-schema';
import { targetOf } from '../synth/target-choice';

/** The declared side of a status report. */
export interface DeclaredSide {
  readonly name: string;
  readonly layout: Layout;
  /** Model kind by key (`Sliver`, `Network` ...). */
  readonly kindOf: (key: string) => string | undefined;
}

/** The declared side from a model (a program's, or one read from xos-model.json). */
export function declaredSideOf(model: XosModel, index = new ModelIndex(model), layout = buildLayout(model, index)): DeclaredSide {
  return { name: model.name, layout, kindOf: (key) => index.byKey.get(key)?.kind };
}

/** Read `xos-model.json` (the canonical model synth writes) as the declared side. */
export function readModelFile(file: string): DeclaredSide {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_JSON_FILE) throw usageError(`the model ${file} is ${thousandsOf(size)} bytes, more than the ${thousandsOf(MAX_JSON_FILE)} xos reads.`);
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw usageError(`cannot read the model ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Give a program, or the xos-model.json that xos synth wrote.`);
  }
  const doc = parseJsonText(decodeText(bytes), file, 'an xos model (xos-model.json)') as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw usageError(`${file} is not an xos model: expected a JSON object.`);
  if (doc.formatVersion === undefined) {
    const tf = 'format_version' in doc || ('version' in doc && ('terraform_version' in doc || 'resources' in doc));
    throw usageError(`${file} is not an xos model: it has no "formatVersion" (its keys: ${Object.keys(doc).slice(0, 6).join(', ') || 'none'}). ${tf ? 'It looks like Terraform JSON (a state or a plan): give a state with --state.' : 'Give a program, or the xos-model.json that xos synth wrote.'}`);
  }
  if (doc.formatVersion !== MODEL_FORMAT_VERSION)
    throw usageError(`${file} has model formatVersion ${quoteValue(doc.formatVersion)}; this xos reads ${MODEL_FORMAT_VERSION}. Synthesize it again with this xos.`);
  for (const c of COLLECTIONS) {
    if (!Array.isArray(doc[c])) throw usageError(`${file} is not a whole xos model: '${c}' is missing or not a list. Synthesize it again with xos synth.`);
  }
  const problem = modelShapeProblem(doc);
  if (problem) throw usageError(`${file} is not a whole xos model: ${problem}. Synthesize it again with xos synth.`);
  return declaredSideOf(doc as unknown as XosModel);
}

/** The target a synthesized stack was written for, from its resource types. */
export function detectStackTarget(stackDir: string): TargetName | undefined {
  let doc: { resource?: Record<string, unknown>; data?: Record<string, unknown> };
  try {
    doc = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const types = [...Object.keys(doc.resource ?? {}), ...Object.keys(doc.data ?? {})];
  if (types.some((t) => t.startsWith('openstack_'))) return 'openstack';
  if (types.some((t) => t.startsWith('aws_'))) return 'aws';
  return types.length ? 'local' : undefined;
}

/** The declared resources of a target, loading the target's module when it registers late. */
export function declaredFor(layout: Layout, target: TargetName): Map<string, DeclaredResource[]> {
  try {
    return declaredResources(layout, target);
  } catch {
    try {
      // A target of its own module may register its mapping when loaded (registerDeclared).
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      require(`../synth/${target}`);
      return declaredResources(layout, target);
    } catch (e) {
      if (isXosError(e)) throw e; // a target that cannot load says why (the aws package missing)
      throw usageError(`target '${target}' cannot report status: it declares no mapping from layout to Terraform addresses (registerDeclared in lib/synth/declared.ts). Use --target local, or a target that has one.`);
    }
  }
}

/** A state given on the command line: `FILE` or `STACK=FILE`. */
export interface GivenState {
  readonly stack?: string;
  readonly file: string;
}

export function parseGivenState(arg: string, stacks: readonly string[]): GivenState {
  const eq = arg.indexOf('=');
  if (eq > 0 && stacks.includes(arg.slice(0, eq))) return { stack: arg.slice(0, eq), file: arg.slice(eq + 1) };
  if (eq > 0 && !fs.existsSync(arg) && /^[A-Za-z0-9_-]+$/.test(arg.slice(0, eq)))
    throw usageError(`--state ${arg}: the program has no stack '${arg.slice(0, eq)}' (its stacks: ${stacks.join(', ') || 'none'}).`);
  return { file: arg };
}

export interface StatusOptions {
  readonly declared: DeclaredSide;
  /**
   * The target of every stack (`auto`: each by its Controller's back-end, as `xos synth`
   * picks it). @default each stack's is read from its synthesized output
   */
  readonly target?: TargetName | 'auto';
  /** The target of a stack whose synthesized output does not say. @default 'auto' */
  readonly defaultTarget?: TargetName | 'auto';
  /** The synthesized output directory (holding stacks/<stack>/cdk.tf.json). */
  readonly outdir: string;
  /** Read these files instead of the backends; only their stacks are reported. */
  readonly states?: readonly GivenState[];
  /** Read every stack through `terraform state pull`, local backends too. */
  readonly pull?: boolean;
  /** Run `terraform plan -refresh-only` in each stack and fold in what it finds. */
  readonly refresh?: boolean;
  readonly terraform?: TerraformOptions;
  /** Stacks read at once. @default 4 */
  readonly parallelism?: number;
}

/** Run `fn` over `items`, at most `limit` at a time, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Assign each file given with --state to a stack (by name, or by the addresses it holds) and
 * hand it to `use` as soon as it is read and placed, so that no more than one state need be
 * held at a time. Throws, before or after some `use`, for a file that cannot be read or placed.
 */
function assignStates(given: readonly GivenState[], declared: Map<string, DeclaredResource[]>, use: (stack: string, state: StateSnapshot) => void): void {
  const out = new Map<string, string>(); // stack -> the file given for it
  // Address -> the stacks declaring it (most addresses: one), made only when some file names
  // no stack: each file is then placed in one pass over its instances.
  let owners: Map<string, string | string[]> | undefined;
  for (const g of given) {
    const snap = readStateFile(g.file);
    let stack = g.stack;
    if (!stack) {
      if (declared.size === 1) stack = [...declared.keys()][0];
      else {
        let best: string | undefined;
        let bestCount = 0;
        let tie = false;
        owners ??= ownersOf(declared);
        const votes = new Map<string, number>();
        for (const i of snap.instances) {
          const o = owners.get(i.address);
          if (typeof o === 'string') votes.set(o, (votes.get(o) ?? 0) + 1);
          else if (o) for (const st of o) votes.set(st, (votes.get(st) ?? 0) + 1);
        }
        for (const s of declared.keys()) {
          const n = votes.get(s) ?? 0;
          if (n > bestCount) {
            best = s;
            bestCount = n;
            tie = false;
          } else if (n === bestCount && n > 0) tie = true;
        }
        if (!best)
          throw usageError(`${g.file} holds none of the resources this program declares in any stack (${[...declared.keys()].join(', ')}): it is the state of another program. Check the file, or name its stack: --state STACK=${g.file}.`);
        if (tie) throw usageError(`${g.file} matches several stacks equally; name its stack: --state STACK=${g.file}.`);
        stack = best;
      }
    }
    if (!declared.has(stack)) throw usageError(`--state ${g.file}: the program has no stack '${stack}' (its stacks: ${[...declared.keys()].join(', ')}).`);
    if (out.has(stack)) throw usageError(`two states were given for stack ${stack} (${out.get(stack)!} and ${g.file}); give one per stack.`);
    out.set(stack, snap.source);
    use(stack, snap);
  }
}

/** Address -> the stack declaring it, or the stacks (in order) when several do. */
function ownersOf(declared: Map<string, DeclaredResource[]>): Map<string, string | string[]> {
  const owners = new Map<string, string | string[]>();
  for (const [stack, ds] of declared) {
    for (const d of ds) {
      const o = owners.get(d.address);
      if (o === undefined) owners.set(d.address, stack);
      else if (typeof o === 'string') {
        if (o !== stack) owners.set(d.address, [o, stack]);
      } else if (!o.includes(stack)) o.push(stack);
    }
  }
  return owners;
}

/** Read one stack's state from where its synthesized configuration says it lives. */
async function stateOfStack(stack: string, stackDir: string, options: StatusOptions): Promise<{ backend: string; state?: StateSnapshot; refresh?: Map<string, RefreshDrift>; notes: string[] }> {
  const notes: string[] = [];
  if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) {
    notes.push(`not synthesized in ${options.outdir} (no stacks/${stack}): nothing of it can have been deployed from there; run xos synth`);
    return { backend: '(none)', notes };
  }
  const backend = stackBackendOf(stackDir);
  const fromText = (text: string): StateSnapshot | undefined => {
    if (text.trim() === '') return undefined;
    try {
      return readStateText(text, `the state of stack ${stack} in backend ${backend.label}`);
    } catch (e) {
      if (isXosError(e)) throw externalError(e.message, e.detail);
      throw e;
    }
  };
  let state: StateSnapshot | undefined;
  let refresh: Map<string, RefreshDrift> | undefined;
  if (options.refresh) {
    const r = await refreshStack(stack, stackDir, options.terraform);
    refresh = r.drift;
    state = r.state ?? fromText((await pullState(stack, stackDir, options.terraform)).text);
  } else if (options.pull || backend.type !== 'local') {
    state = fromText((await pullState(stack, stackDir, options.terraform)).text);
  } else {
    const file = localStatePath(stackDir, backend);
    if (fs.existsSync(file)) state = readStateFile(file);
  }
  if (state && state.instances.length === 0) notes.push('the state holds no resources');
  return { backend: backend.label, ...(state ? { state } : {}), ...(refresh ? { refresh } : {}), notes };
}

/** Each stack's target and declared resources. */
function declaredByStack(options: StatusOptions): Map<string, { target: TargetName; declared: DeclaredResource[] }> {
  const layout = options.declared.layout;
  const targets = new Map<string, TargetName>();
  // `auto` asks the synthesizer's own choice of target.
  const pick = (t: TargetName | 'auto', s: StackLayout): TargetName => (t === 'auto' ? targetOf(s) : t);
  for (const s of layout.stacks) {
    const t = options.target ? pick(options.target, s) : detectStackTarget(path.join(options.outdir, 'stacks', s.name)) ?? pick(options.defaultTarget ?? 'auto', s);
    targets.set(s.name, t);
  }
  const out = new Map<string, { target: TargetName; declared: DeclaredResource[] }>();
  for (const t of new Set(targets.values())) {
    const all = declaredFor(layout, t);
    for (const [stack, ds] of all) if (targets.get(stack) === t) out.set(stack, { target: t, declared: ds });
  }
  return out;
}

function targetsText(stacks: Map<string, { target: TargetName }>, fallback: TargetName): string {
  const set = new Set([...stacks.values()].map((s) => s.target));
  if (set.size <= 1) return [...set][0] ?? fallback;
  return [...stacks].map(([s, { target }]) => `${s}: ${target}`).join(', ');
}

/** Compute the status report. */
export async function computeStatus(options: StatusOptions): Promise<StatusReport> {
  const byStack = declaredByStack(options);
  const declared = new Map([...byStack].map(([s, v]) => [s, v.declared]));
  const fallback: TargetName = options.target && options.target !== 'auto' ? options.target : options.defaultTarget && options.defaultTarget !== 'auto' ? options.defaultTarget : 'local';
  const schemaOf = (stack: string) => targetSchema(byStack.get(stack)?.target ?? fallback);
  const kindOf = (key: string) => options.declared.kindOf(key);
  const meta = { program: options.declared.name, target: targetsText(byStack, fallback), refreshed: !!options.refresh };

  if (options.states?.length) {
    // Each state is diffed as soon as it is read, and then let go: a large cloud's states are
    // never all in memory at once. The outcome is as if every file were read first and the
    // stacks then diffed in order: a file that cannot be read or placed fails the run, and
    // else the first stack (in order) whose diff fails does.
    const order = new Map([...declared.keys()].map((s, i) => [s, i] as const));
    const reports = new Map<string, StackReport>();
    let failed: { at: number; error: unknown } | undefined;
    assignStates(options.states, declared, (stack, state) => {
      try {
        reports.set(stack, diffStack({ stack, backend: `file ${state.source}`, declared: declared.get(stack)!, state, schema: schemaOf(stack), kindOf, target: byStack.get(stack)?.target }));
      } catch (e) {
        const at = order.get(stack)!;
        if (!failed || at < failed.at) failed = { at, error: e };
      }
    });
    if (failed) throw failed.error;
    const stacks = [...declared.keys()].filter((s) => reports.has(s)).map((s) => reports.get(s)!);
    return buildReport({ ...meta, stateSource: '--state' }, stacks);
  }

  const stacksDir = path.join(options.outdir, 'stacks');
  if (!fs.existsSync(stacksDir))
    throw usageError(`no synthesized output in ${options.outdir} (no stacks/ folder): status reads each stack's backend from there. Run 'xos synth <program> --out ${options.outdir}' first, point --out at it, or give the state with --state FILE.`);
  const names = new Set(declared.keys());
  // Stacks synthesized earlier whose Controller the model no longer declares: all orphaned.
  for (const d of fs.readdirSync(stacksDir)) if (fs.existsSync(path.join(stacksDir, d, 'cdk.tf.json'))) names.add(d);
  const sorted = [...names].sort();
  const stacks = await mapLimited(sorted, options.parallelism ?? 4, async (stack) => {
    const read = await stateOfStack(stack, path.join(stacksDir, stack), options);
    const notes = declared.has(stack) ? read.notes : [...read.notes, 'the model no longer declares this stack (its Controller was removed)'];
    const schema = byStack.has(stack) ? schemaOf(stack) : targetSchema(detectStackTarget(path.join(stacksDir, stack)) ?? fallback);
    return diffStack({ stack, backend: read.backend, declared: declared.get(stack) ?? [], ...(read.state ? { state: read.state } : {}), schema, kindOf, ...(read.refresh ? { refresh: read.refresh } : {}), notes, target: byStack.get(stack)?.target });
  });
  return buildReport({ ...meta, stateSource: options.pull || options.refresh ? 'terraform state pull' : "each stack's backend" }, stacks);
}
