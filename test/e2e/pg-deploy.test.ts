/**
 * `cdktf deploy '*'` of a program with several stacks, all keeping their state in one fresh
 * PostgreSQL database, as a user runs it: no flag, no edit. Terraform's pg backend locks the
 * whole database while a stack's first state is created (for that stack's whole first
 * apply), so stacks deployed side by side fail ("Already locked for workspace creation");
 * xos orders the stacks of one database one after another.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { bigProgram } from '../helpers/big-program';
import { startPostgres, type PgServer } from '../helpers/postgres';
import { describeWith, repoTmpDir, terraformEnv } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');

describeWith('postgres', "cdktf deploy '*' of four stacks into one fresh PostgreSQL database", () => {
  let pg: PgServer | undefined;
  // Inside the repository, so that the program resolves the library by name as a user's does.
  const project = repoTmpDir('pg-deploy-');
  let deploy: { code: number; out: string } = { code: -1, out: '' };

  beforeAll(async () => {
    pg = await startPostgres();
    fs.writeFileSync(path.join(project, 'main.ts'), bigProgram({ name: 'four-stacks', sites: 4, sitesPerStack: 1 }));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true } }));
    const tsNode = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
    fs.writeFileSync(
      path.join(project, 'cdktf.json'),
      JSON.stringify({ language: 'typescript', app: `node ${tsNode} --transpile-only main.ts`, output: 'cdktf.out', sendCrashReports: 'false', terraformProviders: [], terraformModules: [], context: { 'xos:target': 'local' } }),
    );
    fs.writeFileSync(path.join(project, 'xos.config.json'), JSON.stringify({ backend: { type: 'pg', connStr: pg.url } }));
    const env = terraformEnv({ CI: '1', FORCE_COLOR: '0', DISABLE_VERSION_CHECK: '1', TF_VAR_OS_PASSWORD: 'unused' });
    delete env.XOS_TARGET;
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['deploy', '*', '--auto-approve'], { cwd: project, env, encoding: 'utf8', timeout: 900_000 });
    deploy = { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  });

  afterAll(() => {
    pg?.stop();
    fs.rmSync(project, { recursive: true, force: true });
  });

  test('every stack deploys, with nothing locked out', () => {
    expect({ code: deploy.code, locked: /already locked/i.test(deploy.out), tail: deploy.code === 0 ? '' : deploy.out.slice(-3000) }).toEqual({ code: 0, locked: false, tail: '' });
  });

  test("every stack's state holds its resources: the model's, all applied", () => {
    for (const stack of ['ctl-0', 'ctl-1', 'ctl-2', 'ctl-3']) {
      const declared = Object.keys(JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8')).resource.terraform_data).length;
      const pulled = spawnSync('terraform', ['state', 'pull'], { cwd: path.join(project, 'cdktf.out', 'stacks', stack), env: terraformEnv(), encoding: 'utf8' });
      expect({ stack, code: pulled.status }).toEqual({ stack, code: 0 });
      expect({ stack, resources: (JSON.parse(pulled.stdout) as { resources: unknown[] }).resources.length }).toEqual({ stack, resources: declared });
    }
  });

  test('the stacks of the one database are ordered one after another in the manifest', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    const names = Object.keys(manifest.stacks).sort();
    expect(names).toEqual(['ctl-0', 'ctl-1', 'ctl-2', 'ctl-3']);
    expect(names.map((n) => manifest.stacks[n].dependencies)).toEqual([[], ['ctl-0'], ['ctl-1'], ['ctl-2']]);
  });

  test('each stack keeps its state in its own schema of the database', () => {
    for (const stack of ['ctl-0', 'ctl-1', 'ctl-2', 'ctl-3'])
      expect(JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8')).terraform.backend).toEqual({ pg: { conn_str: pg!.url, schema_name: `xos_${stack.replace('-', '_')}` } });
  });
});
