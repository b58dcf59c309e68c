/** The proof's text: one line per FLOW violation, a table per tenancy, explanations. */
import { formatViolation } from '../rules/index';
import { printable } from '../util/printable';
import type { VerifyResult } from './check';
import type { Explanation } from './explain';

/** At most this many violation lines; the rest are counted (the JSON holds them all). */
export const MAX_LINES = 1000;

export function violationLines(r: VerifyResult): string[] {
  const lines = r.violations.slice(0, MAX_LINES).map(formatViolation);
  if (r.violations.length > MAX_LINES) lines.push(`... and ${r.violations.length - MAX_LINES} more FLOW violations (--json lists them all)`);
  return lines;
}

/** The summary table: intended, admitted, missing and extra flows per tenancy (and per kind of Network). */
export function summaryTable(r: VerifyResult): string[] {
  const head = ['tenancy', 'intended', 'admitted', 'missing', 'extra'];
  const rows = r.summary.map((s) => [printable(s.name), String(s.intended), String(s.admitted), String(s.missing), String(s.extra)]);
  if (!rows.length) return ['  (no flow is intended, and none is admitted)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (xs: string[]) => `  ${xs.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ')}`;
  return [line(head), ...rows.map(line)];
}

/** The closing line: what was proven, or how many violations. */
export function verdictLine(r: VerifyResult): string {
  const slivers = r.stacks.reduce((n, s) => n + s.slivers, 0);
  const classes = r.stacks.reduce((n, s) => n + s.classes, 0);
  const over = `${slivers} Sliver${slivers === 1 ? '' : 's'} in ${classes} class${classes === 1 ? '' : 'es'} over ${r.stacks.length} stack${r.stacks.length === 1 ? '' : 's'}`;
  if (!r.errors) return `proven: the flows admitted are exactly the flows intended (${over}).`;
  return `FLOW violations: ${r.errors} (${over}).`;
}

export function explanationLines(e: Explanation): string[] {
  const out: string[] = [];
  for (const p of e.packets) {
    out.push(printable(`${p.packet} from ${p.from} to ${p.to}: ${p.admitted ? 'admitted' : 'dropped'}${p.path === 'internet' ? ' (over the Internet)' : p.path === 'external' ? ' (to an external Service)' : ''}`));
    p.chain.forEach((c, i) => out.push(printable(`  ${i === 0 ? '' : '-> '}${c}`)));
    if (p.stop) out.push(printable(`  stops: ${p.stop}`));
  }
  if (e.leftOut) out.push(`(${e.leftOut} more pair${e.leftOut === 1 ? '' : 's'} of Slivers left out)`);
  return out;
}
