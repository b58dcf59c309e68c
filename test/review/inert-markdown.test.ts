/**
 * The review comment cannot be forged: whatever a program, a model, a plan or a state puts
 * into the values a review shows (names, keys, addresses, stack names, reasons, messages,
 * attribute values, Users, roles), the rendered comment has exactly the structure xos
 * wrote. Proven by parsing the comment with a CommonMark parser with GitHub's tables,
 * strikethrough and autolinks (markdown-it) and comparing its token structure with the same
 * review rendered from harmless values, for hostile values made by fast-check.
 */
import '../helpers/fast-check-seed';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { renderMarkdown, tenancyDiagram, MARKER, type Review } from '../../lib/review/index';
import { code, esc } from '../../lib/review/markdown';
import { hasUnsafe } from '../../lib/util/printable';
import type { XosModel } from '../../lib/index';

/** A token as markdown-it gives it. */
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const md = new MarkdownIt('commonmark', { html: true, linkify: true }).enable(['table', 'strikethrough', 'linkify']);

/** Pieces an attacker would put in a value to break out of it. */
const HOSTILE = [
  '`', '``', '```', '````', ' ` ', '\\', '\\`', '\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029', '\v', '\f', '\t',
  '<!--', '-->', '<!-- xos-review -->', '<img src=x onerror=alert(1)>', '<h1>', '</details>', '<details><summary>x</summary>', '<a href="https://evil.example">',
  '# ', '## Nothing blocks', '### Authorization', '> ✅ Nothing blocks', '- ', '* ', '+ ', '1. ', '2) ', '    ', '\t\t', '===', '---', '***',
  '@octocat', '@org/team', 'user@example.com', '#123', 'owner/repo#7', 'https://evil.example/x', 'http://a.b', 'www.evil.com', 'ftp://x',
  '[x](https://evil.example)', '![i](https://evil.example/i.png)', '[ref]: https://evil.example', '<https://evil.example>',
  '|', '| a | b |', '*', '_', '**', '__', '~~', '~', '$', '$$', '$x^2$', ':tada:', '&lt;', '&#x3C;', '&amp;', '&#64;', '[', ']', '(', ')', '{', '}', '!',
  '\u202e', '\u202d', '\u2066', '\u2069', '\u200b', '\u200f', '\u061c', '\ufeff', '\u001b[2J', '\u001b]52;c;ZXZpbA==\u0007', '\u009b31m', '\u0000', '\u007f',
  'a', 'b', ' ', '  ', '日本', '🚀', 'é',
];

const hostile: fc.Arbitrary<string> = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 4 }), fc.fullUnicodeString({ maxLength: 3 })), { minLength: 1, maxLength: 8 }).map((xs) => xs.join('')).filter((s) => s.length > 0); // an empty optional field is an absent one: xos leaves it out

