import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'graph',
  summary:
    'Draw the tenancy graph: Services as nodes, tenancy edges (tenant -> provider) labelled with the connect mode and the tenant instances they carry, external Services apart; with --depth, the Slices, Networks and Deployments beneath; with --chain, the chains of tenant instances of one User, Service or instance. svg and html need no Graphviz install (large pictures are laid out by Graphviz compiled to WebAssembly, which comes with xos); html is one self-contained page with the picture and the model to browse.',
  usage: 'xos graph [program] [--format mermaid|dot|svg|html] [--depth services|slices|all] [--chain USER|SERVICE|INSTANCE] [--out FILE]',
  positionals: ['program?'],
  options: [
    { name: 'format', type: 'string', description: 'output format', default: 'mermaid', choices: ['mermaid', 'dot', 'svg', 'html'], placeholder: 'FORMAT' },
    { name: 'depth', type: 'string', description: 'services only; slices adds Slices and their Networks; all adds Deployments', default: 'services', choices: ['services', 'slices', 'all'], placeholder: 'DEPTH' },
    { name: 'chain', type: 'string', description: "draw the chains of tenant instances that start at a User or Service, or run through an instance (<service>/<id>), with what each instance holds", placeholder: 'KEY' },
    { name: 'out', type: 'string', description: 'write to this file instead of standard output', placeholder: 'FILE' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { loadAndCompile } = await import('../pipeline');
  const { compiled } = loadAndCompile(args.positionals[0], { transpileOnly: !!args.options['transpile-only'] });
  const { renderGraph, renderGraphOf, buildChainGraph } = await import('../../graph/index');
  const { printable } = await import('../../util/printable');
  const format = args.options.format as import('../../graph/index').Format;
  const note = { note: (message: string) => io.err(`xos: note: ${printable(message)}\n`) };
  let text: string;
  if (typeof args.options.chain === 'string') {
    const { usageError } = await import('../../errors');
    const g = buildChainGraph(compiled.index, args.options.chain);
    if (typeof g === 'string') throw usageError(g);
    text = await renderGraphOf(g, compiled.built.model, format, note);
  } else text = await renderGraph(compiled.built.model, compiled.index, format, args.options.depth as import('../../graph/index').Depth, note);
  const out = args.options.out as string | undefined;
  if (!out) {
    io.out(text);
    return 0;
  }
  const fs = await import('fs');
  const path = await import('path');
  const { externalError } = await import('../../errors');
  const target = path.resolve(out);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw externalError(`could not write ${out}: ${(e as Error).message}. Check that the folder is writable.`);
  }
  const violations = compiled.errors ? ` (the model has ${compiled.errors} error${compiled.errors === 1 ? '' : 's'}: run 'xos validate')` : '';
  io.err(`wrote ${out}${violations}\n`);
  return 0;
}
