import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'verify',
  summary:
    "Prove the network: read the synthesized Terraform JSON of every stack (synthesizing first when given a program), compute the flows each back-end would admit (OpenStack Neutron, AWS VPC, local), and compare them with the flows the model intends (docs/flows.md). One line per FLOW violation, a summary per tenancy; exit 1 on any error. With --explain, why one packet passes, or where it stops.",
  usage: 'xos verify [program | DIR] [--target auto|local] [--json] [--explain <from> <to> [--port P] [--protocol tcp|udp|icmp]]   (default: the program cdktf.json runs)',
  positionals: ['program?', 'to?'],
  options: [
    { name: 'target', type: 'string', description: "for a program: the targets to synthesize in memory and prove ('auto': each stack's own; 'local': every stack terraform_data; default: XOS_TARGET, else the project's, else the Cloud's, else auto, as for xos synth). A DIR is proven as it was written", choices: ['auto', 'local'], placeholder: 'TARGET' },
    { name: 'json', type: 'boolean', description: 'print { ok, violations, summary, stacks } (or the explanation) as JSON' },
    { name: 'explain', type: 'string', description: "explain packets from FROM to the next argument: a Sliver's path, a Slice or Service (path or name), or 'internet'", placeholder: 'FROM' },
    { name: 'port', type: 'string', description: 'with --explain: the destination port (default: the ports of the tenancy between the two)', placeholder: 'P' },
    { name: 'protocol', type: 'string', description: 'with --explain: tcp, udp or icmp', default: 'tcp', choices: ['tcp', 'udp', 'icmp'], placeholder: 'PROTO' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const fs = await import('fs');
  const path = await import('path');
  const { usageError } = await import('../../errors');
  const { printable } = await import('../../util/printable');
  const explainFrom = args.options.explain as string | undefined;
  // --explain's second end is the last argument; the program, when given, comes before it (a
  // lone argument that is no file or folder is that end, the program then cdktf.json's).
  const onlyEnd = explainFrom !== undefined && args.positionals.length === 1 && !fs.existsSync(args.positionals[0]);
  const [given, explainTo] = onlyEnd ? [undefined, args.positionals[0]] : args.positionals;
  if (explainFrom !== undefined && explainTo === undefined) throw usageError(`--explain needs two ends: xos verify ${given ? `${printable(given)} ` : ''}--explain <from> <to>.`);
  if (explainFrom === undefined && explainTo !== undefined) throw usageError(`'xos verify' got an unexpected argument '${printable(explainTo)}'. Usage: ${spec.usage}`);
  const { programArgument, chooseTarget } = await import('../../project');
  const input = programArgument(given);

  const verify = await import('../../verify/index');
  const { ModelIndex } = await import('../../model/index');
  const isOutput = fs.existsSync(input) && fs.statSync(input).isDirectory() && fs.existsSync(path.join(input, 'xos-model.json'));
  let model;
  let graphs;
  let index;
  let sourceOf: ((key: string) => string | undefined) | undefined;
  let title: string;
  if (isOutput) {
    ({ model, graphs } = verify.readOutputGraphs(input));
    index = new ModelIndex(model);
    title = `${model.name} (${input}, as written)`;
  } else {
    const { loadAndCompile, printViolations } = await import('../pipeline');
    const { compiled, loaded } = loadAndCompile(input, { transpileOnly: !!args.options['transpile-only'] });
    if (compiled.errors) {
      if (args.options.json) io.out(JSON.stringify({ ok: false, violations: compiled.violations }, null, 2) + '\n');
      else printViolations(compiled, io);
      io.err(`xos: the model has errors: nothing to prove. Fix them first ('xos validate').\n`);
      return 1;
    }
    const { renderInMemory } = await import('../../synth/rendered');
    const target = chooseTarget(loaded.dir, { flag: args.options.target as string | undefined, cloud: loaded.cloud?.target }).target;
    const rendered = renderInMemory(compiled.layout, target);
    graphs = [...rendered.json].map(([name, tf]) => verify.readStack(tf, name));
    model = compiled.built.model;
    index = compiled.index;
    const { formatSource } = await import('../../rules/rule');
    sourceOf = (key) => formatSource(compiled.built.meta.sources.get(key), process.cwd());
    const counts = new Map<string, number>();
    for (const s of rendered.stacks) counts.set(s.target, (counts.get(s.target) ?? 0) + 1);
    title = `${model.name} (${path.relative(process.cwd(), loaded.file) || loaded.file}), target ${target} (${[...counts].map(([t, n]) => `${t}: ${n}`).join(', ')})`;
  }

  if (explainFrom !== undefined) {
    const port = args.options.port === undefined ? undefined : Number(args.options.port);
    if (port !== undefined && !Number.isInteger(port)) throw usageError(`--port '${printable(String(args.options.port))}' is not a number.`);
    const e = verify.explainFlow(model, index, graphs, explainFrom, explainTo!, port, args.options.protocol as string);
    if (args.options.json) io.out(JSON.stringify(e, null, 2) + '\n');
    else {
      const { explanationLines } = await import('../../verify/report');
      io.out(`xos verify: ${printable(title)}\n\n`);
      for (const l of explanationLines(e)) io.out(l + '\n');
    }
    return 0;
  }

  const result = verify.verifyGraphList(model, graphs, { ...(sourceOf ? { sourceOf } : {}) }, index);
  if (args.options.json) {
    io.out(JSON.stringify({ ok: result.errors === 0, violations: result.violations, summary: result.summary, stacks: result.stacks }, null, 2) + '\n');
    return result.errors ? 1 : 0;
  }
  const { summaryTable, verdictLine, violationLines } = await import('../../verify/report');
  io.out(`xos verify: ${printable(title)}\n\n`);
  for (const l of violationLines(result)) io.out(l + '\n');
  if (result.violations.length) io.out('\n');
  for (const l of summaryTable(result)) io.out(l + '\n');
  io.out(`\n${verdictLine(result)}\n`);
  return result.errors ? 1 : 0;
}
