import type { Finding, Rule, RuleContext } from './rule';

/** A Terraform template sequence: an interpolation `${` or a directive `%{`. */
const TEMPLATE = /[$%]\{/;

/** The paths (`location`, `user_data.tenant_of.p.plan`) of a value's strings holding a template sequence, at most a few. */
function templatePaths(v: unknown, at: string, out: string[], depth = 0): void {
  if (out.length >= 5 || depth > 64) return;
  if (typeof v === 'string') {
    if (TEMPLATE.test(v)) out.push(at || '(value)');
  } else if (Array.isArray(v)) v.forEach((x, i) => templatePaths(x, `${at}[${i}]`, out, depth + 1));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) templatePaths((v as Record<string, unknown>)[k], at ? `${at}.${k}` : k, out, depth + 1);
}

export const secRules: Rule[] = [
  {
    id: 'SEC-001',
    severity: 'error',
    title: 'No string the synthesized Terraform holds (names, locations, URLs, catalog sources, tenancy attributes) contains a Terraform template sequence (`${` or `%{`).',
    why: "Values are written into the synthesized Terraform as they are, and Terraform evaluates `${...}` in them when it plans: `${file(\"/home/runner/.ssh/id_rsa\")}` would read a file of the machine that plans, `${base64encode(var.OS_PASSWORD)}` a credential, and the plan (and its review comment) would show the result. A value is data, never code.",
    fix: 'Remove the `${` or `%{` from the value (a literal dollar or percent sign followed by a brace has no place in a name or attribute xos renders).',
    origin: 'operator judgement (issue 16: everything from a program is untrusted, and the plan review runs Terraform on it)',
    *check({ layout, model, index }: RuleContext): Iterable<Finding> {
      // What each stack will hold (every target renders these attributes), and the Controllers (provider blocks).
      const seen = new Set<string>();
      const report = function* (key: string, paths: readonly string[]): Iterable<Finding> {
        for (const p of paths) {
          const id = `${key}\u0000${p}`;
          if (seen.has(id)) continue;
          seen.add(id);
          yield { path: key, message: `${index.get(key)?.kind ?? 'object'} ${key}: ${p} holds a Terraform template sequence ('\${' or '%{'), which Terraform would evaluate when it plans. Remove it: values are written as data, never as expressions.` };
        }
      };
      for (const c of model.controllers) {
        const paths: string[] = [];
        templatePaths({ url: c.url, region: c.region }, '', paths);
        yield* report(c.key, paths);
      }
      for (const stack of layout.stacks) {
        for (const r of stack.resources) {
          const paths: string[] = [];
          templatePaths(r.attrs, '', paths);
          if (paths.length) yield* report(r.model, paths);
        }
      }
    },
  },
];
