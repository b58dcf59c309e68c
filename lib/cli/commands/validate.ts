import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'validate',
  summary: 'Check every rule (docs/rules.md) that needs no actor, and report every violation in one run.',
  usage: 'xos validate [program] [--json] [--strict] [--locked]   (the program: a .ts file, a folder holding main.ts, or a recipe.yaml; default: the one cdktf.json runs)',
  positionals: ['program?'],
  options: [
    { name: 'json', type: 'boolean', description: 'print { ok, model, violations } as JSON: the model line\'s counts (tenantInstances ...) and every violation { id, severity, path, message, source? }' },
    { name: 'strict', type: 'boolean', description: 'warnings fail the run too' },
    { name: 'locked', type: 'boolean', description: 'pool values must all be recorded in xos.allocations.json beside the program, as they are (CI; XOS_LOCKED=1 does the same): a missing or stale one is a TNI-005 error' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (an unchanged program is not checked again anyway: its last clean check is cached)' },
    { name: 'watch', type: 'boolean', description: 'validate again on every save of one of the program\'s files, in this warm process, until Ctrl-C' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const locked = !!args.options.locked || process.env.XOS_LOCKED === '1';
  if (args.options.watch) {
    const { programArgument } = await import('../../project');
    const { watchValidate } = await import('../watch');
    return watchValidate(programArgument(args.positionals[0]), io, { strict: !!args.options.strict, json: !!args.options.json, locked });
  }
  const { loadAndCompile, printValidation } = await import('../pipeline');
  const { compiled, allocations } = loadAndCompile(args.positionals[0], { transpileOnly: !!args.options['transpile-only'], locked });
  return printValidation(compiled, allocations, io, { strict: !!args.options.strict, json: !!args.options.json, locked }) ? 0 : 1;
}
