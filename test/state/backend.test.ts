import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cloud } from '../../lib/index';
import { describeBackend, maskConnString, stackBackendOf } from '../../lib/state/pull';
import { checkBackendConfig, resolveBackendSettings, type BackendSettings } from '../../lib/synth/backend';
import { synthInto } from '../../lib/synth/output';
import { baseCloud, compile } from '../helpers/cloud';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-backend-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Synthesize the base cloud (one stack, ctl1) with the given backends; return its terraform block. */
function synthesized(backends?: BackendSettings, name = 'out', target: 'local' | 'auto' = 'local'): { terraform: Record<string, any>; dir: string } {
  const b = baseCloud();
  b.slice.addSliver('v1', { deployment: b.dep });
  const dir = path.join(tmp, name);
  synthInto(compile(b.cloud), dir, target, backends);
  const tf = JSON.parse(fs.readFileSync(path.join(dir, 'stacks', 'ctl1', 'cdk.tf.json'), 'utf8'));
  return { terraform: tf.terraform, dir };
}

describe('a stack\'s backend', () => {
  test('is a local state file beside the output directory unless the program says otherwise', () => {
    const { terraform } = synthesized(undefined, 'default');
    expect(terraform.backend).toEqual({ local: { path: '../../../terraform.ctl1.tfstate' } });
  });

  test('pg: one schema per stack, named after it, and the connection string as given', () => {
    const { terraform, dir } = synthesized({ backend: { type: 'pg', connStr: 'postgres://xos@db.example:5432/state' } }, 'pg');
    expect(terraform.backend).toEqual({ pg: { conn_str: 'postgres://xos@db.example:5432/state', schema_name: 'xos_ctl1' } });
    expect(stackBackendOf(path.join(dir, 'stacks', 'ctl1')).label).toBe('pg (postgres://xos@db.example:5432/state, schema xos_ctl1)');
  });

  test('pg without a connection string leaves it to PG_CONN_STR', () => {
    const { terraform } = synthesized({ backend: { type: 'pg', schemaName: 'co_{stack}' } }, 'pg-env');
    expect(terraform.backend).toEqual({ pg: { schema_name: 'co_ctl1' } });
  });

  test('s3 and remote put the stack name into the key and the workspace', () => {
    expect(synthesized({ backend: { type: 's3', bucket: 'states', region: 'eu-west-1' } }, 's3').terraform.backend.s3).toMatchObject({ bucket: 'states', key: 'xos/ctl1/terraform.tfstate', region: 'eu-west-1', encrypt: true });
    expect(synthesized({ backend: { type: 'remote', organization: 'acme' } }, 'remote').terraform.backend.remote).toEqual({ organization: 'acme', workspaces: { name: 'xos-ctl1' } });
  });

  test('a stack\'s own backend wins over the program-wide one', () => {
    const { terraform } = synthesized({ backend: { type: 'pg' }, stackBackends: { ctl1: { type: 'local', path: '/var/lib/xos/{stack}.tfstate' } } }, 'override');
    expect(terraform.backend).toEqual({ local: { path: '/var/lib/xos/ctl1.tfstate' } });
  });

  test('comes from the Cloud, and xos.config.json beside the program overrides it', () => {
    Cloud.reset();
    const cloud = new Cloud({ name: 'c', backend: { type: 'pg', connStr: 'postgres://a@h/db' }, stackBackends: { x: { type: 'local' } } });
    const dir = path.join(tmp, 'prog');
    fs.mkdirSync(dir, { recursive: true });
    expect(resolveBackendSettings(cloud, dir)).toEqual({ backend: { type: 'pg', connStr: 'postgres://a@h/db' }, stackBackends: { x: { type: 'local' } } });
    fs.writeFileSync(path.join(dir, 'xos.config.json'), JSON.stringify({ backend: { type: 's3', bucket: 'b', region: 'r' } }));
    expect(resolveBackendSettings(cloud, dir)).toEqual({ backend: { type: 's3', bucket: 'b', region: 'r' }, stackBackends: { x: { type: 'local' } } });
  });
});

