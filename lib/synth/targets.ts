/**
 * Choosing and running targets: each stack (one per Controller) is rendered by the target
 * its Controller's back-end calls for (`openstack` -> openstack, `ec2` and `s3` -> aws, the
 * rest -> local), or every stack by `local` when asked. A target is picked per stack, never
 * per resource. The real targets are loaded only when a stack needs them.
 */
import { TerraformOutput, type App } from 'cdktf';
import { usageError } from '../errors';
import type { Layout, LayoutKind, StackLayout } from './layout';
import { BACKENDS_CONTEXT, sharedPgDatabases, type BackendSettings } from './backend';
import { renderLocal } from './local';
import { XosStack, type WriteCheck } from './stack';

export { TARGET_MODES, TARGET_OF_BACKEND, targetOf, type TargetMode, type TargetName } from './target-choice';
import { targetOf, type TargetMode, type TargetName } from './target-choice';

/** Values one stack hands to others: per tenancy, what an external provider created for the tenant. */
export interface TenancyExport {
  /** The provider Service's name. */
  readonly provider: string;
  /** The stack that made the values (their expressions refer to its elements). */
  readonly stack: string;
  /** Plain (non-secret) values, each a literal string or a Terraform expression (`${...}`) of `stack`. */
  readonly values: Readonly<Record<string, string>>;
  /** Secret values (Terraform expressions of `stack`); they reach instances only as sensitive values. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Where each synthesized element comes from, to map addresses back to the model. */
export interface ElementOrigin {
  readonly model: string;
  readonly kind: LayoutKind;
}

/** One element a target wrote into a stack, and the model object it comes from. */
export interface WrittenElement extends ElementOrigin {
  /** `type.name`, or `data.type.name`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Its Terraform JSON as written (shared with the stack's JSON: never changed). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** What the targets share while one layout is rendered. */
export class RenderContext {
  /** Per tenancy key: what its external provider's stack made for the tenant. */
  public readonly exports = new Map<string, TenancyExport>();
  /** Per stack: the elements written, in order (kept only when asked, else counted). */
  public readonly elements = new Map<string, WrittenElement[]>();
  /** Per stack: how many elements were written. */
  public readonly counts = new Map<string, number>();

  /** The stacks being rendered, by name (set by `renderLayout`). */
  public readonly stacks = new Map<string, XosStack>();
  /** Per producing stack: expression -> the id of the output that carries it. */
  private readonly outputs = new Map<string, Map<string, string>>();
  /** Per consuming stack, per producing stack: the id of the remote state data source. */
  private readonly remoteStates = new Map<string, Map<string, string>>();

  /** @param keepElements keep what each element is (status and review map addresses with it); synthesis only counts */
  constructor(
    public readonly layout: Layout,
    private readonly keepElements = false,
  ) {}

  /**
   * The expression, in stack `to`, for the value of `expression` (`${...}`) in stack `from`:
   * `from` gets a sensitive output carrying it, `to` reads that through a remote state data
   * source on `from`'s backend, and depends on `from` (so `cdktf deploy` orders them). Names
   * are those cdktf's own cross-stack references give, so switching changes nothing on disk.
   */
  public crossStack(from: string, to: string, expression: string): string {
    if (from === to) return expression;
    const producer = this.stacks.get(from);
    const consumer = this.stacks.get(to);
    if (!producer || !consumer) throw new Error(`internal: cross-stack reference from ${from} to ${to}, which are not both rendered`);
    const identifier = expression.slice(2, -1);
    let outs = this.outputs.get(from);
    if (!outs) this.outputs.set(from, (outs = new Map()));
    let output = outs.get(expression);
    if (output === undefined) {
      output = new TerraformOutput(producer, `cross-stack-output-${identifier}`, { value: expression, sensitive: true }).friendlyUniqueId;
      outs.set(expression, output);
    }
    let states = this.remoteStates.get(to);
    if (!states) this.remoteStates.set(to, (states = new Map()));
    let state = states.get(from);
    if (state === undefined) {
      consumer.addDependency(producer);
      state = producer.ensureBackendExists().getRemoteStateDataSource(consumer, `cross-stack-reference-input-${from}`, from).friendlyUniqueId;
      states.set(from, state);
    }
    return `\${data.terraform_remote_state.${state}.outputs.${output}}`;
  }

