/**
 * Choosing and running targets: each stack (one per Controller) is rendered by the target
 * its Controller's back-end calls for (`openstack` -> openstack, `ec2` and `s3` -> aws, the
 * rest -> local), or every stack by `local` when asked. A target is picked per stack, never
 * per resource. The real targets are loaded only when a stack needs them.
 */
import type { App } from 'cdktf';
import type { Layout, StackLayout } from './layout';
import { BACKENDS_CONTEXT, sharedPgDatabases, type BackendSettings } from './backend';
import { renderLocal } from './local';
import { RenderContext, type Renderer } from './render-context';
import { XosStack, type WriteCheck } from './stack';

export { RenderContext, type ElementOrigin, type Renderer, type TenancyExport, type WrittenElement } from './render-context';

export { TARGET_MODES, TARGET_OF_BACKEND, targetOf, type TargetMode, type TargetName } from './target-choice';
import { targetOf, type TargetMode, type TargetName } from './target-choice';

/**
 * The targets, each loaded on first use (the aws bindings alone are hundreds of megabytes of
 * modules). The registry points at the targets and never the other way: a target knows only
 * what it renders into (render-context.ts), so no import circle runs through here.
 */
const RENDERERS: Readonly<Record<TargetName, () => Renderer>> = {
  local: () => (stack, layout) => renderLocal(stack, layout),
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  openstack: () => (require('./openstack/index') as typeof import('./openstack/index')).renderOpenstack,
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  aws: () => (require('./aws/index') as typeof import('./aws/index')).renderAws,
};

function rendererFor(target: TargetName): Renderer {
  return RENDERERS[target]();
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
