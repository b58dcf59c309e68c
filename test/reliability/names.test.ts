/**
 * Names: any model key maps to a valid, unique, stable Terraform resource name and stack
 * folder; a collision that cannot be avoided is an error naming both objects.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from '../../lib/index';
import { compileCloud } from '../../lib/compile';
import { fnv1a } from '../../lib/model/cidr';
import { resourceName, stackName } from '../../lib/synth/names';
import { synthesizeAtomically } from '../../lib/synth/output';
import { filesBelow } from '../helpers/examples';
import { describeWith, terraform, tmpDir } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const TF_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const STACK = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const PREFIXES = ['site', 'user', 'grant', 'deployment', 'controller', 'node', 'image', 'flavor', 'template', 'slice', 'sliver', 'network', 'service', 'tenancy', 'port', 'secgroup', 'secrule'];

/** Characters that stress a name mapping: separators, dots, spaces, unicode, astral, controls. */
const awkwardChar = fc.oneof(
  fc.constantFrom('/', '_', '-', '.', ' ', '__', '_/', '/_', '-/', 'é', 'ü', 'İ', 'ı', 'ß', '日本', '🚀', '\u0000', '\t', '\n', '"', '$', '{', '}', '\\'),
  fc.fullUnicode(),
  fc.char(),
);
/** A key: a mix of plain and awkward characters, sometimes very long. */
const key = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(awkwardChar, fc.constantFrom('a', 'B', '0', '9')), { maxLength: 40 }).map((xs) => xs.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 150, max: 10_000 })).map(([s, n]) => (s + 'x').repeat(n).slice(0, n)) },
);

/** A second key that is confusable with the first: same spelling once cleaned, or a long shared prefix. */
function confusable(k: string, pick: number): string {
  const variants = [
    k.replace('/', '__'),
    k.replace('__', '/'),
    k.replace('_/', '/_'),
    k.replace('/_', '_/'),
    k.replace(/[^A-Za-z0-9_/-]/, (c) => (c === 'é' ? 'ü' : 'é')),
    `${k}.`,
    `${k} `,
    k.toUpperCase(),
    k.length > 200 ? `${k.slice(0, -1)}${k.endsWith('y') ? 'z' : 'y'}` : `${k}${'a'.repeat(250)}`,
  ];
  return variants[pick % variants.length];
}

