import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'validate',
  summary: 'Check every rule of INVARIANTS.md that needs no actor, and report every violation in one run.',
  usage: 'xos validate <program> [--json] [--strict]',
  positionals: ['program'],
  options: [
    { name: 'json', type: 'boolean', description: 'print violations as a JSON array of { id, severity, path, message, source? }' },
    { name: 'strict', type: 'boolean', description: 'warnings fail the run too' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { loadAndCompile, printViolations } = await import('../pipeline');
  const { compiled } = loadAndCompile(args.positionals[0], { transpileOnly: !!args.options['transpile-only'] });
  const strict = !!args.options.strict;
  if (args.options.json) io.out(JSON.stringify(compiled.violations, null, 2) + '\n');
  else printViolations(compiled, io, strict);
  return compiled.errors > 0 || (strict && compiled.warnings > 0) ? 1 : 0;
}
