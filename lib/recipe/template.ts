/**
 * Per-tenant-instance additions, declaratively: the recipe's equivalent of a provider
 * Service's `onTenantInstance` hook. Strings hold placeholders that are filled for each
 * instance: `${tenant}`, `${provider}`, `${tenancy}`, `${sliver}`, `${sliverName}`,
 * `${slice}`, `${attributes}` and `${attributes.some.path}`. A string that is exactly one
 * placeholder takes the value itself (a number stays a number); `$${` writes a literal `${`.
 */
import type { InstanceAddition, InstanceInfo, TenantSliver } from '../../constructs/service';

export const PLACEHOLDER_ROOTS = ['tenant', 'provider', 'tenancy', 'sliver', 'sliverName', 'slice', 'attributes'] as const;

/** The placeholders of an `onInstance` template: what a provider's per-instance hook sees. */
export const INSTANCE_PLACEHOLDER_ROOTS = ['id', 'key', 'provider', 'subscriber', 'subscriberKind', 'attributes'] as const;

const PLACEHOLDER = /\$?\$\{([^}]*)\}/g;
const EXPRESSION = /^([A-Za-z]+)((?:\.[^.\s]+)*)$/;

/** A placeholder found in a template, with its path in the template. */
export interface FoundPlaceholder {
  readonly expression: string;
  /** Where in the addition the string is: ['attributes', 'subnet']. */
  readonly at: readonly (string | number)[];
}

/** Every placeholder of a template value, escaped ones (`$${`) left out. */
export function placeholders(value: unknown, at: (string | number)[] = []): FoundPlaceholder[] {
  if (typeof value === 'string') {
    const out: FoundPlaceholder[] = [];
    for (const m of value.matchAll(PLACEHOLDER)) if (!m[0].startsWith('$$')) out.push({ expression: m[1].trim(), at });
    return out;
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => placeholders(v, [...at, k]));
  return [];
}

/** Why a placeholder expression is not valid, or undefined when it is. */
export function placeholderProblem(expression: string, attributeNames?: readonly string[], roots: readonly string[] = PLACEHOLDER_ROOTS, schemaName = 'tenantSchema'): string | undefined {
  const m = EXPRESSION.exec(expression);
  if (!m || !roots.includes(m[1])) return `\${${expression}} is not a placeholder. Use one of: ${roots.map((r) => `\${${r}}`).join(', ')}, or \${attributes.NAME}; write $\${ for a literal \${.`;
  if (m[2] && m[1] !== 'attributes') return `\${${expression}}: only \${attributes} has fields. Write \${${m[1]}}.`;
  if (m[1] === 'attributes' && m[2] && attributeNames) {
    const first = m[2].slice(1).split('.')[0];
    if (!attributeNames.includes(first))
      return `\${${expression}}: the provider's ${schemaName} declares no attribute '${first}' (it declares: ${attributeNames.join(', ') || 'none'}). Use one of those.`;
  }
  return undefined;
}

/** What a template is filled from: a tenant's Sliver (onTenantInstance) or a tenant instance (onInstance). */
type Subject = TenantSliver | InstanceInfo;

/** The value of a placeholder for one instance; throws when an attribute is missing. */
function evaluate(expression: string, i: Subject): unknown {
  const [root, ...fields] = expression.split('.');
  let v: unknown = (i as unknown as Record<string, unknown>)[root];
  const walked: string[] = [root];
  for (const f of fields) {
    walked.push(f);
    if (!v || typeof v !== 'object' || !(f in (v as object))) throw new Error(`\${${expression}} has no value: ${'tenancy' in i ? `the tenancy ${i.tenancy}` : `the instance ${i.key}`} has no ${walked.join('.')}`);
    v = (v as Record<string, unknown>)[f];
  }
  return v;
}

/** Fill one template value for an instance. */
export function fill(value: unknown, i: Subject): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole) return evaluate(whole[1].trim(), i);
    return value.replace(PLACEHOLDER, (m, expr: string) => {
      if (m.startsWith('$$')) return m.slice(1);
      const v = evaluate(expr.trim(), i);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, i));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, i)]));
  return value;
}

/** The template of one addition as written in a recipe, with where it was written. */
export interface AdditionTemplate {
  readonly id: string;
  readonly type: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** `file:line:column` of the template, for errors at instance time. */
  readonly where: string;
}

/** A provider hook that fills the templates for each tenant instance (a Sliver of a tenant, or a tenant instance). */
export function hookFrom<T extends Subject>(templates: readonly AdditionTemplate[]): (i: T) => readonly InstanceAddition[] {
  return (i) =>
    templates.map((t) => {
      try {
        const attributes = t.attributes === undefined ? undefined : (fill(t.attributes, i) as Record<string, unknown>);
        return { id: String(fill(t.id, i)), type: String(fill(t.type, i)), ...(attributes !== undefined ? { attributes } : {}) };
      } catch (e) {
        throw new Error(`${t.where}: ${(e as Error).message}. Give the ${'tenancy' in i ? 'tenancy' : 'instance'} that attribute, or change the template`);
      }
    });
}
