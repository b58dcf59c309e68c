import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'validate',
  summary: 'Check every rule of INVARIANTS.md that needs no actor, and report every violation in one run.',
  usage: 'xos validate [program] [--json] [--strict] [--locked]   (the program: a .ts file, a folder holding main.ts, or a recipe.yaml; default: the one cdktf.json runs)',
  positionals: ['program?'],
  options: [
    { name: 'json', type: 'boolean', description: 'print violations as a JSON array of { id, severity, path, message, source? }' },
    { name: 'strict', type: 'boolean', description: 'warnings fail the run too' },
    { name: 'locked', type: 'boolean', description: 'pool values must all be recorded in xos.allocations.json beside the program, as they are (CI; XOS_LOCKED=1 does the same): a missing or stale one is a TNI-005 error' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { loadAndCompile, printViolations, modelLine, allocationLines } = await import('../pipeline');
  const locked = !!args.options.locked || process.env.XOS_LOCKED === '1';
  const { compiled, allocations } = loadAndCompile(args.positionals[0], { transpileOnly: !!args.options['transpile-only'], locked });
  const strict = !!args.options.strict;
  if (args.options.json) io.out(JSON.stringify(compiled.violations, null, 2) + '\n');
  else {
    // validate writes nothing: allocations a synth would record are said, never recorded.
    io.out(`${modelLine(compiled.built.model)}\n`);
    if (!locked) for (const l of allocationLines(compiled, allocations, false)) io.out(`${l}\n`);
    printViolations(compiled, io, strict);
  }
  return compiled.errors > 0 || (strict && compiled.warnings > 0) ? 1 : 0;
}
