/**
 * Where `xos view` gets status from: the same reading and diffing as `xos status`
 * (`lib/state` reads Terraform state, `lib/drift` compares it with the declared model). This
 * module is the one place a view reaches for them; it only folds their per-object report
 * into a lookup by model key.
 */
import type { Compiled } from '../compile';
import type { StatusReport } from '../drift/report';
import type { ObjectStatus, StatusSource } from './status';
import { worse } from './status';

export interface StateOptions {
  /** State files (`terraform show -json` output or a raw `.tfstate`), `FILE` or `STACK=FILE`. */
  readonly states?: readonly string[];
  /** A synthesized output directory: each stack's backend is read from `DIR/stacks/<stack>`. */
  readonly out?: string;
}

/** Each model key's status: the worst over the stacks that hold it. */
export function lookupFromReport(report: StatusReport): Map<string, ObjectStatus> {
  const out = new Map<string, ObjectStatus>();
  for (const stack of report.stacks) {
    for (const o of stack.objects) {
      const prev = out.get(o.key);
      if (!prev || worse(o.status, prev.status)) out.set(o.key, { status: o.status, ...(o.detail ? { detail: o.detail } : {}) });
    }
  }
  return out;
}

/** Status for a view, or undefined when no state was asked for. */
export async function statusSource(compiled: Compiled, options: StateOptions): Promise<StatusSource | undefined> {
  const states = options.states ?? [];
  if (!states.length && !options.out) return undefined;
  const status = await import('../drift/status');
  const declared = status.declaredSideOf(compiled.built.model, compiled.index, compiled.layout);
  const stacks = compiled.layout.stacks.map((s) => s.name);
  const report = await status.computeStatus({
    declared,
    outdir: options.out ?? 'cdktf.out',
    states: states.map((s) => status.parseGivenState(s, stacks)),
  });
  const byKey = lookupFromReport(report);
  const { totalsLine } = await import('../drift/report');
  const where = states.length ? `--state ${states.join(', ')}` : `${report.stateSource} (${options.out})`;
  return { lookup: (k) => byKey.get(k), description: `from ${where}: ${totalsLine(report.totals)}` };
}
