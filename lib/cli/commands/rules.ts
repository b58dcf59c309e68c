import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'rules',
  summary: 'List the rules the compiler enforces, with their ids and severities (and, as JSON, their metadata and whether they can be acknowledged); --flows prints docs/flows.md.',
  usage: 'xos rules [--markdown | --flows | --json]',
  positionals: [],
  options: [
    { name: 'markdown', type: 'boolean', description: 'print docs/rules.md' },
    { name: 'flows', type: 'boolean', description: 'print docs/flows.md: the intended flows and the seed sentence each rests on' },
    { name: 'json', type: 'boolean', description: 'print the rules as JSON' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { RULES, acknowledgeable, provenByVerify, rulesMarkdown } = await import('../../rules/index');
  if (args.options.markdown) io.out(rulesMarkdown());
  else if (args.options.flows) io.out((await import('../../verify/flows-doc')).flowsMarkdown());
  else if (args.options.json) {
    const rules = RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, why: r.why, fix: r.fix, origin: r.origin, ...(r.needsActor ? { reviewTime: true } : {}), ...(provenByVerify(r) ? { checkedBy: 'verify' } : {}), acknowledgeable: acknowledgeable(r) }));
    io.out(JSON.stringify(rules, null, 2) + '\n');
  } else for (const r of RULES) io.out(`${r.id.padEnd(9)} ${(r.severity + (r.needsActor ? ' (review)' : provenByVerify(r) ? ' (verify)' : '')).padEnd(16)} ${r.title}\n`);
  return 0;
}
