import type { BuiltModel } from '../model/build';
import { ModelIndex } from '../model/index';
import type { Layout } from '../synth/layout';
import { depRules } from './dep';
import { rbacRules } from './rbac';
import type { Acknowledgement, ModelMeta } from '../model/types';
import { authorizationRules } from '../review/rbac';
import type { Finding, Rule, Violation } from './rule';
import { acknowledgeable, findingId, formatSource, provenByVerify } from './rule';
import { secRules } from './sec';
import { netRules, slcRules } from './slc-net';
import { tenRules } from './ten';
import { tniRules } from './tni';
import { flowRules, flowVerifyRules, net006, slc005, tgt001 } from './flow';

export type { Rule, ModelRule, ReviewRule, VerifyRule, RuleMetadata, Violation, Severity, Finding, RuleContext } from './rule';
export { acknowledgeable, findingId, provenByVerify } from './rule';

/** Every rule of xos's invariants, in the order the document lists them, then the SEC rules (untrusted input). */
export const RULES: readonly Rule[] = [...rbacRules, ...authorizationRules, ...depRules, ...[...slcRules, slc005].sort(byId), ...netRules, net006, ...tenRules, ...flowVerifyRules, ...flowRules, tgt001, ...tniRules, ...secRules];

function byId(a: Rule, b: Rule): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export interface RunOptions {
  /** Make relative to this folder the file names of declaration sites. */
  readonly relativeTo?: string;
  /** Only these rules (by id). */
  readonly only?: readonly string[];
  /**
   * Each rule's findings on this very model (content for content), by rule id: a rule found
   * here is not run again; one that runs is added, unless it asked where something was
   * declared (its findings then depend on more than the model).
   */
  readonly findings?: Map<string, readonly Finding[]>;
}

/** `key` and its ancestors in the construct tree, nearest first, the cloud (`''`) last. */
function* upwards(key: string): Iterable<string> {
  let k = key;
  for (;;) {
    yield k;
    if (k === '') return;
    const i = k.lastIndexOf('/');
    k = i < 0 ? '' : k.slice(0, i);
  }
}