describe('resourceName', () => {
  test('is a valid Terraform resource name of at most 200 characters for any key', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), key, (prefix, k) => {
        const n = resourceName(prefix, k);
        expect(n).toMatch(TF_NAME);
        expect(n.length).toBeLessThanOrEqual(200);
        expect(n.startsWith(`${prefix}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('gives different keys different names, even keys that look alike once cleaned', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), key, fc.nat(), (prefix, a, pick) => {
        const b = confusable(a, pick);
        fc.pre(a !== b);
        expect(resourceName(prefix, a)).not.toBe(resourceName(prefix, b));
      }),
      { numRuns: 1000 },
    );
  });

  test('keeps a plain key readable: slashes become double underscores and nothing is hashed', () => {
    expect(resourceName('sliver', 'princeton/hello/vm1')).toBe('sliver_princeton__hello__vm1');
    expect(resourceName('site', 'co-1_a')).toBe('site_co-1_a');
  });

  test('tells apart keys whose underscores touch a slash (a_/b and a/_b)', () => {
    const a = resourceName('slice', 'a_/b');
    const b = resourceName('slice', 'a/_b');
    expect(a).not.toBe(b);
    expect(a).toMatch(TF_NAME);
  });

  test('is the same in another process with another locale and time zone', () => {
    const keys = fc.sample(key, { numRuns: 200, seed: 42 });
    const here = keys.map((k) => resourceName('slice', k));
    const script = `const { resourceName } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'synth', 'names.js'))});
      const keys = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      process.stdout.write(JSON.stringify(keys.map((k) => resourceName('slice', k))));`;
    const r = spawnSync(process.execPath, ['-e', script], { input: JSON.stringify(keys), encoding: 'utf8', env: { ...process.env, LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Pacific/Kiritimati' }, maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(here);
  });
});

describe('stackName', () => {
  test('is a valid folder and stack name of at most 100 characters for any name', () => {
    fc.assert(
      fc.property(key, (k) => {
        const n = stackName(k);
        expect(n).toMatch(STACK);
        expect(n.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 500 },
    );
  });

  test('gives different names different stacks', () => {
    fc.assert(
      fc.property(key, fc.nat(), (a, pick) => {
        const b = confusable(a, pick);
        fc.pre(a !== b);
        expect(stackName(a)).not.toBe(stackName(b));
      }),
      { numRuns: 1000 },
    );
  });

  test('leaves a plain name as it is', () => {
    expect(stackName('co1-openstack')).toBe('co1-openstack');
  });
});

/** A cloud whose Site ids are `ids`, all served by one Controller (so all share one stack). */
function cloudWithSites(ids: readonly string[], stackNames: readonly string[] = ['head']): Cloud {
  Cloud.reset();
  const cloud = new Cloud({ name: 'names' });
  const image = new Image(cloud, 'img');
  const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const dep = new Deployment(cloud, 'dep', { images: [image], flavors: [flavor], networkTemplates: [tpl] });
  const sites = ids.map((id) => new Site(cloud, id));
  for (const site of sites) {
    dep.allowHosting(site).allowAcquire(site);
    const admin = new User(cloud, `admin of ${site.node.id}`, { site });
    site.grant(admin, 'admin');
    const slice = site.addSlice(`slice of ${site.node.id}`, { image, flavor });
    slice.grant(admin, 'admin');
    slice.addNetwork('net.0', { cidr: '10.0.0.0/24', template: tpl });
    slice.addSliver('1st vm', { deployment: dep });
  }
  stackNames.forEach((s, i) => dep.addController(`ctl${i}`, { backend: 'openstack', sites: i === 0 ? sites : [], stackName: s, credentials: { password: Secret.env('OS_PASSWORD') } }));
  return cloud;
}

const AWKWARD_IDS = ['my site', 'Zürich', '東京', 'site.v2', '2nd-site', 'x'.repeat(10_000), 'x'.repeat(9_999) + 'y', 'a_', 'a/b', 'a--b ', 'emoji 🚀', 'tab\tsite'];

describe('names through the compiler', () => {
  test('a cloud of awkward ids (spaces, unicode, dots, leading digits, 10,000 characters) compiles with no collision', () => {
    const c = compileCloud(cloudWithSites(AWKWARD_IDS));
    expect(c.violations.filter((v) => v.severity === 'error')).toEqual([]);
    const names = c.layout.stacks.flatMap((s) => s.resources.map((r) => r.name));
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(TF_NAME);
  });

  test('gives each awkward object the same name in every compile', () => {
    const names = () => compileCloud(cloudWithSites(AWKWARD_IDS)).layout.stacks.flatMap((s) => s.resources.map((r) => `${r.model} ${r.name}`));
    expect(names()).toEqual(names());
  });

  test('two objects whose names collide are an XOS-NAME error that names both, and nothing is overwritten', () => {
    // Two ids of CJK characters: both clean to '___', and their hashes agree in the six hex
    // digits a name keeps (a 24-bit hash collides this way once in a few thousand pairs).
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let a = 0x4e00; a < 0x4e00 + 200 && !pair; a++)
      for (let b = 0x4e00; b < 0x4e00 + 200 && !pair; b++)
        for (const c of [0x3042, 0x30a2, 0xac00]) {
          const id = String.fromCharCode(a, b, c);
          const h = fnv1a(id).toString(16).padStart(8, '0').slice(0, 6);
          const other = seen.get(h);
          if (other) {
            pair = [other, id];
            break;
          }
          seen.set(h, id);
        }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    expect(resourceName('site', a)).toBe(resourceName('site', b));
    const c = compileCloud(cloudWithSites([a, b]));
    const v = c.violations.filter((x) => x.id === 'XOS-NAME');
    expect(v.length).toBeGreaterThan(0);
    expect(v[0].severity).toBe('error');
    expect(v[0].message).toContain(`'${a}'`);
    expect(v[0].message).toContain(`'${b}'`);
    expect(v[0].message).toMatch(/Rename one of them/);
  });

  test('two Controllers with one stack name are an XOS-NAME error that names both', () => {
    const c = compileCloud(cloudWithSites(['s1'], ['edge', 'edge']), { relativeTo: ROOT });
    const v = c.violations.filter((x) => x.id === 'XOS-NAME');
    expect(v).toHaveLength(1);
    expect(v[0].message).toMatch(/^Controllers 'ctl0' \(declared at test\/reliability\/names\.test\.ts:\d+\) and 'ctl1' both get the stack 'edge' \(stacks\/edge\)\. Give one of them another stackName\.$/);
    expect(v[0].path).toBe('ctl1');
  });

  test('stack names that differ only in case are an XOS-NAME error (one folder on macOS and Windows)', () => {
    const c = compileCloud(cloudWithSites(['s1'], ['Edge', 'edge']));
    const v = c.violations.filter((x) => x.id === 'XOS-NAME');
    expect(v).toHaveLength(1);
    expect(v[0].message).toContain("Controller 'ctl1' gets the stack 'edge' and Controller 'ctl0'");
    expect(v[0].message).toContain("the stack 'Edge'");
    expect(v[0].message).toContain('differ only in case');
  });
});

describeWith('terraform', 'awkward names in real Terraform', () => {
  test('terraform accepts every address synthesized from awkward ids', () => {
    const out = path.join(tmpDir('xos-names-'), 'out');
    const compiled = compileCloud(cloudWithSites(AWKWARD_IDS));
    synthesizeAtomically(compiled, { outdir: out, target: 'local' });
    const stacks = filesBelow(out).filter((f) => f.endsWith('cdk.tf.json'));
    expect(stacks).toHaveLength(1);
    const dir = path.join(out, path.dirname(stacks[0]));
    terraform(dir, ['init', '-input=false', '-no-color']);
    expect(terraform(dir, ['validate', '-no-color'])).toContain('Success');
    const declared = Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).resource.terraform_data);
    const listed = terraform(dir, ['plan', '-input=false', '-no-color', '-lock=false']);
    for (const n of declared) expect(listed).toContain(`terraform_data.${n} will be created`);
  });
});
