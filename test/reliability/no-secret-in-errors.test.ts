/**
 * No secret in any error. Files holding known secrets (a state, a plan, a model, an
 * xos.config.json, a synthesized stack) are damaged one byte at a time around the secret,
 * and fed to every reader; everything the reader says is scanned for any piece of the
 * secret. A PostgreSQL connection string with a typo, in the program's settings or in the
 * environment, never prints its password either.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readPlanFile } from '../../lib/plan/read';
import { readModelFile } from '../../lib/review/model-file';
import { readStateFile } from '../../lib/state/read';
import { readModelFile as readStatusModel } from '../../lib/drift/status';
import { readBackendConfigFile, checkBackendConfig } from '../../lib/synth/backend';
import { maskConnString, stackBackendOf } from '../../lib/state/pull';
import { stackConfigs } from '../../lib/review/config';
import { describeWith, terraformEnv, tmpDir, xos } from '../helpers/tools';
import { fixture } from '../plan/fixtures';

const SECRET = 'Hunter2-S3cr3t-9f8e7d6c';
/** Any 6 characters of the secret in a row count as printing it. */
const pieces = (s: string) => Array.from({ length: s.length - 5 }, (_, i) => s.slice(i, i + 6));
const PIECES = pieces(SECRET);
const leaked = (text: string) => PIECES.find((p) => text.includes(p));

const ROOT = path.resolve(__dirname, '..', '..');
const dir = tmpDir('xos-no-secret-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file's text with the secret in it, and where it is. */
interface Holder {
  readonly name: string;
  readonly text: string;
  readonly read: (file: string) => unknown;
}

function holders(): Holder[] {
  const plan = JSON.parse(fs.readFileSync(fixture('borchero-terraform-plan-comment/1-modify.plan.json'), 'utf8'));
  plan.resource_changes[0].change.after = { ...plan.resource_changes[0].change.after, password: SECRET };
  const state = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'xila10-Terraform-Openstack', 'terraform.tfstate'), 'utf8'));
  state.resources.find((r: { mode: string }) => r.mode === 'managed').instances[0].attributes.admin_pass = SECRET;
  const model = { formatVersion: 1, name: 'm', sites: [{ kind: 'Site', key: 's', name: 's', loginBase: 's', description: SECRET }] };
  const config = { backend: { type: 's3', bucket: 'b', region: 'r', key: SECRET } };
  const stack = { terraform: { backend: { pg: { conn_str: `postgres://u:${SECRET}@h/db` } } }, resource: {} };
  return [
    { name: 'plan', text: JSON.stringify(plan, null, 2), read: readPlanFile },
    { name: 'state', text: JSON.stringify(state, null, 2), read: (f) => readStateFile(f) },
    { name: 'model (review)', text: JSON.stringify(model, null, 2), read: (f) => readModelFile(f) },
    { name: 'model (status)', text: JSON.stringify(model, null, 2), read: (f) => readStatusModel(f) },
    { name: 'xos.config.json', text: JSON.stringify(config, null, 2), read: (f) => readBackendConfigFile(path.dirname(f)) },
    { name: 'cdk.tf.json (status)', text: JSON.stringify(stack, null, 2), read: (f) => stackBackendOf(path.dirname(f)) },
    { name: 'cdk.tf.json (review)', text: JSON.stringify(stack, null, 2), read: (f) => stackConfigs(path.dirname(path.dirname(path.dirname(f))), 'head') },
  ];
}

/** Every one-byte damage near the secret: each byte replaced by a quote, a brace, a control character, or removed. */
function damages(text: string): string[] {
  const at = text.indexOf(SECRET);
  const out: string[] = [];
  for (let i = Math.max(0, at - 12); i < Math.min(text.length, at + SECRET.length + 12); i++) {
    for (const c of ['"', '}', '\u0001', 'x', '\\']) out.push(text.slice(0, i) + c + text.slice(i + 1));
    out.push(text.slice(0, i) + text.slice(i + 1));
  }
  out.push(text.slice(0, at + 4)); // cut inside the secret
  out.push(`x${text}`);
  return out;
}

describe('a damaged file never makes a reader quote the secret it holds', () => {
  test.each(holders().map((h) => [h.name, h] as const))('%s', (_name, h) => {
    expect(h.text).toContain(SECRET);
    const where = path.join(dir, h.name.replace(/\W+/g, '-'), 'stacks', 's');
    fs.mkdirSync(where, { recursive: true });
    const file = path.join(where, h.name.startsWith('xos.config') ? 'xos.config.json' : h.name.startsWith('cdk') ? 'cdk.tf.json' : 'file.json');
    let errors = 0;
    for (const text of damages(h.text)) {
      fs.writeFileSync(file, text);
      try {
        h.read(file);
      } catch (e) {
        errors++;
        const msg = `${(e as Error).message}\n${(e as { detail?: string }).detail ?? ''}`;
        expect({ damage: text.slice(Math.max(0, text.indexOf('Hunter') - 20), text.indexOf('Hunter') + 40), leaked: leaked(msg) }).toMatchObject({ leaked: undefined });
      }
    }
    expect(errors).toBeGreaterThan(20);
  });
});

describe('connection strings never print their password', () => {
  test.each([
    `postgres://xos:${SECRET}@db.example:54x32/state`, // a typo in the port: the URL does not parse
    `postgresql://xos:${SECRET}@db.example:5432/state`,
    `postgres://xos:${SECRET}@[::1/state`,
    `host=db.example user=xos password=${SECRET} dbname=state`,
    `host=db.example password='${SECRET}' dbname=state`,
  ])('%s', (conn) => {
    expect(leaked(maskConnString(conn))).toBeUndefined();
    let message = '';
    try {
      checkBackendConfig({ type: 'pg', connStr: conn }, 'xos.config.json backend');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/holds a password/);
    expect(leaked(message)).toBeUndefined();
  });

  test('a setting of the wrong type is described, never quoted', () => {
    expect(() => checkBackendConfig({ type: 's3', bucket: 'b', region: 'r', encrypt: SECRET }, 'x')).toThrow(/must be a boolean \(got a string of 23 characters\)/);
  });
});

describeWith('terraform', 'xos status against a backend whose connection string has a typo', () => {
  test('prints neither the password of PG_CONN_STR nor the password Terraform quotes', () => {
    const out = path.join(dir, 'pg-out');
    fs.mkdirSync(dir, { recursive: true });
    const program = path.join(dir, 'pg-program');
    fs.mkdirSync(program, { recursive: true });
    fs.cpSync(path.join(ROOT, 'examples', 'hello', 'main.ts'), path.join(program, 'main.ts'));
    fs.writeFileSync(path.join(program, 'xos.config.json'), JSON.stringify({ backend: { type: 'pg' } }));
    const s = xos(['synth', program, '--out', out, '--target', 'local', '--transpile-only']);
    expect(s.code).toBe(0);
    const env = terraformEnv({ PG_CONN_STR: `postgres://xos:${SECRET}@127.0.0.1:54x32/state`, PGPASSWORD: SECRET });
    const r = xos(['status', path.join(out, 'xos-model.json'), '--out', out], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read its state from backend pg/);
    expect(leaked(r.stdout + r.stderr)).toBeUndefined();
    const debug = xos(['status', path.join(out, 'xos-model.json'), '--out', out, '--debug'], { env });
    expect(leaked(debug.stdout + debug.stderr)).toBeUndefined();
  });
});
