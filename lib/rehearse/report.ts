/**
 * A rehearsal's result for people: per stack what Terraform said (resources planned and
 * applied, or the first error, located in the synthesized JSON), then the totals.
 */
import * as path from 'path';
import { printable } from '../util/printable';
import type { Changes, RehearsalResult, StackResult } from './run';

function changes(c: Changes | undefined, verb: 'plan' | 'apply'): string {
  if (!c) return '-';
  const parts = verb === 'plan' ? [`${c.add} to add`, `${c.change} to change`, `${c.remove} to destroy`] : [`${c.add} added`, `${c.change} changed`, `${c.remove} destroyed`];
  return parts.filter((p, i) => i === 0 || !p.startsWith('0 ')).join(', ');
}

/** `out/stacks/x/cdk.tf.json:12:7` for a problem Terraform located, relative to the working folder when inside it. */
export function where(s: StackResult, outLabel: string | undefined): string {
  const p = s.problem;
  if (!p?.file) return '';
  const file = p.file.includes('(written by the rehearsal)') || outLabel === undefined ? p.file : path.join(outLabel, p.file);
  return `${file}${p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : ''}`;
}

export interface ReportContext {
  readonly label: string;
  readonly schemas: { readonly openstack: string; readonly aws: string };
  /** True when the scratch folder is kept (--scratch). */
  readonly kept: boolean;
  /** False when the program was synthesized into a temporary folder (no --out): places are then named within the output. */
  readonly outKept?: boolean;
}

export function formatRehearsal(r: RehearsalResult, ctx: ReportContext): string {
  const rel = (p: string) => {
    const x = path.relative(process.cwd(), p);
    return x && !x.startsWith('..') && !path.isAbsolute(x) ? x : p;
  };
  const outLabel = ctx.outKept === false ? undefined : rel(r.outdir);
  const out: string[] = [];
  out.push(`xos rehearse: ${ctx.label} -> ${r.stacks.length} stack${r.stacks.length === 1 ? '' : 's'} against the rehearsal harness (${ctx.schemas.openstack}; ${ctx.schemas.aws})`);
  out.push('');
  const w = Math.max(5, ...r.stacks.map((s) => s.stack.length));
  out.push(`  ${'stack'.padEnd(w)}  ${'declared'.padStart(8)}  ${'plan'.padEnd(24)}  ${'apply'.padEnd(24)}  time`);
  for (const s of r.stacks) {
    const status = s.status === 'applied' ? changes(s.applied, 'apply') : s.status === 'skipped' ? 'skipped' : `FAILED at ${s.problem?.step ?? '?'}`;
    out.push(`  ${printable(s.stack).padEnd(w)}  ${String(s.declared).padStart(8)}  ${changes(s.planned, 'plan').padEnd(24)}  ${status.padEnd(24)}  ${s.seconds.toFixed(1)}s`);
  }
  out.push('');
  for (const s of r.stacks) {
    if (s.status === 'skipped') out.push(`${printable(s.stack)}: skipped: ${s.skipped}`);
    if (s.status !== 'failed' || !s.problem) continue;
    const at = where(s, outLabel);
    const addr = s.problem.address ? ` (${printable(s.problem.address)})` : '';
    out.push(`${printable(s.stack)}: terraform ${s.problem.step} failed${addr}${at ? ` at ${printable(at)}` : ''}:`);
    out.push(`  Error: ${printable(s.problem.summary)}`);
    if (s.problem.detail) for (const l of printable(s.problem.detail).split('\n').slice(0, 8)) out.push(`  ${l}`);
  }
  if (outLabel === undefined && r.stacks.some((s) => s.problem?.file)) out.push('(places are in the synthesized output, written to a temporary folder: --out DIR keeps it)');
  const applied = r.stacks.filter((s) => s.status === 'applied');
  const resources = applied.reduce((n, s) => n + (s.applied?.add ?? 0), 0);
  out.push(
    r.ok
      ? `rehearsal passed: all ${r.stacks.length} stacks validated, planned and applied (${resources} resources created) in ${r.seconds.toFixed(1)} s.`
      : `rehearsal FAILED: ${applied.length} of ${r.stacks.length} stacks applied (${r.seconds.toFixed(1)} s).`,
  );
  out.push(
    ctx.kept
      ? `scratch copy kept in ${rel(r.scratch)}: states terraform.<stack>.tfstate, plans/<stack>.json for xos review, cloud/ (the simulated cloud); 'xos status ${rel(r.scratch)}' reads it.`
      : 'the scratch copy was removed (--scratch DIR keeps it, with its states and plans).',
  );
  out.push('This proves Terraform accepts the configuration (schemas, references, cross-stack outputs, ordering); quotas, images and the providers\' own checks need a real cloud.');
  return `${out.join('\n')}\n`;
}
