import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'rehearse',
  summary:
    'Rehearse a deployment offline: synthesize with the auto target (or take an output folder), then run terraform init, validate, plan and apply in a scratch copy of every stack against a provider harness serving the real OpenStack and AWS schemas with simulated computed values. No cloud, no credentials; your backends are never touched. Exit 0 only when every stack applied.',
  usage: 'xos rehearse [program | DIR] [--out DIR] [--scratch DIR] [--openstack-schema 3|1.53] [--parallelism N] [--timeout SECONDS] [--launch] [--json]',
  positionals: ['program?'],
  options: [
    { name: 'out', type: 'string', description: 'with a program: synthesize into DIR (default: a temporary folder, removed afterwards)', placeholder: 'DIR' },
    { name: 'scratch', type: 'string', description: 'keep the scratch copy (stacks, states, plans and their JSON, the simulated cloud) in DIR, which must be new or empty (default: a temporary folder, removed afterwards)', placeholder: 'DIR' },
    { name: 'openstack-schema', type: 'string', description: "the OpenStack provider schema to rehearse against: '3' (the current major, default) or '1.53'", default: '3', choices: ['3', '1.53'], placeholder: 'VERSION' },
    { name: 'parallelism', type: 'string', description: 'stacks run at once (default 2)', placeholder: 'N' },
    { name: 'timeout', type: 'string', description: 'give up on one Terraform command of a stack after SECONDS (default: 300, and a quarter of a second more per resource the stack declares)', placeholder: 'SECONDS' },
    { name: 'launch', type: 'boolean', description: 'let terraform start the harness as a provider plugin (installed from a filesystem mirror that a CLI configuration in the scratch folder names) instead of attaching to this process: slower, as a real provider runs' },
    { name: 'json', type: 'boolean', description: 'print the result as JSON' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const fs = await import('fs');
  const os = await import('os');
  const path = await import('path');
  const { usageError } = await import('../../errors');
  const { printable } = await import('../../util/printable');
  // No argument: the project's program, as cdktf.json names it (a project made by xos init).
  const { programArgument } = await import('../../project');
  const arg = programArgument(args.positionals[0]);
  const abs = path.resolve(arg);
  const isOutput = fs.existsSync(abs) && fs.statSync(abs).isDirectory() && fs.existsSync(path.join(abs, 'manifest.json')) && !fs.existsSync(path.join(abs, 'main.ts'));
  const parallelism = args.options.parallelism === undefined ? 2 : Number(args.options.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64) throw usageError(`--parallelism '${args.options.parallelism}' is not a whole number from 1 to 64.`);
  const timeoutSeconds = args.options.timeout === undefined ? undefined : Number(args.options.timeout);
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 86_400))
    throw usageError(`--timeout '${args.options.timeout}' is not a whole number of seconds from 1 to 86400 (a day).`);
  const scratchArg = args.options.scratch === undefined ? undefined : path.resolve(String(args.options.scratch));
  if (scratchArg && fs.existsSync(scratchArg) && (!fs.statSync(scratchArg).isDirectory() || fs.readdirSync(scratchArg).length))
    throw usageError(`--scratch ${args.options.scratch} is not a new or empty folder. Give a folder that does not exist yet, so that nothing of yours is mixed with the rehearsal's states.`);
  if (isOutput && args.options.out !== undefined) throw usageError(`${arg} is already a synthesized output folder; --out is for synthesizing a program.`);

  const { spawnSync } = await import('child_process');
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    throw usageError('xos rehearse runs Terraform, which is not on the PATH here. Install Terraform 1.4 or later (no provider download and no cloud account are needed).');

  const temps: string[] = [];
  const temp = (prefix: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temps.push(d);
    return d;
  };
  try {
    // The stacks: an output folder as given, or the program synthesized with the auto target.
    let outdir = abs;
    let label = arg;
    if (!isOutput) {
      const { loadAndCompile, printViolations } = await import('../pipeline');
      const { compiled, loaded } = loadAndCompile(arg, { transpileOnly: !!args.options['transpile-only'] });
      if (compiled.errors > 0) {
        printViolations(compiled, io);
        io.err('xos rehearse: the program breaks rules (see above); nothing was rehearsed.\n');
        return 1;
      }
      const { synthesizeAtomically } = await import('../../synth/output');
      const { resolveBackendSettings } = await import('../../synth/backend');
      outdir = args.options.out === undefined ? path.join(temp('xos-rehearse-out-'), 'out') : path.resolve(String(args.options.out));
      synthesizeAtomically(compiled, { outdir, target: 'auto', backends: resolveBackendSettings(loaded.cloud, loaded.dir), program: loaded.file });
      label = `${compiled.built.model.name} (${path.relative(process.cwd(), loaded.file) || loaded.file})`;
    }
    const scratch = scratchArg ?? path.join(temp('xos-rehearse-'), 'scratch');
    const { startHarness } = await import('../../rehearse/harness');
    const { rehearse } = await import('../../rehearse/run');
    const { openstackSchemaLabel, awsSchema } = await import('../../rehearse/schemas');
    const openstack = String(args.options['openstack-schema']) as '3' | '1.53';
    const harness = await startHarness({ dir: path.join(scratch, 'harness'), openstack, launch: !!args.options.launch });
    let result;
    try {
      result = await rehearse({ outdir, scratch, harness, parallelism, ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }) });
    } finally {
      await harness.stop();
    }
    const schemas = { openstack: openstackSchemaLabel(openstack), aws: `hashicorp/aws ${awsSchema().provider_version} (derived from @cdktf/provider-aws)` };
    if (args.options.json) {
      io.out(`${JSON.stringify({ ...result, program: label, schemas, kept: !!scratchArg }, null, 2)}\n`);
    } else {
      const { formatRehearsal } = await import('../../rehearse/report');
      io.out(formatRehearsal(result, { label: printable(label), schemas, kept: !!scratchArg, outKept: isOutput || args.options.out !== undefined }));
    }
    return result.ok ? 0 : 1;
  } finally {
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  }
}
