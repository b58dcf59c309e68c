/**
 * Bounded work: the worst inputs we could construct, each under 1 MB, each run once through
 * the built CLI in a process of its own whose peak memory (its own max RSS) and wall time are
 * measured. None may use more than 1 GB or take longer than a minute; those that ask for too
 * much are refused with an error naming the object, the value and the limit. Plus a review
 * of a plan of a million changes (far over 1 MB), which must be refused, not crash.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir } from '../helpers/tools';
import { MODEL_FORMAT_VERSION } from '../../lib/model/types';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'xos.js');
const PRELOAD = path.join(ROOT, 'test', 'helpers', 'max-rss.js');
const GB = 1024 * 1024; // maxRSS is in KB

const dir = tmpDir('xos-worst-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  rssKb: number;
}

function measure(args: string[]): Measured {
  const rssFile = path.join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const start = Date.now();
  const r = spawnSync(process.execPath, ['-r', PRELOAD, BIN, ...args], { cwd: dir, env: { ...process.env, XOS_MAX_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  const ms = Date.now() - start;
  const rssKb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : NaN;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms, rssKb };
}

/** A recipe's header: one Site, User, Deployment and Controller, the catalog. */
const HEAD = `cloud: worst
sites:
  s1:
    slices:
      web:
        image: img
        flavor: small
SLICE
images: { img: {} }
flavors: { small: { cores: 1, ramMb: 1024 } }
networkTemplates: { private: {} }
deployments:
  d1: { hostSites: [s1], acquireSites: [s1], images: [img], flavors: [small], networkTemplates: [private] }
controllers:
  c1: { backend: openstack, deployment: d1, sites: [s1] }
users:
USERS
`;

function recipe(name: string, slice: string, users: string, extra = ''): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, HEAD.replace('SLICE', slice).replace('USERS', users) + extra);
  return file;
}

const admin = '  ann: { site: s1, roles: { sites: { s1: admin }, slices: { web: admin } } }';

