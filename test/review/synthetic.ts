/**
 * Plans made from two models the way terraform would plan them for the local target:
 * every declared resource of the head that the base lacks is created, every one the base
 * has and the head lacks is deleted, every one that differs is updated. Secrets get a
 * recognizable fake value so tests can check that it never shows.
 */
import { buildLayout } from '../../lib/synth/layout';
import { declaredResources } from '../../lib/synth/declared';
import { ModelIndex } from '../../lib/model/index';
import type { XosModel } from '../../lib/index';
import { jsonEqual } from '../../lib/plan/index';

/** The fake value every secret variable gets in synthetic plans. */
export const secretValue = (name: string) => `SECRET-${name}-VALUE`;

function resolve(v: unknown, sensitive: Set<string>, path: string): { value: unknown; marks: unknown } {
  if (typeof v === 'string') {
    const m = /^\$\{var\.([A-Za-z0-9_]+)\}$/.exec(v);
    if (m) {
      sensitive.add(path);
      return { value: secretValue(m[1]), marks: true };
    }
    const r = /^\$\{terraform_data\.([^.]+)\.id\}$/.exec(v);
    if (r) return { value: `id-${r[1]}`, marks: false };
    return { value: v, marks: false };
  }
  if (Array.isArray(v)) {
    const parts = v.map((x, i) => resolve(x, sensitive, `${path}[${i}]`));
    return { value: parts.map((p) => p.value), marks: parts.map((p) => p.marks) };
  }
  if (v && typeof v === 'object') {
    const value: Record<string, unknown> = {};
    const marks: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = resolve(x, sensitive, `${path}.${k}`);
      value[k] = p.value;
      marks[k] = p.marks;
    }
    return { value, marks };
  }
  return { value: v, marks: false };
}

function declaredByStack(m: XosModel | undefined): Map<string, Map<string, Record<string, unknown>>> {
  const out = new Map<string, Map<string, Record<string, unknown>>>();
  if (!m) return out;
  const layout = buildLayout(m, new ModelIndex(m));
  for (const [stack, rs] of declaredResources(layout, 'local')) out.set(stack, new Map(rs.map((r) => [r.address, r.attrs as Record<string, unknown>])));
  return out;
}

export interface SyntheticOptions {
  /** Leave Terraform's sensitivity marks out (to show the review masks the model's secrets itself). */
  readonly unmarked?: boolean;
}

/** One plan JSON document per stack of either model, as `terraform show -json` writes it. */
export function syntheticPlans(base: XosModel | undefined, head: XosModel, options: SyntheticOptions = {}): Map<string, Record<string, unknown>> {
  const b = declaredByStack(base);
  const h = declaredByStack(head);
  const plans = new Map<string, Record<string, unknown>>();
  for (const stack of new Set([...b.keys(), ...h.keys()])) {
    const before = b.get(stack) ?? new Map();
    const after = h.get(stack) ?? new Map();
    const changes: Record<string, unknown>[] = [];
    for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const ba = before.get(address);
      const aa = after.get(address);
      const rb = ba ? resolve(ba, new Set(), '') : undefined;
      const ra = aa ? resolve(aa, new Set(), '') : undefined;
      const actions = !ba ? ['create'] : !aa ? ['delete'] : jsonEqual(rb!.value, ra!.value) ? ['no-op'] : ['update'];
      const name = address.slice(address.indexOf('.') + 1);
      changes.push({
        address,
        mode: 'managed',
        type: 'terraform_data',
        name,
        provider_name: 'terraform.io/builtin/terraform',
        change: {
          actions,
          before: rb ? { triggers_replace: null, ...(rb.value as object), id: `id-${name}`, output: (rb.value as { input?: unknown }).input ?? null } : null,
          after: ra ? { triggers_replace: null, ...(ra.value as object), ...(actions[0] === 'create' ? {} : { id: `id-${name}` }) } : null,
          after_unknown: actions[0] === 'create' ? { id: true, output: true } : actions[0] === 'update' ? { output: true } : {},
          before_sensitive: options.unmarked || !rb ? false : rb.marks,
          after_sensitive: options.unmarked || !ra ? false : ra.marks,
        },
        ...(actions[0] === 'delete' ? { action_reason: 'delete_because_no_resource_config' } : {}),
      });
    }
    plans.set(stack, {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: changes,
      configuration: { root_module: { resources: [...after.keys()].map((address) => ({ address, mode: 'managed', type: 'terraform_data', name: address.slice(address.indexOf('.') + 1) })) } },
      applyable: true,
      complete: true,
      errored: false,
    });
  }
  return plans;
}
