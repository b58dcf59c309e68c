#!/usr/bin/env node
/**
 * The xos command line. Each command lives in its own module and is loaded only when it
 * runs, so `xos --help` stays instant.
 */
import { COMMON_OPTIONS, helpText, parseArgs, type CommandSpec, type ParsedArgs } from '../lib/cli/args';
import { inertIo, processIo, type Io } from '../lib/cli/io';
import { isXosError } from '../lib/errors';

interface CommandModule {
  spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  validate: { summary: 'check a program against every static rule', load: () => import('../lib/cli/commands/validate') },
  synth: { summary: 'validate, then write Terraform (one stack per Controller) and xos-model.json, proven to admit exactly the intended flows', load: () => import('../lib/cli/commands/synth') },
  verify: { summary: 'prove what the synthesized network lets through is exactly what the model intends (FLOW rules); --explain one flow', load: () => import('../lib/cli/commands/verify') },
  rules: { summary: 'list the rules and their ids', load: () => import('../lib/cli/commands/rules') },
  status: { summary: "diff each back-end's Terraform state against the model: in-sync, pending, drifted, failed, orphaned", load: () => import('../lib/cli/commands/status') },
  review: { summary: 'review Terraform plans in the model\'s words: changes by object, who may make them, rule violations', load: () => import('../lib/cli/commands/review') },
  view: { summary: 'show the cloud as one User sees it (tenant, developer, operator)', load: () => import('../lib/cli/commands/view') },
  graph: { summary: 'draw the tenancy graph (mermaid, dot, svg, or a self-contained html page)', load: () => import('../lib/cli/commands/graph') },
  rehearse: { summary: 'terraform init, validate, plan and apply of every stack against a provider harness with the real schemas: offline, no credentials', load: () => import('../lib/cli/commands/rehearse') },
  init: { summary: 'make a new project (package.json, tsconfig, cdktf.json, main.ts, a jest test, the plan-review workflow)', load: () => import('../lib/cli/commands/init') },
};

function mainHelp(): string {
  const lines = ['Usage: xos <command> [options]', '', 'XOS as a compiler: check a service-graph program and synthesize Terraform.', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', `Run 'xos <command> --help' for a command's options. Common options: ${COMMON_OPTIONS.map((o) => `--${o.name}`).join(', ')}.`);
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[], given: Io = processIo): Promise<number> {
  // The output layer: everything any command prints is made inert and free of secrets here, once.
  const io = inertIo(given);
  const [name, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name ? 0 : 1;
  }
  if (name === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    io.out(`${require('../../package.json').version}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`xos: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}.\n`);
    return 1;
  }
  try {
    const cmd = await entry.load();
    const args = parseArgs(cmd.spec, rest);
    if (args.options.help) {
      io.out(helpText(cmd.spec));
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (isXosError(e)) {
      const label = e.kind === 'external' ? 'xos: error' : 'xos';
      io.err(`${label}: ${e.message}\n`);
      if (debug && e.detail) io.err(`${e.detail}\n`);
      else if (e.detail) io.err(`(run with --debug for the full trace)\n`);
      return 1;
    }
    io.err(`xos: internal error: ${String((e as Error)?.message ?? e)}\nThis is a bug in xos; please report it${debug ? '' : ' with the output of --debug'}.\n`);
    if (debug) io.err(`${(e as Error)?.stack ?? ''}\n`);
    return 1;
  }
}

if (require.main === module) {
  // Errors nobody caught end the run cleanly; a timer a program left running does not keep it alive.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const fatal = require('../lib/cli/fatal') as typeof import('../lib/cli/fatal');
  fatal.installFatalHandlers(process.argv.includes('--debug'));
  main(process.argv.slice(2)).then(
    (code) => fatal.exitWhenFlushed(code),
    (e) => {
      inertIo(processIo).err(`xos: internal error: ${e}\n`);
      fatal.exitWhenFlushed(1);
    },
  );
}
