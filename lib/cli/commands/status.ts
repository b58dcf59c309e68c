import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'status',
  summary:
    "Diff each back-end's Terraform state against the declared model: one line per object and back-end, in-sync, pending, drifted, failed or orphaned, with totals. Exit 0 when all is in sync, 2 when anything differs, 1 on error.",
  usage: 'xos status [program | xos-model.json | DIR] [--out DIR] [--state [STACK=]FILE ... | --pull] [--refresh] [--json]',
  positionals: ['program?'],
  options: [
    { name: 'out', type: 'string', description: "the synthesized output: each stack's backend is read from DIR/stacks/<stack> (default: cdktf.out, or the folder of the xos-model.json given)", placeholder: 'DIR' },
    { name: 'state', type: 'strings', description: 'read this state (raw, or terraform show -json) instead of the backends; repeat for more stacks; STACK=FILE names its stack', placeholder: '[STACK=]FILE' },
    { name: 'pull', type: 'boolean', description: 'read every stack with terraform state pull, local backends too' },
    { name: 'refresh', type: 'boolean', description: 'first run terraform plan -refresh-only in each stack, and report what changed outside Terraform' },
    { name: 'target', type: 'string', description: "the target the stacks were synthesized for; auto: each by its Controller's back-end (default: read from each synthesized stack, else the program's, else auto)", choices: ['auto', 'local', 'openstack', 'aws'], placeholder: 'TARGET' },
    { name: 'json', type: 'boolean', description: 'print the report as JSON' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const fs = await import('fs');
  const path = await import('path');
  const { usageError } = await import('../../errors');
  const status = await import('../../drift/status');
  const { exitCodeOf, formatJson, formatTable } = await import('../../drift/report');
  const states = (args.options.state as string[] | undefined) ?? [];
  if (states.length && (args.options.pull || args.options.refresh))
    throw usageError(`--state reads the given files; it cannot be combined with ${args.options.pull ? '--pull' : '--refresh'}, which read the backends.`);

  // The declared side: a program (by default the one cdktf.json runs), an xos-model.json, or an output folder holding one.
  const { programArgument, chooseTarget } = await import('../../project');
  const { checkOutputFolder, readOutputInfo } = await import('../../synth/output-info');
  const arg = programArgument(args.positionals[0]);
  const abs = path.resolve(arg);
  const isDir = fs.existsSync(abs) && fs.statSync(abs).isDirectory();
  const modelFile = arg.endsWith('.json') ? abs : isDir && fs.existsSync(path.join(abs, 'xos-model.json')) && !fs.existsSync(path.join(abs, 'main.ts')) ? path.join(abs, 'xos-model.json') : undefined;
  let declared: import('../../drift/status').DeclaredSide;
  let outdir: string;
  let defaultTarget: string | undefined = process.env.XOS_TARGET;
  const flag = args.options.target === 'auto' || args.options.target === 'local' ? (args.options.target as string) : undefined;
  let expectedTarget: import('../../project').ChosenTarget | undefined;
  if (modelFile) {
    declared = status.readModelFile(modelFile);
    outdir = String(args.options.out ?? path.dirname(modelFile));
    // The model's own output folder says which target it was made for.
    const made = readOutputInfo(path.dirname(modelFile));
    if (flag || process.env.XOS_TARGET) expectedTarget = chooseTarget(path.dirname(modelFile), { flag });
    else if (made) expectedTarget = { target: made.target, from: `${path.relative(process.cwd(), path.dirname(modelFile)) || '.'}/xos-output.json` };
  } else {
    const { loadAndCompile } = await import('../pipeline');
    const { compiled, loaded } = loadAndCompile(arg, { transpileOnly: !!args.options['transpile-only'] });
    if (compiled.errors > 0) io.err(`xos status: the program breaks ${compiled.errors} rule${compiled.errors === 1 ? '' : 's'} (see xos validate); comparing its model with the state anyway.\n`);
    declared = status.declaredSideOf(compiled.built.model, compiled.index, compiled.layout);
    outdir = String(args.options.out ?? 'cdktf.out');
    expectedTarget = chooseTarget(loaded.dir, { flag, cloud: loaded.cloud.target });
    defaultTarget = expectedTarget.target;
  }
  if (!states.length && !args.options.target)
    checkOutputFolder(outdir, { cloud: declared.name, ...(expectedTarget ? { target: expectedTarget } : {}), ...(modelFile ? {} : { program: args.positionals[0] }), use: "status reads each stack's state where that folder's stacks keep it", targetFlag: true });
  if (defaultTarget !== undefined && !['auto', 'local', 'openstack', 'aws'].includes(defaultTarget)) defaultTarget = undefined;

  const stacks = declared.layout.stacks.map((s) => s.name);
  const report = await status.computeStatus({
    declared,
    outdir,
    ...(args.options.target ? { target: args.options.target as 'local' } : {}),
    ...(defaultTarget ? { defaultTarget: defaultTarget as 'local' } : {}),
    states: states.map((s) => status.parseGivenState(s, stacks)),
    pull: !!args.options.pull,
    refresh: !!args.options.refresh,
  });
  io.out(args.options.json ? formatJson(report) : formatTable(report));
  return exitCodeOf(report);
}
