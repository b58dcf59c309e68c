/**
 * The review as GitHub-flavoured markdown that always fits one pull-request comment.
 *
 * Order: summary, destroys and replacements, authorization, the acknowledgements the change
 * adds or alters, rule violations, then the changes by model object, resources outside the
 * model, drift and the tenancy picture. When the whole does not fit, the first five are kept (each cut fairly if even they do
 * not fit), the rest fill what room is left, and a closing note says what was left out and
 * how to see all of it.
 */
import type { AttributeChange } from '../plan/diff';
import { SENSITIVE, UNKNOWN } from '../plan/diff';
import type { Kind } from '../model/types';
import { printable } from '../util/printable';
import { thousandsOf } from '../util/numbers';
import { SECRET } from './model-diff';
import type { AcknowledgementReview, Counts, DriftReview, ObjectReview, ResourceReview, Review } from './review';

/** GitHub's limit on a comment body. */
export const COMMENT_LIMIT = 65536;
/** The first line of every review: the workflow finds its own comment by it. */
export const MARKER = '<!-- xos-review -->';

const MAX_VALUE = 160;
const MAX_ATTRS = 12;
const MAX_RESOURCES = 12;
const MAX_ITEM = 4000;
const MAX_STACK_ROWS = 100;
const MAX_NOTES = 20;
const MAX_CONFIG_ROWS = 50;

export interface MarkdownOptions {
  /** Largest output, in UTF-8 bytes (never more than a comment takes). @default 65536 */
  readonly limit?: number;
  /** The command that prints the whole review as JSON, for the note when cutting. */
  readonly fullCommand?: string;
}

const MARKERS = new Set([SENSITIVE, UNKNOWN, SECRET, `${SECRET}, changed`]);

/**
 * Everything from a program, a model, a plan or a state is rendered inert: GitHub shows it
 * as the characters it is, and it can add no structure to the comment (no heading, line,
 * list, link, image, HTML, mention or issue reference). Two forms:
 *
 * - `code`: a code span whose fence is one backtick longer than the longest run of backticks
 *   in the text, padded with a space where the text begins or ends with a backtick or a space
 *   (CommonMark strips one). Nothing inside a code span is markdown, HTML, a mention or a link.
 * - `esc`: running text, every character that markdown or HTML gives a meaning backslash-
 *   escaped or written as an entity, and `@`, `#`, `://` and `www.` broken by a zero-width
 *   space so that GitHub makes no mention, reference or link of them.
 *
 * In both, line breaks (CR, LF, NEL, the Unicode separators) become a visible `⏎` and
 * control, bidirectional and invisible characters a visible `\uXXXX` (see `printable`).
 * Hand-written because the escaping packages cover CommonMark's punctuation, not GitHub's
 * extensions: markdown-escape 2.0 (checked) leaves `@octocat`, `|` (a table cell) and U+202E as
 * they are; test/review/inert-markdown.test.ts proves this escaping with a CommonMark parser.
 */
const BREAKS = /\r\n|[\r\n\u0085\u2028\u2029\v\f]/g;

/** One line of visible characters: breaks as `⏎`, controls and bidi marks as `\uXXXX`. */
function visible(s: string): string {
  return printable(s.replace(BREAKS, '⏎'));
}

