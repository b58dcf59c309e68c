import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'rules',
  summary: 'List the rules the compiler enforces, with their ids and severities.',
  usage: 'xos rules [--markdown | --json]',
  positionals: [],
  options: [
    { name: 'markdown', type: 'boolean', description: 'print docs/rules.md' },
    { name: 'json', type: 'boolean', description: 'print the rules as JSON' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { RULES, rulesMarkdown } = await import('../../rules/index');
  if (args.options.markdown) io.out(rulesMarkdown());
  else if (args.options.json) io.out(JSON.stringify(RULES.map((r) => ({ ...r, check: undefined })), null, 2) + '\n');
  else for (const r of RULES) io.out(`${r.id.padEnd(9)} ${r.severity.padEnd(8)} ${r.title}\n`);
  return 0;
}
