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
function synthesized(backends?: BackendSettings, name = 'out'): { terraform: Record<string, any>; dir: string } {
  const b = baseCloud();
  b.slice.addSliver('v1', { deployment: b.dep });
  const dir = path.join(tmp, name);
  synthInto(compile(b.cloud), dir, 'local', backends);
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