/** Inline code that no text can break out of. */
export function code(s: string): string {
  const t = visible(s);
  let longest = 0;
  for (let i = 0, run = 0; i < t.length; i++) {
    run = t.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  if (t === '') return '` `';
  const pad = /^[` ]|[` ]$/.test(t) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A zero-width space, as an entity: the output layer would print the character itself as `\u200b`. */
const ZWSP = '&#8203;';

/** Running text that markdown, HTML and GitHub's autolinks and mentions leave as it is. */
export function esc(s: string): string {
  if (s === '') return '(empty)';
  let t = visible(s)
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_[\]<>|~$#!]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
  // What would start a block where the text starts: a list marker, a heading or quote (escaped
  // above), a setext underline, an ordered list number, indentation (a code block).
  // Spaces at the end would make a hard line break where the text ends a line.
  t = t.replace(/^\s+|\s+$/g, (w) => '&#32;'.repeat(w.length)).replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
  return t
    .replace(/@/g, `@${ZWSP}`)
    .replace(/\\#/g, `\\#${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
}

function value(v: unknown): string {
  if (typeof v === 'string' && MARKERS.has(v)) return `_${v}_`;
  let s = JSON.stringify(v) ?? 'null';
  if (s.length > MAX_VALUE) s = `${s.slice(0, MAX_VALUE - 1)}…`;
  return code(s);
}

function attrLine(a: AttributeChange, indent: string): string {
  const before = 'before' in a ? value(a.before) : '_(none)_';
  const after = 'after' in a ? value(a.after) : '_(removed)_';
  const forces = a.forcesReplacement ? ' **(forces replacement)**' : '';
  if (!('before' in a)) return `${indent}- ${code(a.path)}: ${after}${forces}`;
  return `${indent}- ${code(a.path)}: ${before} → ${after}${forces}`;
}

function attrLines(attrs: readonly AttributeChange[], indent: string, max = MAX_ATTRS): string[] {
  const lines = attrs.slice(0, max).map((a) => attrLine(a, indent));
  if (attrs.length > max) lines.push(`${indent}- _… and ${attrs.length - max} more attributes_`);
  return lines;
}

const ACTION_WORD: Record<string, string> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  'replace-forget': 'replace (old object forgotten, not destroyed)',
  delete: 'delete',
  forget: 'forget (removed from state, object left alone)',
  'no-op': 'no change',
  read: 'read',
};

function resourceHead(r: ResourceReview): string {
  const bits = [`**${ACTION_WORD[r.action] ?? r.action}**`];
  if (r.previousAddress) bits.push(`moved from ${code(r.previousAddress)}`);
  if (r.importing) bits.push(`imported from id ${code(r.importing)}`);
  if (r.deposed) bits.push(`deposed object ${code(r.deposed)}`);
  return bits.join(', ');
}

function reasonText(r: ResourceReview): string {
  const parts: string[] = [];
  if (r.reason) parts.push(`reason: ${esc(r.reason)} (${code(r.actionReason!)})`);
  if (r.replacePaths.length) parts.push(`forced by ${r.replacePaths.map(code).join(', ')}`);
  return parts.join('; ');
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

const KIND_TITLE: Partial<Record<Kind, string>> = { Privilege: 'Privileges', Tenant: 'Tenants (tenancies)', NetworkTemplate: 'NetworkTemplates', Instance: 'Tenant instances' };
const STATUS_WORD = { added: 'added', removed: 'removed', changed: 'changed', affected: 'changed in Terraform only' };

/** Cut an item that is too long at a line boundary. */
function bound(item: string): string {
  if (item.length <= MAX_ITEM) return item;
  const cut = item.lastIndexOf('\n', MAX_ITEM - 80);
  return `${item.slice(0, cut > 0 ? cut : MAX_ITEM - 80)}\n  - _… cut; the JSON review has all of it_`;
}

interface Section {
  readonly name: string;
  readonly essential: boolean;
  readonly head: string;
  /** How many items the section has. */
  readonly count: number;
  /** Item `i` (0 <= i < count), rendered on first use: a long review renders only what fits. */
  readonly item: (i: number) => string;
  /** Shown after the items when all of them fit. */
  readonly tail?: string;
  /** Keep all or nothing (the diagram). */
  readonly atomic?: boolean;
  /** What a reader loses when items are left out. */
  readonly unit: string;
}

/** Items rendered on first use, each once; `empty` stands alone when there are none. */
function lazyItems<T>(xs: readonly T[], render: (x: T, i: number) => string, empty?: string): Pick<Section, 'count' | 'item'> {
  if (!xs.length && empty !== undefined) return { count: 1, item: () => empty };
  const done: (string | undefined)[] = new Array(xs.length);
  return { count: xs.length, item: (i) => (done[i] ??= render(xs[i], i)) };
}

function summaryBlock(review: Review): string {
  const t = review.summary.total;
  const lines = [MARKER, `## xos review: ${esc(review.model)}`, ''];
  lines.push(
    `**Plan: ${t.create} to create, ${t.update} to update, ${t.replace} to replace, ${t.delete} to delete** · ${t.move} moved · ${t.import} imported · ${t.forget} forgotten · ${plural(review.summary.stacks.length, 'stack')}`,
    '',
  );
  if (review.configuration.length) {
    lines.push(`### ⚠️ Stack configuration changes (${review.configuration.length}): root admin only`, '');
    for (const c of review.configuration.slice(0, MAX_CONFIG_ROWS)) lines.push(`- **${c.what} ${c.change}** in stack ${code(c.stack)}: ${esc(c.detail)}`);
    if (review.configuration.length > MAX_CONFIG_ROWS) lines.push(`- _… and ${review.configuration.length - MAX_CONFIG_ROWS} more (the JSON review has all of them)_`);
    lines.push('');
  }
  if (review.blocking.length) for (const b of review.blocking) lines.push(`> ⛔ **Blocks:** ${esc(b)}`);
  else if (!review.authorization.checked) lines.push('> ⚠️ **Authorization was not checked**: no `--actor` was given. No rule fails.');
  else lines.push(`> ✅ Nothing blocks: ${esc(review.authorization.actor ?? '')} may make every change, and no rule fails.`);
  if (review.blocking.length && !review.authorization.checked) lines.push('> ⚠️ **Authorization was not checked**: no `--actor` was given.');
  lines.push('', '| stack | create | update | replace | delete | move | import | forget |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const row = (name: string, c: Counts) => `| ${name} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.move} | ${c.import} | ${c.forget} |`;
  const stacks = review.summary.stacks;
  for (const s of stacks.slice(0, MAX_STACK_ROWS)) lines.push(row(`${esc(s.stack)}${s.matched === 'unmatched' ? ' (not in the model)' : ''}`, s.counts));
  if (stacks.length > MAX_STACK_ROWS) lines.push(`| _… and ${stacks.length - MAX_STACK_ROWS} more stacks_ | | | | | | | |`);
  if (review.summary.stacks.length > 1) lines.push(row('**total**', t));
  const o = review.summary.objects;
  lines.push('', `Model objects: ${o.added} added, ${o.changed} changed, ${o.removed} removed${review.summary.hasBase ? `, ${o.affected} changed in Terraform only` : ' (from the plan: no --base-model given)'}.`);
  for (const n of review.notes.slice(0, MAX_NOTES)) lines.push(`- ${esc(n.length > 600 ? `${n.slice(0, 599)}…` : n)}`);
  if (review.notes.length > MAX_NOTES) lines.push(`- _… and ${review.notes.length - MAX_NOTES} more notes_`);
  return lines.join('\n');
}

function destroyItem(r: ResourceReview, labels: Map<string, string>): string {
  const obj = r.object ? ` — ${kindWord(r.object.kind)} ${code(labels.get(r.object.key) ?? r.object.key)}` : ' — not in the model';
  const why = reasonText(r);
  const lines = [`- ${r.action === 'delete' ? '🔴' : '🟠'} ${resourceHead(r)} ${code(r.address)} in ${code(r.stack)}${obj}${why ? ` — ${why}` : ''}`];
  if (r.action !== 'delete') lines.push(...attrLines(r.attributes.filter((a) => a.forcesReplacement), '  '));
  return bound(lines.join('\n'));
}

function kindWord(k: Kind | undefined): string {
  return k === 'Privilege' ? 'privilege' : k === 'Tenant' ? 'tenancy' : k === 'Instance' ? 'tenant instance' : k ?? 'resource (not in the model)';
}

function objectItem(o: ObjectReview, first: boolean): string {
  const lines: string[] = [];
  if (first) lines.push(`#### ${o.kind ? KIND_TITLE[o.kind] ?? `${o.kind}s` : 'Objects of unknown kind'}`);
  lines.push(`- **${STATUS_WORD[o.status]}** ${code(o.label)}${o.label !== o.key ? ` (${code(o.key)})` : ''}${o.notes.length ? ` — ${esc(o.notes.join('; '))}` : ''}`);
  if (o.model.length) {
    lines.push('  - in the model:');
    lines.push(...attrLines(o.model, '    '));
  }
  for (const r of o.resources.slice(0, MAX_RESOURCES)) {
    const why = reasonText(r);
    lines.push(`  - ${code(r.address)} (${code(r.stack)}${r.part ? `, ${code(r.part)}` : ''}): ${resourceHead(r)}${why ? ` — ${why}` : ''}`);
    lines.push(...attrLines(r.attributes, '    '));
  }
  if (o.resources.length > MAX_RESOURCES) lines.push(`  - _… and ${o.resources.length - MAX_RESOURCES} more resources_`);
  return bound(lines.join('\n'));
}

function unmappedItem(r: ResourceReview): string {
  const why = reasonText(r);
  return bound([`- ${code(r.address)} (${code(r.stack)}): ${resourceHead(r)}${why ? ` — ${why}` : ''}`, ...attrLines(r.attributes, '  ')].join('\n'));
}

function driftItem(d: DriftReview): string {
  const what = d.action === 'delete' ? '**deleted outside Terraform**' : `**changed outside Terraform** (${esc(d.action)})`;
  const obj = d.object ? ` — ${kindWord(d.object.kind)} ${code(d.object.label)}` : '';
  const rebuilt = d.addressRebuilt ? ' _(address rebuilt: the plan left it out)_' : '';
  return bound([`- ${code(d.address)} in ${code(d.stack)}: ${what}${obj}${rebuilt}`, ...attrLines(d.attributes, '  ')].join('\n'));
}

const MAX_REASON = 500;
const ACK_WORD = { added: '🔕 added', changed: '🔕 changed', removed: 'removed' };

function ackItem(a: AcknowledgementReview): string {
  const cut = (t: string) => esc(t.length > MAX_REASON ? `${t.slice(0, MAX_REASON)}…` : t);
  const what = a.finding !== undefined ? `the finding ${code(a.finding)}` : `${code(a.path || '(cloud)')} and everything below it`;
  const on = a.finding !== undefined ? ` (made on ${code(a.path || '(cloud)')})` : '';
  const reason = a.status === 'changed' ? `${cut(a.reason)} (was: ${cut(a.before ?? '')})` : cut(a.reason);
  const covers = a.status === 'removed' ? '' : a.covers ? ` — covers ${plural(a.covers, 'warning')}: ${a.covered.map(code).join(', ')}${a.covers > a.covered.length ? ' …' : ''}` : ' — covers no warning now';
  return bound(`- ${ACK_WORD[a.status]} **${esc(a.rule)}** on ${what}${on}: ${reason}${covers}`);
}

function sections(review: Review): Section[] {
  const labels = new Map(review.objects.map((o) => [o.key, o.label]));
  const out: Section[] = [];
  const d = review.destroys;
  out.push({
    name: 'destroys',
    essential: true,
    head: `### Destroys and replacements (${d.length})\n`,
    ...lazyItems(d, (r) => destroyItem(r, labels), 'Nothing is destroyed or replaced.'),
    unit: 'destroys and replacements',
  });

  const a = review.authorization;
  const authHead: string[] = ['### Authorization', ''];
  if (!a.checked) authHead.push('Authorization was not checked: no `--actor` was given. Run with `--actor USER` to check RBAC-006, RBAC-007 and RBAC-008.');
  else {
    const verdict = a.checks.length ? `${a.checks.length - a.denied} of ${a.checks.length} checks pass.` : 'The change adds, changes or removes no model object: nothing to authorize.';
    authHead.push(`Actor: ${code(a.actor ?? '')}${a.actorRoles.length ? ` — holds ${a.actorRoles.map(esc).join(', ')}` : ' — holds no role'} ${a.firstDeploy ? ' (first-deploy mode: no base model, so nobody\'s roles count; every change needs a root admin)' : ' (roles read from the base model)'}. ${verdict}`);
    for (const n of a.notes) authHead.push(`- ${esc(n)}`);
  }
  const denied = a.checks.filter((c) => !c.allowed);
  const allowed = a.checks.filter((c) => c.allowed);
  out.push({
    name: 'authorization',
    essential: true,
    head: authHead.join('\n') + '\n',
    ...lazyItems(denied, (c) => {
      const who = c.approvers.map((x) => `${esc(x.role)} (${x.users.length ? x.users.map(esc).join(', ') : 'nobody holds it'})`).join(' · ');
      const verb = c.id === 'RBAC-008' ? 'change their own home Site:' : c.id === 'RBAC-007' ? 'grant' : c.subject === 'config' ? 'change' : c.status === 'added' ? 'add' : c.status === 'removed' ? 'remove' : 'change';
      const what = c.subject === 'config' ? `the configuration of ${code(c.key)}` : c.subject === 'unmapped' ? `${code(c.key)} (no model object owns this address)` : `${c.id === 'RBAC-008' ? '' : `${kindWord(c.kind)} `}${code(labels.get(c.key) ?? c.key)}`;
      const via = c.subject === 'object' && c.resources?.length ? ` (plan: ${c.resources.slice(0, 3).map(code).join(', ')}${c.resources.length > 3 ? ' …' : ''})` : '';
      return `- ⛔ **${c.id}** may not ${verb} ${what}${via} — approval from one of: ${who}`;
    }),
    tail: allowed.length ? `- ✅ may make ${!denied.length ? `every change (${allowed.length})` : allowed.length === 1 ? 'the other change' : `the ${allowed.length} other changes`}: ${allowed.slice(0, 20).map((c) => code(labels.get(c.key) ?? c.key)).join(', ')}${allowed.length > 20 ? ` and ${allowed.length - 20} more` : ''}` : undefined,
    unit: 'authorization findings',
  });

  // The acknowledgements the pull request's program adds, alters or removes: each one silences
  // warnings, so the approver must see it (never cut away: an essential section).
  const acks = review.acknowledgements ?? [];
  if (acks.length)
    out.push({
      name: 'acknowledgements',
      essential: true,
      head: `### Acknowledgements ${review.summary.hasBase ? 'added, changed or removed by this change' : 'in the head model (no base model to compare with: all of them)'} (${acks.length})\n\nAn acknowledgement, written by the program, covers the warnings of its rule on its object and below it (or one finding): check that each reason holds. Errors and authorization are never acknowledged.\n`,
      ...lazyItems(acks, ackItem),
      unit: 'acknowledgements',
    });

  const acknowledged = review.violations.filter((v) => v.acknowledged !== undefined).length;
  const shown = review.violations.filter((v) => v.acknowledged === undefined && (v.severity === 'error' || v.new !== false));
  const old = review.violations.length - acknowledged - shown.length;
  const left = [
    ...(old ? [`${plural(old, 'warning')} the base model already had ${old === 1 ? 'is' : 'are'} not repeated here.`] : []),
    ...(acknowledged ? [`${plural(acknowledged, 'acknowledged warning')} ${acknowledged === 1 ? 'is' : 'are'} not listed${acks.length ? ' (the acknowledgements this change adds or alters are listed above)' : ''}.`] : []),
  ];
  out.push({
    name: 'violations',
    essential: true,
    head: `### Rule violations in the head model (${shown.length})\n${left.length ? `\n${left.join(' ')}\n` : ''}`,
    ...lazyItems(shown, (v) => `- ${v.severity === 'error' ? '⛔' : '⚠️'} **${v.id}** ${v.severity} ${code(v.path || '(cloud)')}: ${esc(v.message)}${v.new === true ? ' _(new)_' : v.new === false ? ' _(already in base)_' : ''}`, 'No rule fails.'),
    unit: 'rule violations',
  });

  // Whether each object is the first of its kind (it then carries the kind's heading).
  const seen = new Set<string>();
  const first = review.objects.map((o) => {
    const k = o.kind ?? '?';
    const f = !seen.has(k);
    seen.add(k);
    return f;
  });
  out.push({ name: 'objects', essential: false, head: `### Changes by model object (${review.objects.length})\n`, ...lazyItems(review.objects, (o, i) => objectItem(o, first[i]), 'No model object changes.'), unit: 'model objects' });
  if (review.unmapped.length)
    out.push({ name: 'unmapped', essential: false, head: `### Resources not in the model (${review.unmapped.length})\n`, ...lazyItems(review.unmapped, (r) => unmappedItem(r)), unit: 'resources not in the model' });
  if (review.drift.entries.length || review.drift.irrelevant)
    out.push({
      name: 'drift',
      essential: false,
      head: `### Changes made outside Terraform (${review.drift.entries.length})\n${review.drift.irrelevant ? `\n${plural(review.drift.irrelevant, 'other drifted object')} ${review.drift.irrelevant === 1 ? 'does' : 'do'} not affect this plan (not in relevant_attributes) and ${review.drift.irrelevant === 1 ? 'is' : 'are'} not shown.\n` : ''}`,
      ...lazyItems(review.drift.entries, (d) => driftItem(d)),
      unit: 'drift entries',
    });
  if (review.diagram && review.diagram.text)
    out.push({
      name: 'diagram',
      essential: false,
      atomic: true,
      head: '### Tenancy graph\n',
      ...lazyItems([review.diagram], (g) => `\`\`\`mermaid\n${g.text}\n\`\`\`\nGreen: added · yellow: changed · red, dashed: removed.${g.omitted ? ` ${g.omitted} unchanged Services not drawn.` : ''}`),
      unit: 'the tenancy graph',
    });
  return out;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const trimEnd = (s: string) => s.replace(/\n+$/, '');

interface Fitted {
  readonly text: string;
  readonly kept: number;
  readonly total: number;
}

/**
 * The section's whole text (head, every item, tail), or undefined when it is longer than
 * `cap` bytes: items are rendered only until the text is known to be too long.
 */
function wholeWithin(s: Section, cap: number): string | undefined {
  const parts = [s.head];
  let used = bytes(s.head);
  if (used > cap) return undefined;
  for (let i = 0; i < s.count; i++) {
    const it = s.item(i);
    used += 1 + bytes(it);
    if (used > cap) return undefined;
    parts.push(it);
  }
  if (s.tail) {
    used += 1 + bytes(s.tail);
    if (used > cap) return undefined;
    parts.push(s.tail);
  }
  return parts.join('\n');
}

/** Newlines at the end of a string. */
function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s.charCodeAt(s.length - 1 - n) === 10) n++;
  return n;
}

/**
 * The section's whole text without its trailing newlines, or undefined when that is longer
 * than `cap` bytes. A prefix of the text, trailing newlines trimmed, is never longer than the
 * whole text trimmed: rendering stops as soon as one is too long.
 */
function trimmedWithin(s: Section, cap: number): string | undefined {
  const parts = [s.head];
  let used = bytes(s.head);
  let trailing = trailingNewlines(s.head);
  const add = (x: string): boolean => {
    used += 1 + bytes(x);
    const t = trailingNewlines(x);
    trailing = t === x.length ? trailing + 1 + t : t;
    parts.push(x);
    return used - trailing <= cap;
  };
  if (used - trailing > cap) return undefined;
  for (let i = 0; i < s.count; i++) if (!add(s.item(i))) return undefined;
  if (s.tail && !add(s.tail)) return undefined;
  return trimEnd(parts.join('\n'));
}

/** The section with as many items as fit in `budget` bytes (a line saying how many were left out counts too). */
function fit(s: Section, budget: number): Fitted | undefined {
  const total = s.count;
  const full = wholeWithin(s, budget);
  if (full !== undefined) return { text: full, kept: total, total };
  if (s.atomic) return undefined;
  const moreLine = (n: number) => `- _… and ${n} more ${s.unit} (left out to fit; see the note at the end)_`;
  let used = bytes(s.head) + bytes(moreLine(total)) + 2;
  if (used > budget) return undefined;
  const kept: string[] = [];
  for (let i = 0; i < total; i++) {
    const it = s.item(i);
    const b = bytes(it) + 1;
    if (used + b > budget) break;
    kept.push(it);
    used += b;
  }
  return { text: [s.head, ...kept, moreLine(total - kept.length)].join('\n'), kept: kept.length, total };
}

/** A count with commas between groups of three digits (see `thousandsOf`). */
export const thousands = thousandsOf;

/** Render the review, cut to fit `limit` bytes when it must be. */
export function renderMarkdown(review: Review, options: MarkdownOptions = {}): string {
  const limit = Math.min(options.limit ?? COMMENT_LIMIT, COMMENT_LIMIT);
  const head = summaryBlock(review);
  const secs = sections(review);
  // The whole review, when it fits: each section is rendered only while there is room.
  const texts = [trimEnd(head)];
  let room = limit - bytes(texts[0]) - 1;
  for (const s of secs) {
    const t = room >= 0 ? trimmedWithin(s, room - 2) : undefined;
    if (t === undefined) {
      room = -1;
      break;
    }
    texts.push(t);
    room -= 2 + bytes(t);
  }
  if (room >= 0) return texts.join('\n\n') + '\n';

  const how = options.fullCommand ? code(options.fullCommand) : '`xos review` with `--format json`';
  const noteReserve = 1200 + bytes(how);
  let budget = limit - bytes(head) - noteReserve - 2 * secs.length;
  const out = new Map<string, Fitted | undefined>();
  // The essentials share what room there is, smallest first, so that a short section is
  // never cut for a long one.
  const essentials = secs.filter((s) => s.essential).map((s) => ({ s, size: bytes(wholeWithin(s, Infinity)!) }));
  essentials.sort((x, y) => x.size - y.size);
  essentials.forEach(({ s }, i) => {
    const share = Math.floor(budget / (essentials.length - i));
    const f = fit(s, share);
    out.set(s.name, f);
    if (f) budget -= bytes(f.text) + 2;
  });
  for (const s of secs.filter((x) => !x.essential)) {
    const f = budget > 0 ? fit(s, budget) : undefined;
    out.set(s.name, f);
    if (f) budget -= bytes(f.text) + 2;
  }
  const left: string[] = [];
  for (const s of secs) {
    const f = out.get(s.name);
    if (!f) left.push(s.atomic ? s.unit : `all ${s.count} ${s.unit}`);
    else if (f.kept < f.total) left.push(`${f.total - f.kept} of ${f.total} ${s.unit}`);
  }
  const note = [
    '---',
    `**This review was cut to fit a GitHub comment (${thousands(COMMENT_LIMIT)} characters).** It keeps the summary, the destroys, the authorization findings, the acknowledgements and the rule violations${left.length ? `; left out: ${left.join('; ')}` : ''}.`,
    `See all of it with ${how}.`,
  ].join('\n');
  const parts = [head, ...secs.map((s) => out.get(s.name)?.text).filter((t): t is string => !!t), note];
  return parts.map(trimEnd).join('\n\n') + '\n';
}