describe("each target's state lives apart", () => {
  test('the auto target adds its name to every default name; the local target keeps the plain ones', () => {
    expect(synthesized(undefined, 'auto-local', 'auto').terraform.backend).toEqual({ local: { path: '../../../terraform.ctl1.auto.tfstate' } });
    expect(synthesized({ backend: { type: 'pg' } }, 'auto-pg', 'auto').terraform.backend).toEqual({ pg: { schema_name: 'xos_ctl1_auto' } });
    expect(synthesized({ backend: { type: 's3', bucket: 'b', region: 'r' } }, 'auto-s3', 'auto').terraform.backend.s3.key).toBe('xos/auto/ctl1/terraform.tfstate');
    expect(synthesized({ backend: { type: 'remote', organization: 'acme' } }, 'auto-remote', 'auto').terraform.backend.remote.workspaces).toEqual({ name: 'xos-ctl1-auto' });
  });

  test('names given may say {target}', () => {
    const backends: BackendSettings = { backend: { type: 'local', path: '/var/lib/xos/{target}/{stack}.tfstate' } };
    expect(synthesized(backends, 'tpl-local', 'local').terraform.backend).toEqual({ local: { path: '/var/lib/xos/local/ctl1.tfstate' } });
    expect(synthesized(backends, 'tpl-auto', 'auto').terraform.backend).toEqual({ local: { path: '/var/lib/xos/auto/ctl1.tfstate' } });
  });

  test('xos-output.json records the cloud, the program and the target', () => {
    const { dir } = synthesized(undefined, 'info', 'auto');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'xos-output.json'), 'utf8'))).toMatchObject({ formatVersion: 1, target: 'auto', stacks: { ctl1: 'openstack' } });
  });
});

describe('stacks of one PostgreSQL database', () => {
  test('are grouped by the database their connection names (user and options aside), PG_CONN_STR being one', () => {
    const { sharedPgDatabases } = require('../../lib/synth/backend') as typeof import('../../lib/synth/backend');
    const settings: BackendSettings = {
      backend: { type: 'pg', connStr: 'postgres://a@db.example/state?sslmode=disable' },
      stackBackends: { b: { type: 'pg', connStr: 'postgres://other@db.example:5432/state' }, c: { type: 'pg', connStr: 'host=db.example dbname=elsewhere' }, d: { type: 'local' }, e: { type: 'pg' }, f: { type: 'pg' } },
    };
    expect(sharedPgDatabases(settings, ['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual([['a', 'b', 'g'], ['e', 'f']]);
    expect(sharedPgDatabases({ backend: { type: 'local' } }, ['a', 'b'])).toEqual([]);
  });
});

describe('a bad backend setting', () => {
  test.each([
    [{ type: 'consul' }, /backend type "consul" is not one of: local, pg, s3, remote/],
    [{ type: 'pg', connStr: 'postgres://xos:hunter2@db/state' }, /holds a password, which would be written in plain text .* set PGPASSWORD/],
    [{ type: 'pg', connStr: 'host=db user=xos password=hunter2' }, /holds a password/],
    [{ type: 's3', bucket: 'b', region: 'r', secretKey: 'x' }, /s3 has no setting 'secretKey': credentials never go into the program/],
    [{ type: 's3', bucket: 'b' }, /s3 needs 'region'/],
    [{ type: 'remote', organization: 'o', token: 't' }, /remote has no setting 'token': credentials never go/],
    [{ type: 'local', path: 3 }, /local setting 'path' must be a string \(got 3\)/],
    [{ type: 'local', dir: 'x' }, /local has no setting 'dir' \(it takes: path\)/],
    ['pg', /a backend is an object/],
  ])('%j is refused, naming where it was given', (raw, message) => {
    expect(() => checkBackendConfig(raw, 'xos.config.json backend')).toThrow(message);
    expect(() => checkBackendConfig(raw, 'xos.config.json backend')).toThrow(/^xos.config.json backend: /);
  });

  test('a config file that is not JSON, or holds unknown settings, is named', () => {
    const dir = path.join(tmp, 'bad');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'xos.config.json'), '{ backend: pg }');
    expect(() => resolveBackendSettings({}, dir)).toThrow(/xos.config.json is not valid JSON/);
    fs.writeFileSync(path.join(dir, 'xos.config.json'), '{ "backends": {} }');
    expect(() => resolveBackendSettings({}, dir)).toThrow(/xos.config.json: unknown setting backends \(it takes: target, backend, stackBackends\)/);
  });
});

describe('describing a backend', () => {
  test('never shows a password', () => {
    expect(maskConnString('postgres://u:s3cret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(maskConnString('host=h password=s3cret user=u')).toBe('host=h password=*** user=u');
    expect(describeBackend('pg', { conn_str: 'postgres://u:s3cret@h/db' })).not.toContain('s3cret');
  });

  test('names bucket, key, organization and workspace', () => {
    expect(describeBackend('s3', { bucket: 'b', key: 'k/t.tfstate', region: 'eu' })).toBe('s3 (s3://b/k/t.tfstate, region eu)');
    expect(describeBackend('remote', { organization: 'acme', workspaces: { name: 'xos-a' } })).toBe('remote (app.terraform.io/acme, workspace xos-a)');
    expect(describeBackend('cloud', { organization: 'acme', workspaces: { tags: ['xos'] } })).toBe('HCP Terraform (app.terraform.io/acme, workspaces tagged xos)');
  });
});
