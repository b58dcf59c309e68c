import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { buildModel } from '../../lib/model/build';
import { canonicalJson } from '../../lib/model/canonical';
import { compileCloud } from '../../lib/compile';
import { recipeFromText, RECIPE_SCHEMA } from '../../lib/recipe/index';
import type { RecipeProblem } from '../../lib/recipe/index';
import { formatProblem } from '../../lib/recipe/source';
import { fill, hookFrom } from '../../lib/recipe/template';
import { loadExample, ROOT } from '../helpers/examples';
import { tmpDir, xos } from '../helpers/tools';

const CO_RECIPE = path.join(ROOT, 'examples', 'central-office', 'recipe.yaml');

/** Load recipe text (in a fake file beside the test) and return its problems. */
function problems(text: string): RecipeProblem[] {
  return [...recipeFromText(text, path.join(__dirname, 'inline.yaml')).problems];
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line holds ${needle}`);
  return i + 1;
}

const BASE = `cloud: t
sites:
  s1:
    slices:
      web:
        image: ubuntu
        flavor: small
        slivers:
          vm: { deployment: d1 }
images:
  ubuntu: {}
flavors:
  small: { cores: 2, ramMb: 2048 }
deployments:
  d1: { hostSites: [s1], acquireSites: [s1], images: [ubuntu], flavors: [small] }
`;

describe('the central-office recipe', () => {
  test('gives the same model, byte for byte, as main.ts (in process)', () => {
    const fromTs = canonicalJson(buildModel(loadExample('central-office')).model);
    const r = recipeFromText(fs.readFileSync(CO_RECIPE, 'utf8'), CO_RECIPE);
    expect(r.problems).toEqual([]);
    expect(canonicalJson(buildModel(r.cloud!).model)).toBe(fromTs);
  });

  test('xos synth writes byte-for-byte the same xos-model.json and stacks from recipe.yaml as from main.ts', () => {
    const dir = tmpDir('xos-recipe-');
    try {
      const a = xos(['synth', 'examples/central-office/recipe.yaml', '--out', path.join(dir, 'recipe')]);
      const b = xos(['synth', 'examples/central-office', '--out', path.join(dir, 'ts'), '--transpile-only']);
      expect(a.stderr).toBe('');
      expect([a.code, b.code]).toEqual([0, 0]);
      const model = fs.readFileSync(path.join(dir, 'recipe', 'xos-model.json'));
      expect(model.equals(fs.readFileSync(path.join(dir, 'ts', 'xos-model.json')))).toBe(true);
      const stacks = fs.readdirSync(path.join(dir, 'ts', 'stacks')).sort();
      expect(fs.readdirSync(path.join(dir, 'recipe', 'stacks')).sort()).toEqual(stacks);
      for (const s of stacks) {
        const f = (which: string) => fs.readFileSync(path.join(dir, which, 'stacks', s, 'cdk.tf.json'), 'utf8');
        expect(f('recipe')).toBe(f('ts'));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reports its rule violations at the YAML line that declares the object', () => {
    const text = fs.readFileSync(CO_RECIPE, 'utf8');
    const r = recipeFromText(text, CO_RECIPE);
    const c = compileCloud(r.cloud!, { relativeTo: ROOT });
    const net = c.violations.find((v) => v.id === 'NET-005');
    expect(net?.source).toBe(`examples/central-office/recipe.yaml:${lineOf(text, '  wan:')}`);
    expect(net?.acknowledged).toMatch(/publicly routable/);
  });

  test('is valid against the published schema, which ajv compiles in strict mode', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(RECIPE_SCHEMA);
    const { parse } = require('yaml') as typeof import('yaml');
    expect(validate(parse(fs.readFileSync(CO_RECIPE, 'utf8')))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'recipe.schema.json'), 'utf8'))).toEqual(RECIPE_SCHEMA);
  });
});

describe('recipe problems point at the line and column and name the fix', () => {
  test('a base recipe loads without problems', () => {
    expect(problems(BASE)).toEqual([]);
  });

  test('a misspelt key names the key, suggests the right one and lists the allowed keys', () => {
    const text = BASE.replace('        flavor: small', '        flavr: small');
    const ps = problems(text);
    const typo = ps.find((p) => p.message.includes("unknown key 'flavr'"));
    expect(typo?.position).toEqual({ line: lineOf(text, 'flavr'), column: 9 });
    expect(typo?.message).toMatch(/Did you mean 'flavor'\?/);
    expect(typo?.message).toMatch(/Allowed here: .*image, flavor/);
    const missing = ps.find((p) => p.message.includes("'flavor' is missing"));
    expect(missing?.position.line).toBe(lineOf(text, '      web:'));
    expect(missing?.message).toMatch(/Add 'flavor:' here/);
  });

  test('a value of the wrong type says what to write', () => {
    const text = BASE.replace('cores: 2', 'cores: two');
    const [p] = problems(text);
    expect(p.path).toEqual(['flavors', 'small', 'cores']);
    expect(p.position).toEqual({ line: lineOf(text, 'cores: two'), column: text.split('\n')[lineOf(text, 'cores: two') - 1].indexOf('two') + 1 });
    expect(p.message).toMatch(/is a string, but must be a whole number/);
  });

  test('an enum value suggests the closest allowed one', () => {
    const text = BASE + 'controllers:\n  c1: { backend: openstak, deployment: d1, sites: [s1] }\n';
    const [p] = problems(text);
    expect(p.message).toMatch(/'openstak' is not allowed here. Did you mean 'openstack'\? Write one of: openstack,/);
    expect(p.position.line).toBe(lineOf(text, 'openstak'));
  });

  test('a literal credential is refused without echoing it, and the fix names env and tfvar', () => {
    const text = BASE + 'controllers:\n  c1:\n    backend: openstack\n    credentials:\n      password: hunter2-secret\n';
    const ps = problems(text);
    expect(ps).toHaveLength(1);
    expect(ps[0].position.line).toBe(lineOf(text, 'password:'));
    expect(ps[0].message).toMatch(/\{ env: NAME \}.*\{ tfvar: NAME \}/);
    expect(JSON.stringify(ps)).not.toContain('hunter2');
  });

  test('a port out of range and a port of the wrong shape are told apart', () => {
    const text = BASE + "services:\n  svc:\n    slices: [web]\n    ports: [70000, 'http', { port: 80, protocol: tcpp }]\n";
    const ps = problems(text);
    expect(ps.map((p) => p.path.join('.'))).toEqual(['services.svc.ports.0', 'services.svc.ports.1', 'services.svc.ports.2.protocol']);
    expect(ps[0].message).toMatch(/70000 is out of range: it must be <= 65535/);
    expect(ps[1].message).toMatch(/a port number \(TCP\), or \{ port, protocol \}/);
    expect(ps[2].message).toMatch(/Did you mean 'tcp'\?/);
  });

  test('an unknown reference lists the known names and suggests the closest', () => {
    const text = BASE.replace('image: ubuntu\n', 'image: ubunt\n');
    const [p] = problems(text);
    expect(p.path).toEqual(['sites', 's1', 'slices', 'web', 'image']);
    expect(p.position).toEqual({ line: lineOf(text, 'image: ubunt'), column: 16 });
    expect(p.message).toBe("unknown Image 'ubunt'. Did you mean 'ubuntu'? Known Images: ubuntu. Name one of those or declare it under images.");
  });

  test('an ambiguous reference asks for the path', () => {
    const text = BASE.replace('  s1:\n', '  s2:\n    slices:\n      web: { image: ubuntu, flavor: small }\n  s1:\n') + 'services:\n  svc: { slices: [web] }\n';
    const ps = problems(text);
    expect(ps).toHaveLength(1);
    expect(ps[0].message).toMatch(/'web' is ambiguous: it names 2 Slices \(s2\/web, s1\/web\)\. Write the path/);
    expect(ps[0].position.line).toBe(lineOf(text, 'svc:'));
  });

  test('a reference to an object of another kind says what it is', () => {
    const text = BASE.replace('vm: { deployment: d1 }', 'vm: { node: d1 }');
    const [p] = problems(text);
    expect(p.message).toMatch(/^'d1' is a Deployment \(deployments\.d1\), not a Node\./);
  });

  test('two objects with one id are both named, the second at its line', () => {
    const text = BASE + 'users:\n  small: { site: s1 }\n';
    const [p] = problems(text);
    expect(p.position).toEqual({ line: lineOf(text, '  small: { site'), column: 3 });
    expect(p.message).toMatch(`already taken by the Flavor at line ${lineOf(text, 'small: { cores')}`);
  });

  test('a Sliver with no placement, or two, is told which to keep', () => {
    expect(problems(BASE.replace('vm: { deployment: d1 }', 'vm: {}'))[0].message).toMatch(/needs 'node:'.*or 'deployment:'/);
    const both = problems(BASE.replace('vm: { deployment: d1 }', "vm: { deployment: d1, node: 'x' }"));
    expect(both[0].message).toMatch(/not both/);
  });

  test('a YAML syntax error is reported at its line, not thrown', () => {
    const text = BASE.replace('  s1:\n', '  s1:\n    loginBase: a\n    loginBase: b\n');
    const [p] = problems(text);
    expect(p.position.line).toBe(lineOf(text, 'loginBase: b'));
    expect(p.message).toMatch(/Map keys must be unique.*remove or rename/);
  });

  test('an unknown placeholder, or an attribute the tenant schema lacks, is caught before any instance', () => {
    const text =
      BASE +
      "services:\n  p:\n    slices: [web]\n    tenantSchema: { type: object, properties: { size: { type: integer } } }\n    onTenantInstance:\n      - { id: v, type: volume, attributes: { a: '${sliverNmae}', b: '${attributes.sise}', c: '$${literal}' } }\n";
    const ps = problems(text);
    expect(ps.map((p) => p.path.slice(-1)[0])).toEqual(['a', 'b']);
    expect(ps[0].message).toMatch(/\$\{sliverNmae\} is not a placeholder/);
    expect(ps[1].message).toMatch(/declares no attribute 'sise' \(it declares: size\)/);
  });

  test('an empty file and a file that is not a map say how to start', () => {
    expect(problems('')[0].message).toMatch(/the recipe is empty. Start it with 'cloud: <name>'/);
    expect(problems('- a\n')[0].message).toMatch(/must be a map of sections/);
  });

  test('formats a problem as file:line:column: path: message', () => {
    const p = problems(BASE.replace('image: ubuntu\n', 'image: ubunt\n'))[0];
    expect(formatProblem('r.yaml', p)).toMatch(/^r\.yaml:6:16: sites\.s1\.slices\.web\.image: unknown Image 'ubunt'/);
  });
});

describe('per-tenant-instance templates', () => {
  const instance = { tenant: 'vCPE', provider: 'vBNG', tenancy: 'vCPE/tenant-of-vBNG', sliver: 'co1/vcpe/cpe-1', sliverName: 'cpe-1', slice: 'vcpe', attributes: { n: 3, sub: { cidr: '10.0.0.0/8' } } };

  test('a whole placeholder keeps the value, an embedded one becomes text, and $${ stays literal', () => {
    expect(fill({ a: '${attributes.n}', b: 'vol-${sliverName}-${attributes.n}', c: '$${sliver}', d: ['${attributes.sub}'] }, instance)).toEqual({ a: 3, b: 'vol-cpe-1-3', c: '${sliver}', d: [{ cidr: '10.0.0.0/8' }] });
  });

  test('a missing attribute fails with the template\'s place and the tenancy', () => {
    const hook = hookFrom([{ id: 'x', type: 'config', attributes: { s: '${attributes.missing}' }, where: 'r.yaml:9:7' }]);
    expect(() => hook(instance)).toThrow(/^r\.yaml:9:7: \$\{attributes\.missing\} has no value: the tenancy vCPE\/tenant-of-vBNG has no attributes\.missing/);
  });
});

describe('xos with a recipe', () => {
  test('validate prints every problem of a broken recipe with file:line:column and exits 1', () => {
    const dir = tmpDir('xos-recipe-cli-');
    try {
      const file = path.join(dir, 'broken.yaml');
      fs.writeFileSync(file, BASE.replace('flavor: small', 'flavor: smal').replace('d1: {', 'd1: { hostSite: [s1],'));
      const r = xos(['validate', file], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^xos: broken\.yaml has 1 problem:\n {2}broken\.yaml:15:9: deployments\.d1\.hostSite: unknown key 'hostSite'\. Did you mean 'hostSites'\?/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
