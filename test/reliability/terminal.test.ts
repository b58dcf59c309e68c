/**
 * Terminal output is inert for every command: names, keys, values and messages that came
 * from a program, a model, a plan, a state or the command line are printed with control,
 * C1, bidirectional and invisible characters escaped (OSC 52 clipboard writes, title
 * changes, screen clears, carriage-return overwrites, bidi overrides), `--debug` traces
 * included. The escaping happens once, where everything is printed (lib/cli/io.ts), so the
 * commands listed by `xos --help` (those added later too) are each run here with hostile input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { hasUnsafe, printable } from '../../lib/util/printable';
import { tmpDir, xos } from '../helpers/tools';
import { fixture } from '../plan/fixtures';

const E = '\u001b]52;c;ZXZpbA==\u0007\u001b]0;owned\u0007\u001b[2J\r\u202e\u009b31m\u200f\u2066\u0085';

const PROGRAM = `import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Service, Site, User } from 'xos';
const E = ${JSON.stringify(E)};
const cloud = new Cloud({ name: \`hostile\${E}\` });
const site = new Site(cloud, \`site\${E}\`);
const alice = new User(cloud, 'alice', { site, publicKeys: [\`ssh-ed25519 AAAA \${E}\`] });
site.grant(alice, 'admin');
cloud.grant(alice, 'admin');
const image = new Image(cloud, \`img\${E}\`);
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, \`dep\${E}\`, { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController(\`head\${E}\`, { backend: 'external', sites: [site] });
const web = site.addSlice(\`web\${E}\`, { image, flavor, description: E });
web.grant(alice, 'admin');
// A Network to reach its provider over the Internet from (TGT-001 refuses a public connect without one).
web.addNetwork(\`lan\${E}\`, { cidr: '10.0.0.0/24', template: tpl });
web.addSliver(\`vm\${E}\`, { deployment: dep });
const a = new Service(cloud, \`svc\${E}\`, { slices: [web] });
const b = new Service(cloud, \`api\${E}\`, { controller: dep.addController(\`apictl\${E}\`, { backend: 'external' }) });
a.tenantOf(b, { connect: 'public', attributes: { note: E } });
cloud.synth();
`;

const THROWS = `throw new Error(${JSON.stringify(`boom${E}`)});\n`;

describe('every command prints input inert', () => {
  const dir = tmpDir('xos-terminal-');
  const program = path.join(dir, 'program');
  const out = path.join(dir, 'out');
  const model = path.join(out, 'xos-model.json');
  const plan = path.join(dir, `plan${E.replace(/[\u0000/]/g, '')}.json`);
  beforeAll(() => {
    fs.mkdirSync(program, { recursive: true });
    fs.writeFileSync(path.join(program, 'main.ts'), PROGRAM);
    fs.writeFileSync(path.join(dir, 'throws.ts'), THROWS);
    const doc = JSON.parse(fs.readFileSync(fixture('borchero-terraform-plan-comment/1-modify.plan.json'), 'utf8'));
    for (const rc of doc.resource_changes) {
      rc.address = `${rc.address}${E}`;
      rc.action_reason = `replace_because${E}`;
    }
    fs.writeFileSync(plan, JSON.stringify(doc));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const check = (args: string[]) => {
    const r = xos(args, { cwd: dir });
    const printed = r.stdout + r.stderr;
    const at = [...printed].findIndex((c) => hasUnsafe(c));
    expect({ args: args.map(printable), code: r.code, unsafe: at < 0 ? undefined : printable(printed.slice(Math.max(0, at - 40), at + 10)) }).toEqual({ args: args.map(printable), code: r.code, unsafe: undefined });
    return r;
  };

  test('synth, validate, status, view, graph, review and --debug traces', () => {
    expect(check(['synth', program, '--out', out, '--target', 'local', '--transpile-only']).code).toBe(0);
    expect(check(['synth', program, '--out', out, '--target', 'local', '--transpile-only', '--json']).code).toBe(0);
    check(['validate', program, '--transpile-only']);
    check(['validate', program, '--transpile-only', '--json']);
    check(['status', model, '--out', out]);
    check(['status', model, '--out', out, '--json']);
    check(['view', program, '--as', 'alice', '--transpile-only']);
    check(['view', program, '--as', `nobody${E}`, '--transpile-only']);
    for (const format of ['dot', 'mermaid', 'svg']) check(['graph', program, '--format', format, '--depth', 'all', '--transpile-only']);
    check(['review', '--plan', plan, '--model', model, '--base-model', model, '--actor', `alice${E}`]);
    check(['review', '--plan', plan, '--model', model, '--base-model', model, '--actor', 'alice', '--format', 'json']);
    const debug = check(['validate', path.join(dir, 'throws.ts'), '--debug', '--transpile-only']);
    expect(debug.stderr).toContain('boom\\u001b]52;c;ZXZpbA==\\u0007');
  });

  test('every command listed by xos --help, with a hostile argument and option', () => {
    const commands = [...xos(['--help']).stdout.matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThanOrEqual(7);
    for (const c of commands) {
      check([c, `missing${E}.ts`]);
      check([c, `--bad${E}`]);
    }
    check([`nope${E}`]);
  });

  test('--json output stays JSON and means the same: escapes are JSON escapes', () => {
    const r = xos(['validate', program, '--transpile-only', '--json'], { cwd: dir });
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(xos(['synth', program, '--out', out, '--target', 'local', '--transpile-only'], { cwd: dir }).code).toBe(0);
    const json = xos(['status', model, '--out', out, '--json'], { cwd: dir });
    // The escaped output parses back to the very characters the program used.
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(`site${E}`).slice(1, -1));
  });
});