/** The nearest entry for `key` or one of its ancestors in the construct tree. */
function inherited<T>(map: ReadonlyMap<string, T>, key: string): T | undefined {
  for (const k of upwards(key)) {
    const hit = map.get(k);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * The acknowledgement that covers a finding: the nearest one, on its object or an ancestor,
 * of its rule and either of that one finding or of every finding (`finding` left out).
 */
function acknowledgementOf(acks: ModelMeta['acknowledgements'], rule: string, path: string, id: string): Acknowledgement | undefined {
  if (!acks.size) return undefined;
  for (const k of upwards(path)) for (const a of acks.get(k) ?? []) if (a.rule === rule && (a.finding === undefined || a.finding === id)) return a;
  return undefined;
}

/** Whether a finding id (`RULE@path#key`) is of `rule` and lies on the object `path` or below it. */
function findingUnder(finding: string, rule: string, path: string): boolean {
  const at = `${rule}@${path}`;
  if (!finding.startsWith(at)) return false;
  const rest = finding.slice(at.length);
  return rest === '' || rest.startsWith('#') || (path === '' ? !rest.startsWith('/') : rest.startsWith('/'));
}

/**
 * Run every static rule (all but the review-time ones) over a model and its layout.
 * A rule that throws is reported as a violation of that rule saying so; it never stops the run.
 * A warning covered by an acknowledgement carries its reason; errors are never covered.
 */
export function runRules(built: BuiltModel, layout: Layout, options: RunOptions = {}, index = new ModelIndex(built.model)): Violation[] {
  let askedSources = false;
  const sourceOf = (key: string) => ((askedSources = true), built.meta.sources.get(key));
  const ctx = { model: built.model, index, layout, sourceOf };
  const out: Violation[] = [];
  const acks = built.meta.acknowledgements;
  for (const rule of RULES) {
    if (rule.needsActor || provenByVerify(rule)) continue;
    if (options.only && !options.only.includes(rule.id)) continue;
    let findings = options.findings?.get(rule.id);
    if (!findings) {
      askedSources = false;
      try {
        findings = [...rule.check(ctx)];
      } catch (e) {
        findings = [{ path: '', message: `the rule itself failed (${(e as Error)?.message ?? e}); this is a bug in xos, please report it.`, key: 'rule-failed' }];
      }
      if (!askedSources) options.findings?.set(rule.id, findings);
    }
    for (const f of findings) {
      const src = formatSource((f.at !== undefined ? built.meta.sources.get(f.at) : undefined) ?? inherited(built.meta.sources, f.path), options.relativeTo);
      const finding = findingId(rule.id, f);
      const ack = acknowledgeable(rule) ? acknowledgementOf(acks, rule.id, f.path, finding) : undefined;
      out.push({ id: rule.id, severity: rule.severity, path: f.path, message: f.message, finding, ...(src ? { source: src } : {}), ...(ack ? { acknowledged: ack.reason } : {}) });
    }
  }
  // Acknowledging an error is refused: errors are invariants, not opinions; and who may make a change is never acknowledged.
  for (const [key, list] of acks) {
    for (const a of list) {
      const r = ruleById(a.rule);
      const fail = (message: string) => out.push({ id: 'XOS-ACK', severity: 'error', path: key, message, finding: findingId('XOS-ACK', { path: key, key: `${a.rule}${a.finding !== undefined ? ` ${a.finding}` : ''}` }) });
      if (!r) fail(`acknowledges '${a.rule}', which is not a rule id. See docs/rules.md for the ids.`);
      else if (r.needsActor) fail(`acknowledges ${a.rule}, an authorization rule: who may make a change is never acknowledged. Ask one of the roles the review names to approve it.`);
      else if (r.severity === 'error') fail(`acknowledges ${a.rule}, an error: errors are invariants and cannot be acknowledged. Fix the model instead.`);
      else if (a.finding !== undefined && !findingUnder(a.finding, a.rule, key))
        fail(`acknowledges the finding '${a.finding}', which is not a finding of ${a.rule} on this object or below it (a finding id reads ${a.rule}@${key || '<path>'}..., as reports print it). Acknowledge it on the object it is on, or give its id as printed.`);
    }
  }
  for (const e of built.meta.buildErrors) {
    const src = formatSource(inherited(built.meta.sources, e.path), options.relativeTo);
    out.push({ id: 'XOS-BUILD', severity: 'error', path: e.path, message: e.message, ...(src ? { source: src } : {}) });
  }
  return out;
}

/** Counts by severity, leaving acknowledged warnings out. */
export function summarize(vs: readonly Violation[]): { errors: number; warnings: number; acknowledged: number } {
  let errors = 0;
  let warnings = 0;
  let acknowledged = 0;
  for (const v of vs) {
    if (v.acknowledged) acknowledged++;
    else if (v.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings, acknowledged };
}

/**
 * `ID severity path: message (file:line)`, one line: a line break a name or value brings
 * along becomes a space, so no value can start a line of its own. Control and bidi
 * characters are escaped where everything is printed (lib/cli/io.ts).
 */
export function formatViolation(v: Violation): string {
  const where = v.source ? ` (${v.source})` : '';
  // A warning's finding id is `ID@path`, read off the line; one with a key says it in full.
  const keyed = v.severity === 'warning' && v.finding !== undefined && v.finding !== `${v.id}@${v.path}` ? ` [finding ${elide(v.finding, 300)}]` : '';
  const ack = v.acknowledged ? ` [acknowledged: ${elide(v.acknowledged, 500)}]` : '';
  return `${v.id} ${v.severity} ${elide(v.path, 200) || '(cloud)'}: ${elide(v.message, 2000)}${where}${keyed}${ack}`.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/**
 * Text cut to about `max` characters for a line of output: the start and the end are kept
 * (the end of a message says what to do), the middle is elided with its length. A 10 MB
 * name in a model never makes a 10 MB line.
 */
export function elide(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = Math.floor(max * 0.3);
  return `${text.slice(0, head)}...(${(text.length - head - tail).toLocaleString('en-US')} characters)...${text.slice(text.length - tail)}`;
}

/** docs/rules.md, generated from the rules' metadata. */
export function rulesMarkdown(): string {
  const ackable = RULES.filter(acknowledgeable).map((r) => `[${r.id}](#${r.id.toLowerCase()})`);
  const lines: string[] = [
    '# Rules',
    '',
    '<!-- Generated from the rules\' metadata (lib/rules) by `npm run docs`. Do not edit: a test fails when it is stale. -->',
    '',
    'Every rule `xos validate` and `xos synth` check, with the id each violation carries.',
    'Review-time rules (marked *review*) need an actor and two models: `xos review --actor` checks them.',
    'Each rule is one unit: its metadata (what this page shows) beside its check, in lib/rules (the review-time ones in lib/review/rbac.ts).',
    'Rules marked *verify* are proven on the synthesized Terraform JSON by `xos verify` and by every `xos synth` (see [flows.md](flows.md)).',
    '',
    '| id | severity | can be acknowledged | rule |',
    '| --- | --- | --- | --- |',
  ];
  const phase = (r: Rule) => (r.needsActor ? ' (review)' : provenByVerify(r) ? ' (verify)' : '');
  for (const r of RULES) lines.push(`| [${r.id}](#${r.id.toLowerCase()}) | ${r.severity}${phase(r)} | ${acknowledgeable(r) ? 'yes' : 'no'} | ${r.title.replace(/\|/g, '\\|')} |`);
  lines.push(
    '',
    '## Findings and acknowledgements',
    '',
    'Each violation is one *finding*, named by a stable id: the rule id, `@`, the path of the object it is on, and, when the rule can find more than one thing on the same object, `#` and a short key (the credential, the limit, the part of a grant): `NET-005@co1/vbng/wan`, `DEP-008@head#password`. The id does not depend on the message, so it stays the same from run to run while the problem does. `--json` prints it as `finding`; a warning line shows it when it has a key (else it is `ID@path`, read off the line).',
    '',
    `A warning that does not apply can be acknowledged, with the reason it does not apply: ${ackable.join(', ')}. Errors never can (they are invariants: fix the model), nor can the review-time authorization rules (who may make a change is never up to the change). An acknowledgement of anything else is an \`XOS-ACK\` error.`,
    '',
    '- On an object and everything below it: `network.acknowledge(\'NET-005\', \'the Internet side of the gateway\')`.',
    '- On one finding, by its id (on the object or below it): `slice.acknowledge(\'NET-005\', \'the Internet side of the gateway\', { finding: \'NET-005@co1/vbng/wan\' })`.',
    '- In a recipe, under the object: `acknowledge: [{ rule: NET-005, reason: ..., finding: NET-005@co1/vbng/wan }]` (`finding` optional).',
    '',
    'An acknowledged warning is still reported, with its reason, and no longer counts (nor fails `--strict`). Acknowledgements are written to `xos-model.json` (`acknowledgements`: rule, path, reason, finding), so whatever reads the model back honours them: `xos synth xos-model.json`, and `xos review`, which lists the acknowledgements the change adds, alters or removes (all of the head\'s when there is no base model) with the warnings each covers, and authorizes each like a change of the object it is made on (one on the cloud itself needs a root admin): an acknowledgement silences a warning, so the approver must see it.',
    '',
  );
  for (const r of RULES) {
    const when = r.needsActor ? ', checked at review time' : provenByVerify(r) ? ', proven on the synthesized output by `xos verify` and `xos synth`' : '';
    lines.push(`## ${r.id}`, '', `**${r.severity}**${when}${acknowledgeable(r) ? ', can be acknowledged' : ''}. ${r.title}`, '', `- Why: ${r.why}`, `- Fix: ${r.fix}`, `- From: ${r.origin}`, '');
  }
  return lines.join('\n');
}
