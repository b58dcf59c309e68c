/**
 * A layout rendered in memory (no files): each stack's Terraform JSON as `cdk.tf.json` would
 * hold it, and the declared resources of the real targets derived from exactly that JSON,
 * so that status and review map addresses the way synthesis writes them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import type { DeclaredResource } from './declared';
import type { Layout, StackLayout } from './layout';
import { renderLayout, type ElementOrigin, type RenderedStack, type TargetMode } from './targets';

export interface RenderedLayout {
  readonly stacks: readonly RenderedStack[];
  /** Each stack's Terraform JSON, by stack name. */
  readonly json: ReadonlyMap<string, Record<string, any>>;
  /** Each stack's element address -> the model object it comes from. */
  readonly origins: ReadonlyMap<string, ReadonlyMap<string, ElementOrigin>>;
}

/** Render a whole layout in memory and return each stack's Terraform JSON. */
export function renderInMemory(layout: Layout, mode: TargetMode = 'auto'): RenderedLayout {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-render-'));
  try {
    const app = new App({ outdir: dir, stackTraces: false, skipValidation: true });
    const { stacks, ctx, constructs } = renderLayout(app, layout, mode);
    // A first resolve pass registers cross-stack references in both stacks (as synth does).
    for (const s of constructs.values()) s.prepareStack();
    const json = new Map<string, Record<string, any>>();
    for (const [name, s] of constructs) json.set(name, s.toTerraform());
    return { stacks, json, origins: ctx.origins };
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
  const tf = rendered.json.get(stack);
  const origins = rendered.origins.get(stack) ?? new Map<string, ElementOrigin>();
  if (!tf) return [];
  const out: DeclaredResource[] = [];
  for (const [mode, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const [type, byName] of Object.entries((tf[mode] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [name, body] of Object.entries(byName)) {
        const address = `${prefix}${type}.${name}`;
        const origin = origins.get(address);
        if (!origin) continue; // cdktf's own elements (cross-stack remote state)
        const attrs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (!META.has(k) && v !== undefined) attrs[k] = v;
        const sensitive = Object.keys(attrs).filter((k) => holdsSecret(attrs[k]));
        out.push({ address, type, name, model: origin.model, kind: origin.kind, attrs, sensitive });
      }
    }
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