  /** Write an element into a stack as its final JSON, and remember the model object it comes from. */
  public write(stack: XosStack, data: boolean, type: string, name: string, body: Record<string, unknown>, origin: ElementOrigin): void {
    if (data) stack.addRawData(type, name, body);
    else stack.addRawResource(type, name, body);
    const id = stack.node.id;
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    if (!this.keepElements) return;
    let list = this.elements.get(id);
    if (!list) this.elements.set(id, (list = []));
    list.push({ address: `${data ? 'data.' : ''}${type}.${name}`, type, name, body, model: origin.model, kind: origin.kind });
  }
}

/** A renderer turns one stack's layout into cdktf constructs in `stack`. */
export type Renderer = (stack: XosStack, layout: StackLayout, ctx: RenderContext) => void;

function rendererFor(target: TargetName): Renderer {
  switch (target) {
    case 'local':
      return (stack, layout) => renderLocal(stack, layout);
    case 'openstack':
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return (require('./openstack/index') as typeof import('./openstack/index')).renderOpenstack;
    case 'aws':
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return (require('./aws/index') as typeof import('./aws/index')).renderAws;
  }
}

export interface RenderedStack {
  readonly name: string;
  readonly backend: string;
  readonly target: TargetName;
  /** Terraform resources and data sources in the stack (once it is rendered). */
  readonly resources: number;
}

/**
 * Render every stack of a layout into `app`. Stacks of external providers (S3) render first,
 * so that their per-tenant values are known when the tenants' stacks render; the tenants'
 * stacks read those through outputs and remote state (`RenderContext.crossStack`).
 *
 * The other stacks render late, each when it is written (or its JSON first read), and are
 * released once written: a large cloud never holds more than one rendered stack besides
 * the providers', which keeps the heap, and the garbage collector's work, small. So the
 * providers' stacks are added to the app last, to be written after every tenant that reads
 * them has added its outputs. `RenderedStack.resources` is known once a stack is rendered.
 */
export function renderLayout(app: App, layout: Layout, mode: TargetMode, ctx: RenderContext = new RenderContext(layout)): { stacks: RenderedStack[]; ctx: RenderContext; constructs: Map<string, XosStack> } {
  const targets = new Map(layout.stacks.map((s) => [s.name, targetOf(s, mode)] as const));
  const aws = layout.stacks.filter((s) => targets.get(s.name) === 'aws').map((s) => s.name);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  if (aws.length) (require('./aws/package') as typeof import('./aws/package')).requireAwsPackage(aws);
  const provides = (s: StackLayout) => targets.get(s.name) === 'aws' && s.backend === 's3';
  const constructs = new Map<string, XosStack>();
  for (const s of [...layout.stacks.filter((x) => !provides(x)), ...layout.stacks.filter(provides)]) {
    const stack = new XosStack(app, s.name);
    constructs.set(s.name, stack);
    ctx.stacks.set(s.name, stack);
    if (targets.get(s.name) === 'openstack') stack.addWriteCheck(openstackWriteCheck(s.name));
  }
  // Stacks of one PostgreSQL database deploy one after another (see sharedPgDatabases): the
  // external providers' stacks first, which the others may read through remote state.
  const deployOrder = [...layout.stacks.filter(provides), ...layout.stacks.filter((x) => !provides(x))].map((s) => s.name);
  for (const group of sharedPgDatabases(app.node.tryGetContext(BACKENDS_CONTEXT) as BackendSettings | undefined, deployOrder))
    for (let i = 1; i < group.length; i++) constructs.get(group[i])!.addDependency(constructs.get(group[i - 1])!);
  for (const s of layout.stacks) {
    const stack = constructs.get(s.name)!;
    const render = rendererFor(targets.get(s.name)!);
    if (provides(s)) render(stack, s, ctx);
    else stack.renderLate(() => render(stack, s, ctx));
  }
  const stacks = layout.stacks.map((s): RenderedStack => {
    const target = targets.get(s.name)!;
    return {
      name: s.name,
      backend: s.backend,
      target,
      get resources() {
        return target === 'local' ? s.resources.length : ctx.counts.get(s.name) ?? 0;
      },
    };
  });
  return { stacks, ctx, constructs };
}

/**
 * The check every OpenStack stack's JSON passes right before it is written: against the
 * vendored provider schema. A problem here is a bug in the openstack target, never the
 * user's: it fails the synthesis (nothing is written) with every problem of the stack listed.
 */
function openstackWriteCheck(stack: string): WriteCheck {
  return (tf) => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { checkOpenstackStack, formatProblems } = require('./openstack/check') as typeof import('./openstack/check');
    const problems = checkOpenstackStack(tf);
    if (problems.length) throw new Error(`the openstack target wrote resources that the provider schema rejects:\n${formatProblems(stack, problems)}`);
  };
}
