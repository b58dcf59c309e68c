/**
 * The status report: every stack's objects, totals per stack and overall, as a table for
 * people or JSON for machines, and the exit code (terraform plan's `-detailed-exitcode`
 * convention: 0 all in sync, 2 something differs; errors exit 1 before a report exists).
 */
import { emptyTotals, STATUSES, type StackReport, type Totals } from './diff';

export interface StatusReport {
  /** The model's name. */
  readonly program: string;
  readonly target: string;
  /** How the state was read, for people: `backends (terraform state pull)`, `--state FILE` ... */
  readonly stateSource: string;
  readonly refreshed: boolean;
  readonly stacks: readonly StackReport[];
  readonly totals: Totals;
  /** True when every object of every stack is in sync. */
  readonly inSync: boolean;
}

export function buildReport(meta: { program: string; target: string; stateSource: string; refreshed: boolean }, stacks: readonly StackReport[]): StatusReport {
  const totals = emptyTotals();
  for (const s of stacks) for (const k of [...STATUSES, 'objects'] as const) totals[k] += s.totals[k];
  return { ...meta, stacks, totals, inSync: totals.objects === totals['in-sync'] };
}

/** 0 when all is in sync, 2 when anything differs. */
export function exitCodeOf(report: StatusReport): 0 | 2 {
  return report.inSync ? 0 : 2;
}

/** `1 failed, 2 drifted, 60 in-sync (63 objects)`; statuses with no object are left out. */
export function totalsLine(t: Totals): string {
  const parts = STATUSES.filter((s) => t[s] > 0).map((s) => `${t[s]} ${s}`);
  return `${parts.join(', ') || 'nothing declared'} (${t.objects} object${t.objects === 1 ? '' : 's'})`;
}

/** The report as a table for people. */
export function formatTable(report: StatusReport): string {
  const out: string[] = [];
  out.push(`xos status: ${report.program} (target ${report.target}), ${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'}, state from ${report.stateSource}${report.refreshed ? ', refreshed' : ''}`);
  for (const s of report.stacks) {
    out.push('');
    const form = s.state?.format === 'state-v4' ? 'raw v4' : 'terraform show -json';
    const st = s.state ? `state (${form}${s.state.serial !== undefined ? `, serial ${s.state.serial}` : ''}): ${s.state.resources} resource${s.state.resources === 1 ? '' : 's'}` : 'no state';
    out.push(`${s.stack}  backend ${s.backend}  ${st}`);
    for (const n of s.notes) out.push(`  note: ${n}`);
    if (s.objects.length) {
      const kw = Math.max(4, ...s.objects.map((o) => o.kind.length));
      const ow = Math.max(6, ...s.objects.map((o) => o.key.length));
      out.push(`  ${'STATUS'.padEnd(9)} ${'KIND'.padEnd(kw)} ${'OBJECT'.padEnd(ow)} DETAIL`);
      for (const o of s.objects) out.push(`  ${o.status.padEnd(9)} ${o.kind.padEnd(kw)} ${o.key.padEnd(ow)} ${o.detail}`.trimEnd());
    }
    out.push(`  total: ${totalsLine(s.totals)}`);
  }
  out.push('');
  out.push(`overall: ${totalsLine(report.totals)}: ${report.inSync ? 'all in sync' : 'differs from the model'}`);
  return out.join('\n') + '\n';
}

/** The report as JSON for machines. */
export function formatJson(report: StatusReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
