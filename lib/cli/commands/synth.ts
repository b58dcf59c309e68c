import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'synth',
  summary: 'Validate, then write cdktf output: manifest.json, one stacks/<stack>/cdk.tf.json per Controller, and xos-model.json. With any error nothing is written.',
  usage: 'xos synth [program | xos-model.json] [--out DIR] [--target auto|local] [--since DIR] [--backends-from DIR] [--strict] [--locked] [--json]',
  positionals: ['program?'],
  options: [
    { name: 'out', type: 'string', description: 'output directory', default: 'cdktf.out', placeholder: 'DIR' },
    { name: 'target', type: 'string', description: "synthesis target: 'auto' picks each stack's from its Controller (openstack -> openstack, ec2 and s3 -> aws, others -> local); 'local' makes every stack terraform_data (default: XOS_TARGET, else the project's: xos.config.json \"target\" or cdktf.json context \"xos:target\", else the Cloud's, else auto)", choices: ['auto', 'local'], placeholder: 'TARGET' },
    { name: 'since', type: 'string', description: "report which stacks' output changed against this earlier output directory (it may be --out itself), so CI plans only those", placeholder: 'DIR' },
    { name: 'backends-from', type: 'string', description: "take each stack's backend from the stacks of this earlier output (read as data, checked as a program's settings are); stacks it lacks get the default local state. With an xos-model.json as the program, this renders a model someone else synthesized, with backends you choose (the plan-review workflow renders the pull request's model this way)", placeholder: 'DIR' },
    { name: 'strict', type: 'boolean', description: 'warnings fail the run too' },
    {
      name: 'locked',
      type: 'boolean',
      description: 'allocate nothing and leave xos.allocations.json as it is (CI; XOS_LOCKED=1 does the same): a pool value missing from it, or stale in it, is a TNI-005 error. Without it, new allocations are recorded there (review and commit the file)',
    },
    { name: 'json', type: 'boolean', description: 'print the result as JSON' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { loadAndCompile, compileModelFile, printViolations, printSynthSummary, recordAllocations, allocationLines, modelCounts } = await import('../pipeline');
  const locked = !!args.options.locked || process.env.XOS_LOCKED === '1';
  // A program is run; an xos-model.json (as `xos synth` wrote it) is read as data and rendered:
  // its instances carry their allocated values, and no allocations file is read or written.
  const fromModel = args.positionals[0] !== undefined && /\.json$/i.test(args.positionals[0]);
  const { compiled, loaded, allocations } = fromModel ? { ...compileModelFile(args.positionals[0]), allocations: undefined } : loadAndCompile(args.positionals[0], { transpileOnly: !!args.options['transpile-only'], locked });
  const strict = !!args.options.strict;
  const failed = compiled.errors > 0 || (strict && compiled.warnings > 0);
  if (failed) {
    if (args.options.json) io.out(JSON.stringify({ ok: false, violations: compiled.violations }, null, 2) + '\n');
    else printViolations(compiled, io, strict);
    io.err(`xos: nothing was written${compiled.errors ? '' : ' (--strict: warnings fail the run)'}.\n`);
    return 1;
  }
  const { synthesizeAtomicallyInterruptible } = await import('../../synth/output');
  const { isInterrupted } = await import('../../synth/atomic');
  const { resolveBackendSettings, settingsFromStacks } = await import('../../synth/backend');
  const backendsFrom = args.options['backends-from'] === undefined ? undefined : String(args.options['backends-from']);
  const backends = backendsFrom !== undefined ? settingsFromStacks(backendsFrom) : loaded.cloud ? resolveBackendSettings(loaded.cloud, loaded.dir) : undefined;
  const { chooseTarget } = await import('../../project');
  const target = chooseTarget(loaded.dir, { flag: args.options.target as string | undefined, cloud: loaded.cloud?.target }).target;
  const since = args.options.since === undefined ? undefined : String(args.options.since);
  const { snapshotStacks, compareSnapshots } = await import('../../synth/since');
  // Taken before writing: --since may name the output directory itself.
  const before = since === undefined ? undefined : snapshotStacks(since);
  // What the previous output derived (tenancy networks, gateways, routes out), to say what moved.
  const { readDerived, derivedOf, diffDerived } = await import('../../synth/derived');
  const derivedBefore = readDerived(String(args.options.out));
  let result;
  try {
    result = await synthesizeAtomicallyInterruptible(compiled, { outdir: String(args.options.out), target, backends, relativeTo: process.cwd(), ...(fromModel ? {} : { program: loaded.file }) });
  } catch (e) {
    const { isProofFailed } = await import('../../verify/index');
    if (isProofFailed(e)) {
      if (args.options.json) io.out(JSON.stringify({ ok: false, violations: [...compiled.violations, ...e.proof.violations], summary: e.proof.summary }, null, 2) + '\n');
      else {
        const { violationLines } = await import('../../verify/report');
        for (const l of violationLines(e.proof)) io.out(l + '\n');
      }
      io.err(`xos: ${e.message}\n`);
      return 1;
    }
    if (!isInterrupted(e)) throw e;
    io.err(`xos: ${e.message}.\n`);
    return e.exitCode;
  }
  const derived = derivedOf(compiled.built.model, compiled.layout);
  const derivedChanges = derivedBefore ? diffDerived(derivedBefore, derived) : undefined;
  const changes = before && compareSnapshots(before, snapshotStacks(String(args.options.out)));
  // Written after the output: a synth that failed records nothing. (--locked: nothing to record.)
  const recorded = !locked && !!allocations && recordAllocations(compiled, allocations);
  if (args.options.json) {
    const allocation = compiled.built.meta.allocation;
    io.out(
      JSON.stringify(
        {
          ok: true,
          outdir: String(args.options.out),
          target,
          model: modelCounts(compiled.built.model),
          stacks: result.stacks,
          violations: compiled.violations,
          unplaced: compiled.layout.unplaced,
          proof: result.proof?.summary ?? [],
          derived,
          ...(derivedChanges ? { derivedChanges } : {}),
          ...(allocation?.changes.length && allocations ? { allocations: { file: allocations.file, recorded, changes: allocation.changes } } : {}),
          ...(changes ? { since, changes } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    // Say which target each back-end got: `auto (openstack: 2, aws: 1, local: 1)`.
    const counts = new Map<string, number>();
    for (const s of result.stacks) counts.set(s.target ?? 'local', (counts.get(s.target ?? 'local') ?? 0) + 1);
    const targets = `${target} (${[...counts].map(([t, n]) => `${t}: ${n}`).join(', ')})`;
    printSynthSummary(compiled, result, io, { program: loaded.file, out: String(args.options.out), target: targets, derived, derivedChanges });
    if (allocations) for (const l of allocationLines(compiled, allocations, recorded)) io.out(`${l}\n`);
    if (changes) {
      const list = (xs: readonly string[]) => (xs.length ? xs.join(' ') : 'none');
      io.out(`since ${since}: changed ${list(changes.changed)}; added ${list(changes.added)}; removed ${list(changes.removed)}; ${changes.unchanged.length} unchanged\n`);
    }
  }
  return 0;
}
