/**
 * What a target renders into: the context every target shares while one layout is rendered
 * (cross-stack values, the elements written and where each comes from). Targets import this,
 * never the registry that picks them (targets.ts), so the registry -> target edge is one-way.
 */
import { TerraformOutput } from 'cdktf';
import type { Layout, LayoutKind, StackLayout } from './layout';
import type { XosStack } from './stack';

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

