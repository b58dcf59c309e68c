import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'init',
  summary:
    "Make a new project: package.json (xos, the cdktf CLI, jest), tsconfig.json, cdktf.json (the local target, offline), main.ts from an example, a jest test with xos/testing, .gitignore and the GitHub plan-review workflow; then npm install. Afterwards 'npx xos validate', 'npx xos synth', 'npx cdktf synth', 'npx cdktf deploy' and 'npm test' work with no argument.",
  usage: 'xos init [dir] [--example hello|central-office] [--tarball FILE | --xos SPEC] [--skip-install]',
  positionals: ['dir?'],
  options: [
    { name: 'example', type: 'string', description: 'the program to start from', default: 'hello', choices: ['hello', 'central-office'], placeholder: 'NAME' },
    { name: 'tarball', type: 'string', description: "depend on this xos tarball (from npm pack), copied into the project's vendor/ folder so that npm ci works in CI too", placeholder: 'FILE' },
    { name: 'xos', type: 'string', description: "the dependency on xos as package.json writes it (a version range, 'github:owner/xos#tag', 'file:../xos' ...)", placeholder: 'SPEC' },
    { name: 'skip-install', type: 'boolean', description: "write the files only; run 'npm install' yourself" },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const fs = await import('fs');
  const path = await import('path');
  const { usageError, externalError } = await import('../../errors');
  const { scaffoldFiles, writeScaffold, checkTargetFolder, xosVersion } = await import('../../init/scaffold');
  const dir = args.positionals[0] ?? '.';
  const example = args.options.example as 'hello' | 'central-office';
  const tarball = args.options.tarball as string | undefined;
  const given = args.options.xos as string | undefined;
  if (tarball !== undefined && given !== undefined) throw usageError('--tarball and --xos both say where xos comes from: give one.');
  checkTargetFolder(path.resolve(dir));

  let xosSpec: string;
  const extra = new Map<string, string>();
  if (tarball !== undefined) {
    if (!fs.existsSync(tarball) || !fs.statSync(tarball).isFile()) throw usageError(`--tarball ${tarball}: no such file. Make one with 'npm pack' in a clone of xos.`);
    const name = path.basename(tarball);
    if (!name.endsWith('.tgz')) throw usageError(`--tarball ${tarball} is not a .tgz made by 'npm pack'.`);
    extra.set(path.join('vendor', name), path.resolve(tarball));
    xosSpec = `file:vendor/${name}`;
  } else if (given !== undefined) {
    if (!given.trim()) throw usageError('--xos is empty: give a version range, a git or file spec.');
    xosSpec = given;
  } else {
    xosSpec = `^${xosVersion()}`;
  }

  const files = scaffoldFiles({ dir, example, xosSpec });
  writeScaffold(dir, files, extra);
  const shown = path.relative(process.cwd(), path.resolve(dir)) || '.';
  io.out(`xos init: wrote ${[...files.keys(), ...extra.keys()].sort().join(', ')} into ${shown} (example ${example}, xos ${xosSpec})\n`);

  if (!args.options['skip-install']) {
    io.out('running npm install ...\n');
    const { spawnSync } = await import('child_process');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: path.resolve(dir), stdio: 'inherit' });
    if (r.status !== 0)
      throw externalError(`npm install failed in ${shown} (${r.error ? r.error.message : `exit ${r.status}`}). The project is written: fix the cause (the network, the registry) and run 'npm install' there.`);
  }
  const cd = shown === '.' ? '' : `cd ${shown} && `;
  io.out(
    [
      '',
      'Next:',
      `  ${cd}npx xos validate       check every rule (--watch: on every save)`,
      `  ${cd}npx xos synth          write Terraform into cdktf.out`,
      `  ${cd}npx cdktf deploy${example === 'hello' ? '   ' : " '*'"}    apply it offline (the local target; see cdktf.json)`,
      `  ${cd}npm test               run main.test.ts`,
      '',
    ].join('\n'),
  );
  return 0;
}