const cases: [string, () => { args: string[]; input: string }, (m: Measured) => void][] = [
  [
    'a 700-byte recipe asking for a billion Slivers (count: 1000000000)',
    () => {
      const f = recipe('billion', '        slivers:\n          vm: { count: 1000000000, deployment: d1 }', admin);
      return { args: ['synth', f, '--out', path.join(dir, 'o1'), '--target', 'local'], input: f };
    },
    (m) => {
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/sites\.s1\.slices\.web\.slivers\.vm\.count.*1000000000.*out of range: it must be <= 100000/);
    },
  ],
  [
    'a program calling addSlivers(..., 1e9)',
    () => {
      const f = path.join(dir, 'add-slivers.ts');
      fs.writeFileSync(
        f,
        `import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Site, User } from 'xos';
const cloud = new Cloud({ name: 'worst' });
const site = new Site(cloud, 's1');
const ann = new User(cloud, 'ann', { site });
site.grant(ann, 'admin');
const image = new Image(cloud, 'img');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'd1', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
dep.addController('c1', { backend: 'openstack', sites: [site] });
const web = site.addSlice('web', { image, flavor });
web.addSlivers('vm', 1e9, { deployment: dep });
cloud.synth();
`,
      );
      return { args: ['synth', f, '--out', path.join(dir, 'o2'), '--target', 'local', '--transpile-only'], input: f };
    },
    (m) => {
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/addSlivers\('vm', 1000000000, \.\.\.\) on Slice .*web: the count 1,000,000,000 is more than the 100,000 Slivers one declaration may make/);
    },
  ],
  [
    'a recipe of 20,000 Slivers on a Slice with 2,000 Networks (40 million ports)',
    () => {
      const nets = Array.from({ length: 2000 }, (_, i) => `          n${i}: { cidr: 10.${Math.floor(i / 250)}.${i % 250}.0/24, template: private }`).join('\n');
      const f = recipe('ports', `        slivers:\n          vm: { count: 20000, deployment: d1 }\n        networks:\n${nets}`, admin);
      return { args: ['synth', f, '--out', path.join(dir, 'o3'), '--target', 'local'], input: f };
    },
    (m) => {
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/lays out about [\d,]+ Terraform resources, more than the 200,000 .*Slice s1\/web alone: 40,000,000 ports/);
    },
  ],
  [
    'a recipe under 500 KB whose Slivers each carry 3,200 Users\' keys (gigabytes of user data)',
    () => {
      const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA${'k'.repeat(24)}`;
      const users = [admin, ...Array.from({ length: 3200 }, (_, i) => `  u${i}: { site: s1, publicKeys: ['${key}${i}'], roles: { slices: { web: access } } }`)].join('\n');
      const f = recipe('keys', '        slivers:\n          vm: { count: 20000, deployment: d1 }', users);
      expect(fs.statSync(f).size).toBeLessThan(500_000);
      return { args: ['synth', f, '--out', path.join(dir, 'o4'), '--target', 'local'], input: f };
    },
    (m) => {
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/copies about [\d,]+ MB of keys and tenancy attributes into its Slivers' user data, more than the 128 MB xos writes \(Slice s1\/web/);
    },
  ],
  [
    'a tenant schema pattern that backtracks exponentially, on a 100,000-character value',
    () => {
      const f = recipe(
        'pattern',
        '        slivers:\n          vm: { deployment: d1 }',
        admin,
        `services:
  prov:
    slices: [web]
    tenantSchema: { type: object, properties: { id: { type: string, pattern: '^(a+)+$' } } }
  ten:
    controller: c1
    tenantOf:
      - { provider: prov, connect: public, attributes: { id: '${'a'.repeat(100_000)}!' } }
`,
      );
      return { args: ['validate', f], input: f };
    },
    (m) => {
      expect(m.code).toBe(1);
      expect(m.stdout).toMatch(/TEN-004 error .*attributes\.id must match pattern/);
    },
  ],
  [
    'a YAML alias bomb (a billion laughs) as a recipe',
    () => {
      const f = path.join(dir, 'laughs.yaml');
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
      lines.push('cloud: *j');
      fs.writeFileSync(f, `${lines.join('\n')}\n`);
      return { args: ['validate', f], input: f };
    },
    (m) => {
      expect(m.code).toBe(1);
      expect(m.stderr).toMatch(/^xos: /m);
    },
  ],
];

describe('the worst inputs we could construct stay under 1 GB and a minute', () => {
  const report: string[] = [];
  afterAll(() => {
    // The measured figures, for the record (the README's Security model cites them).
    process.stdout.write(`\nworst inputs (max RSS, wall time):\n${report.join('\n')}\n`);
  });

  test.each(cases)('%s', (what, make, expectations) => {
    const { args, input } = make();
    expect(fs.statSync(input).size).toBeLessThan(1024 * 1024);
    const m = measure(args);
    report.push(`  ${what}: ${Math.round(m.rssKb / 1024)} MB, ${m.ms} ms, exit ${m.code}`);
    expect({ what, rssUnder1GB: m.rssKb < GB, underAMinute: m.ms < 60_000, internal: /internal error/.test(m.stderr) }).toEqual({ what, rssUnder1GB: true, underAMinute: true, internal: false });
    expectations(m);
  });

  test('a plan of a million changes is refused by review (JSON or markdown) with the limit, without crashing', () => {
    const file = path.join(dir, 'million.json');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, '{"format_version":"1.2","planned_values":{},"resource_changes":[');
    const one = (i: number) => `{"address":"terraform_data.r${i}","mode":"managed","type":"terraform_data","name":"r${i}","change":{"actions":["create"],"before":null,"after":{"input":${i}}}}`;
    let chunk: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      chunk.push(one(i));
      if (chunk.length === 10_000) {
        fs.writeSync(fd, (i >= 10_000 ? ',' : '') + chunk.join(','));
        chunk = [];
      }
    }
    fs.writeSync(fd, ']}');
    fs.closeSync(fd);
    const model = path.join(dir, 'm.json');
    fs.writeFileSync(model, JSON.stringify({ formatVersion: MODEL_FORMAT_VERSION, name: 'm' }));
    const m = measure(['review', '--plan', `s=${file}`, '--model', model, '--format', 'json']);
    report.push(`  review --format json of a million-change plan (${Math.round(fs.statSync(file).size / 1e6)} MB): ${Math.round(m.rssKb / 1024)} MB, ${m.ms} ms, exit ${m.code}`);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/holds 1,000,000 resource changes, more than the 500,000 one review takes/);
    expect(m.stderr).not.toMatch(/internal error|Invalid string length/);
    expect(m.ms).toBeLessThan(60_000);
  });
});