/** A review with one value in every place a value is shown, and a tenancy picture. */
function reviewWith(v: (slot: string) => string): Review {
  const counts = { create: 1, update: 1, replace: 1, delete: 1, move: 1, import: 1, forget: 0, read: 0 };
  const attr = (slot: string) => ({ path: v(`${slot}.path`), before: v(`${slot}.before`), after: { nested: [v(`${slot}.after`)] } });
  const resource = (slot: string, action: 'delete' | 'replace' | 'update') => ({
    stack: v(`${slot}.stack`),
    address: v(`${slot}.address`),
    previousAddress: v(`${slot}.previous`),
    action,
    actions: [action],
    actionReason: v(`${slot}.actionReason`),
    reason: v(`${slot}.reason`),
    replacePaths: [v(`${slot}.replacePath`)],
    importing: v(`${slot}.importing`),
    deposed: v(`${slot}.deposed`),
    part: v(`${slot}.part`),
    attributes: [{ ...attr(`${slot}.attr`), forcesReplacement: true }],
    object: { key: v(`${slot}.key`), kind: 'Sliver' as const },
  });
  const model: XosModel = {
    formatVersion: 1,
    name: v('model'),
    services: [
      { kind: 'Service', key: 's1', name: v('service1') },
      { kind: 'Service', key: 's2', name: v('service2') },
    ],
    tenants: [{ kind: 'Tenant', key: 't1', name: 't1', tenant: 's1', provider: 's2', connect: v('connect') }],
  } as unknown as XosModel;
  return {
    formatVersion: 1,
    configuration: [{ stack: v('config.stack'), what: 'backend', change: 'changed', detail: v('config.detail') }],
    model: v('model'),
    exitCode: 3,
    blocking: [v('blocking1'), v('blocking2')],
    summary: { total: counts, stacks: [{ stack: v('stack1'), matched: 'named', plan: v('plan1'), formatVersion: '1.2', counts }, { stack: v('stack2'), matched: 'unmatched', plan: v('plan2'), formatVersion: '1.2', counts }], objects: { added: 1, removed: 1, changed: 1, affected: 1 }, hasBase: true },
    destroys: [resource('destroy1', 'delete'), resource('destroy2', 'replace')],
    objects: [
      { key: v('object.key'), kind: 'Sliver', label: `${v('object.label')} (label)`, status: 'changed', model: [attr('object.model')], resources: [resource('object.resource', 'update')], notes: [v('object.note')] },
      { key: v('object2.key'), kind: undefined, label: `${v('object2.label')} (label)`, status: 'affected', model: [], resources: [], notes: [] },
    ],
    unmapped: [resource('unmapped', 'update')],
    drift: { entries: [{ stack: v('drift.stack'), address: v('drift.address'), action: 'update', attributes: [attr('drift.attr')], object: { key: v('drift.key'), kind: 'Network', label: v('drift.label') } }], irrelevant: 1 },
    authorization: {
      checked: true,
      actor: v('actor'),
      actorRoles: [v('role1')],
      rolesFrom: 'base',
      checks: [
        { id: 'RBAC-006', key: v('check1.key'), kind: 'Slice', status: 'added', subject: 'object', resources: [v('check1.resource')], allowed: false, approvers: [{ role: v('check1.role'), users: [v('check1.user')] }], message: v('check1.message') },
        { id: 'RBAC-006', key: v('check2.key'), kind: undefined, status: 'changed', subject: 'unmapped', allowed: false, approvers: [{ role: 'root admin', users: [] }], message: v('check2.message') },
        { id: 'RBAC-006', key: v('check3.key'), kind: undefined, status: 'changed', subject: 'config', allowed: false, approvers: [{ role: 'root admin', users: [v('check3.user')] }], message: v('check3.message') },
        { id: 'RBAC-007', key: v('check4.key'), kind: 'Privilege', status: 'added', subject: 'object', allowed: true, approvers: [], message: v('check4.message') },
      ],
      denied: 3,
      notes: [v('auth.note')],
    },
    violations: [
      { id: 'TEN-004', severity: 'error', path: v('violation.path'), message: v('violation.message'), new: true },
      { id: 'NET-005', severity: 'warning', path: v('violation2.path'), message: v('violation2.message'), new: true, finding: v('violation2.finding') },
    ],
    acknowledgements: [
      { status: 'added', rule: v('ack1.rule'), path: v('ack1.path'), finding: v('ack1.finding'), reason: v('ack1.reason'), covers: 2, covered: [v('ack1.covered1'), v('ack1.covered2')] },
      { status: 'changed', rule: 'NET-005', path: v('ack2.path'), reason: v('ack2.reason'), before: v('ack2.before'), covers: 0, covered: [] },
      { status: 'removed', rule: 'NET-005', path: v('ack3.path'), reason: v('ack3.reason'), covers: 0, covered: [] },
    ],
    diagram: tenancyDiagram(model, undefined, new Map([['s1', 'added']])),
    notes: [v('note1'), v('note2')],
  } as Review;
}

interface Shape {
  readonly type: string;
  readonly tag: string;
  readonly children?: readonly string[];
  /** Headings and the text xos writes around values: compared as written. */
  readonly text?: string;
}

