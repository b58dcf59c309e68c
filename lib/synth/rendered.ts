/**
 * A layout rendered in memory (no files): each stack's Terraform JSON as `cdk.tf.json` would
 * hold it, and the declared resources of the real targets derived from exactly the elements
 * that JSON holds (the same bodies), so that status and review map addresses the way
 * synthesis writes them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import type { DeclaredResource } from './declared';
import type { Layout, StackLayout } from './layout';
import { RenderContext, renderLayout, type ElementOrigin, type RenderedStack, type TargetMode, type WrittenElement } from './targets';

export interface RenderedLayout {
  readonly stacks: readonly RenderedStack[];
  /** Each stack's Terraform JSON, by stack name. */
  readonly json: ReadonlyMap<string, Record<string, any>>;
  /** Each stack's elements that come from the model, as written (their bodies are in `json`). */
  readonly elements: ReadonlyMap<string, readonly WrittenElement[]>;
  /** Each stack's element address -> the model object it comes from. */
  readonly origins: ReadonlyMap<string, ReadonlyMap<string, ElementOrigin>>;
}

/** Render a whole layout in memory: each stack's elements, and its Terraform JSON when asked. */
export function renderInMemory(layout: Layout, mode: TargetMode = 'auto'): RenderedLayout {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-render-'));
  try {
    const app = new App({ outdir: dir, stackTraces: false, skipValidation: true });
    // The targets write cross-stack values as explicit outputs and remote state when they
    // render (RenderContext.crossStack), so no resolve pass is needed to find them.
    const { stacks, ctx, constructs } = renderLayout(app, layout, mode, new RenderContext(layout, true));
    for (const s of constructs.values()) s.renderNow();
    // The JSON and the origins are made when first read: the declared resources need neither.
    let json: Map<string, Record<string, any>> | undefined;
    let origins: Map<string, Map<string, ElementOrigin>> | undefined;
    return {
      stacks,
      elements: ctx.elements,
      get json() {
        json ??= new Map([...constructs].map(([name, s]) => [name, s.toTerraform() as Record<string, any>]));
        return json;
      },
      get origins() {
        origins ??= new Map([...ctx.elements].map(([stack, els]) => [stack, new Map(els.map((e) => [e.address, { model: e.model, kind: e.kind }]))]));
        return origins;
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const META = new Set(['//', 'provider', 'depends_on', 'lifecycle', 'count', 'for_each', 'connection', 'provisioner']);
const SECRET_EXPRESSION = /\$\{[^}]*(\bvar\.|\bsensitive\(|\bdata\.terraform_remote_state\.)/;

/** True when a value holds, in one of its strings, an expression that reads a secret. */
function holdsSecret(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${') && SECRET_EXPRESSION.test(v);
  if (Array.isArray(v)) return v.some(holdsSecret);
  if (v && typeof v === 'object') return Object.values(v).some(holdsSecret);
  return false;
}

/** The declared resources of one rendered stack: every element that comes from the model. */
export function declaredOf(rendered: RenderedLayout, stack: string): DeclaredResource[] {
  const out: DeclaredResource[] = [];
  for (const e of rendered.elements.get(stack) ?? []) {
    const attrs: Record<string, unknown> = {};
    const sensitive: string[] = [];
    for (const k in e.body) {
      const v = e.body[k];
      if (META.has(k) || v === undefined) continue;
      attrs[k] = v;
      if (holdsSecret(v)) sensitive.push(k);
    }
    out.push({ address: e.address, type: e.type, name: e.name, model: e.model, kind: e.kind, attrs, sensitive });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

const cache = new WeakMap<Layout, RenderedLayout>();

/** The declared resources of one stack as the real targets write it (rendered once per layout). */
export function renderedDeclared(stack: StackLayout, layout: Layout): DeclaredResource[] {
  let r = cache.get(layout);
  if (!r) {
    r = renderInMemory(layout, 'auto');
    cache.set(layout, r);
  }
  return declaredOf(r, stack.name);
}
