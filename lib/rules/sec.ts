import { COLLECTIONS } from '../model/types';
import type { Finding, Rule, RuleContext } from './rule';

/** A Terraform template sequence: an interpolation `${` or a directive `%{`. */
const TEMPLATE = /[$%]\{/;

/** Fields never written into a stack (a tenant schema is checked by xos, not rendered). */
const NOT_RENDERED = new Set(['tenantSchema']);

/** The paths (`location`, `attributes.plan`) of an object's strings holding a template sequence, at most a few. */
function templatePaths(v: unknown, at: string, out: string[], depth = 0): void {
  if (out.length >= 5 || depth > 64) return;
  if (typeof v === 'string') {
    if (TEMPLATE.test(v)) out.push(at || '(value)');
  } else if (Array.isArray(v)) v.forEach((x, i) => templatePaths(x, `${at}[${i}]`, out, depth + 1));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) if (!(depth === 0 && NOT_RENDERED.has(k))) templatePaths((v as Record<string, unknown>)[k], at ? `${at}.${k}` : k, out, depth + 1);
}

export const secRules: Rule[] = [
  {
    id: 'SEC-001',
    severity: 'error',
    title: 'No string of the model holds a Terraform template sequence (`${` or `%{`).',
    why: "Names, locations, URLs and tenancy attributes are written into the synthesized Terraform as they are, and Terraform evaluates `${...}` in them when it plans: `${file(\"/home/runner/.ssh/id_rsa\")}` would read a file of the machine that plans, `${base64encode(var.OS_PASSWORD)}` a credential, and the plan (and its review comment) would show the result. A value is data, never code.",
    fix: 'Remove the `${` or `%{` from the value (a literal dollar or percent sign followed by a brace has no place in a name or attribute xos renders).',
    origin: 'operator judgement (issue 16: everything from a program is untrusted, and the plan review runs Terraform on it)',
    *check({ model }: RuleContext): Iterable<Finding> {
      for (const c of COLLECTIONS) {
        for (const o of (model[c] ?? []) as readonly { key: string; kind: string }[]) {
          const paths: string[] = [];
          templatePaths(o, '', paths);
          for (const p of paths) yield { path: o.key, message: `${o.kind} ${o.key}: ${p} holds a Terraform template sequence ('\${' or '%{'), which Terraform would evaluate when it plans. Remove it: values are written as data, never as expressions.` };
        }
      }
    },
  },
];