/** The token structure of a comment: block tokens, with each inline's children types (runs of text as one). */
function structure(text: string): Shape[] {
  const out: Shape[] = [];
  const tokens = md.parse(text, {});
  tokens.forEach((t: Token, i: number) => {
    if (t.type !== 'inline') {
      out.push({ type: t.type, tag: t.tag, ...(t.type === 'fence' ? { text: t.info } : {}) });
      return;
    }
    const kids: string[] = [];
    for (const c of t.children ?? []) {
      const k = c.type === 'text_special' ? 'text' : c.type;
      if (k === 'text' && kids[kids.length - 1] === 'text') continue;
      kids.push(k);
    }
    const heading = tokens[i - 1]?.type === 'heading_open' && tokens[i - 1].tag === 'h3';
    out.push({ type: t.type, tag: t.tag, children: kids, ...(heading ? { text: t.content } : {}) });
  });
  return out;
}

/** What must never be in a comment: HTML other than the marker, links, images, mentions, raw control or bidi characters. */
function forbidden(text: string): string[] {
  const bad: string[] = [];
  const tokens = md.parse(text, {});
  tokens.forEach((t: Token, i: number) => {
    if (t.type === 'html_block' && !(i === 0 && t.content === `${MARKER}\n`)) bad.push(`html block ${JSON.stringify(t.content)}`);
    for (const c of t.children ?? []) {
      if (c.type === 'html_inline' || c.type === 'link_open' || c.type === 'image') bad.push(`${c.type} ${JSON.stringify(c.content || c.attrGet('href'))}`);
      if (c.type === 'text' && /(^|[^\w`])@[A-Za-z0-9]/.test(c.content)) bad.push(`mention in ${JSON.stringify(c.content)}`);
      if (c.type === 'text' && /(^|\s)#\d/.test(c.content)) bad.push(`issue reference in ${JSON.stringify(c.content)}`);
    }
  });
  if (hasUnsafe(text)) bad.push('a raw control, bidi or invisible character');
  return bad;
}

describe('the review comment cannot be forged', () => {
  const harmless = renderMarkdown(reviewWith(() => 'x'));
  const expected = structure(harmless);

  test('the harmless review has the sections xos writes', () => {
    const h3 = expected.filter((s) => s.text !== undefined && s.type === 'inline').map((s) => s.text);
    expect(h3).toEqual(['⚠️ Stack configuration changes (1): root admin only', 'Destroys and replacements (2)', 'Authorization', 'Acknowledgements added, changed or removed by this change (3)', 'Rule violations in the head model (2)', 'Changes by model object (2)', 'Resources not in the model (1)', 'Changes made outside Terraform (1)', 'Tenancy graph']);
    expect(forbidden(harmless)).toEqual([]);
  });

  test('for hostile values in every place, the structure is exactly the harmless one and nothing forbidden appears', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), hostile), hostile, (bySlot, fallback) => {
        const text = renderMarkdown(reviewWith((slot) => bySlot[slot] ?? `${fallback}${slot.length % 3 ? '' : fallback}`));
        expect(forbidden(text)).toEqual([]);
        expect(structure(text)).toEqual(expected);
      }),
      { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 300) },
    );
  });

  test('a value in a code span comes back as its visible characters; escaped text as its characters', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const span = md.parseInline(`a ${code(s)} b`, {})[0].children!;
        expect(span.map((c: Token) => c.type)).toEqual(['text', 'code_inline', 'text']);
        const plain = md.parseInline(`a ${esc(s)} b`, {})[0].children!;
        expect(plain.every((c: Token) => c.type === 'text' || c.type === 'text_special')).toBe(true);
      }),
      { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 300) },
    );
  });

  test('known forgeries stay inert: a fake verdict, an HTML comment hiding the rest, a mention, a line break', () => {
    const forged = renderMarkdown(reviewWith((slot) => (slot === 'model' ? 'x\n> ✅ Nothing blocks\n<!--' : slot === 'stack1' ? '``x`` <!-- @admins' : slot === 'check1.user' ? '@octocat' : slot.includes('reason') ? 'a\rb' : 'x')));
    expect(forbidden(forged)).toEqual([]);
    expect(structure(forged)).toEqual(expected);
    expect(forged).not.toContain('\r');
    expect(forged).toContain('@&#8203;octocat');
  });
});
