import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'view',
  summary:
    'Show the cloud as one User sees it, from the read and write scopes of their roles: a tenant gets their Slices and Slivers, a subscriber the chains of tenant instances they hold (VLAN, bundle, subnet ...), a service developer the placement, networks, tenancy and instances of their Services, an operator every Service with its tenants, providers, instances and (given state) status. Lists the View objects the program declares.',
  usage: 'xos view [program] --as USER [--json] [--out DIR] [--state [STACK=]FILE ...]',
  positionals: ['program?'],
  options: [
    { name: 'as', type: 'string', description: 'the User whose view to show (name or key)', placeholder: 'USER' },
    { name: 'json', type: 'boolean', description: 'print the view as JSON' },
    { name: 'state', type: 'strings', description: "Terraform state (raw, or terraform show -json) for each Service's status, as xos status reads it; repeat for more stacks; STACK=FILE names its stack", placeholder: '[STACK=]FILE' },
    { name: 'out', type: 'string', description: "the synthesized output: each stack's state is read from its backend, as xos status does", placeholder: 'DIR' },
    { name: 'target', type: 'string', description: "the target --out was synthesized for (default: XOS_TARGET, else the project's, else the Cloud's, else auto)", choices: ['auto', 'local'], placeholder: 'TARGET' },
    { name: 'transpile-only', type: 'boolean', description: 'skip type checking the program (faster)' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const { usageError } = await import('../../errors');
  const who = args.options.as;
  if (typeof who !== 'string' || !who) throw usageError(`'xos view' needs --as USER: the User whose view to show. Usage: ${spec.usage}`);
  const { loadAndCompile } = await import('../pipeline');
  const { compiled, loaded } = loadAndCompile(args.positionals[0], { transpileOnly: !!args.options['transpile-only'] });
  const { findUser } = await import('../../views/access');
  const user = findUser(compiled.index, who);
  if (!user) {
    const known = compiled.built.model.users.map((u) => u.name);
    const { closest } = await import('../../recipe/suggest');
    const near = closest(who, known);
    const listed = known.length > 20 ? `${known.slice(0, 20).join(', ')} and ${(known.length - 20).toLocaleString('en-US')} more` : known.join(', ');
    throw usageError(`unknown user '${who}' in ${compiled.built.model.name}.${near ? ` Did you mean '${near}'?` : ''} Known users: ${known.length ? listed : '(none: the program declares no User)'}. Pass one of them to --as.`);
  }
  if (args.options.out !== undefined && !(args.options.state as string[] | undefined)?.length) {
    // The folder's stacks must be this program's, for the target it uses.
    const { chooseTarget } = await import('../../project');
    const { checkOutputFolder } = await import('../../synth/output-info');
    const target = chooseTarget(loaded.dir, { flag: args.options.target as string | undefined, cloud: loaded.cloud.target });
    checkOutputFolder(String(args.options.out), { cloud: compiled.built.model.name, target, program: args.positionals[0], use: "the view reads each Service's status from the state its stacks keep", targetFlag: true });
  }
  const { statusSource } = await import('../../views/state-source');
  const status = await statusSource(compiled, { states: args.options.state as string[] | undefined, out: args.options.out as string | undefined });
  const { buildView } = await import('../../views/report');
  const view = buildView(compiled.index, user.key, status);
  if (args.options.json) io.out(JSON.stringify(view, null, 2) + '\n');
  else {
    const { renderView } = await import('../../views/render');
    io.out(renderView(view));
  }
  return 0;
}
