import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatPath, readStateFile, readStateText, type StateInstance, type StateSnapshot } from '../../lib/state/index';
import { STATE_FIXTURES } from '../helpers/state-fixtures';

const FIX = path.resolve(__dirname, '..', 'fixtures');
const fixture = (p: string) => path.join(FIX, p);
const read = (p: string) => readStateFile(fixture(p));
const addresses = (s: StateSnapshot) => s.instances.map((i) => i.address);
const byAddress = (s: StateSnapshot, a: string): StateInstance => {
  const i = s.instances.find((x) => x.address === a && !x.deposed);
  if (!i) throw new Error(`${a} not in ${s.source}`);
  return i;
};
const sensitive = (i: StateInstance) => i.sensitivePaths.map(formatPath).sort();

describe('every state fixture', () => {
  test.each(STATE_FIXTURES)('%s parses into instances with unique addresses', (f) => {
    const s = read(f);
    expect(s.instances.length).toBeGreaterThan(0);
    const current = s.instances.filter((i) => !i.deposed).map((i) => i.address);
    expect(new Set(current).size).toBe(current.length);
    for (const i of s.instances) {
      expect(i.address.endsWith(`${i.type}.${i.name}${i.indexKey === undefined ? '' : i.address.slice(i.resourceAddress.length)}`)).toBe(true);
      expect(i.address.startsWith(i.module ? `${i.module}.` : '')).toBe(true);
    }
  });
});

describe('raw state, format version 4', () => {
  test('reads an OpenStack state of Terraform 1.14: data sources, sensitive attributes, identity schema versions, outputs', () => {
    const s = read('xila10-Terraform-Openstack/terraform.tfstate');
    expect(s.format).toBe('state-v4');
    expect(s.terraformVersion).toBe('1.14.5');
    expect(s.serial).toBe(597);
    expect(s.instances).toHaveLength(19);
    expect(s.instances.filter((i) => i.mode === 'data').map((i) => i.address).sort()).toEqual(['data.openstack_networking_network_v2.ext-net', 'data.openstack_networking_port_v2.Bastion_port']);
    expect(sensitive(byAddress(s, 'openstack_compute_instance_v2.Bastion'))).toEqual(['admin_pass']);
    expect(sensitive(byAddress(s, 'openstack_compute_instance_v2.Cobra'))).toEqual(['admin_pass']);
    expect(sensitive(byAddress(s, 'openstack_compute_keypair_v2.labb_key'))).toEqual(['private_key']);
    expect(s.instances.filter((i) => i.sensitivePaths.length)).toHaveLength(3);
    expect(s.instances.every((i) => i.identitySchemaVersion === 0)).toBe(true);
    expect(byAddress(s, 'openstack_compute_instance_v2.Bastion').provider).toEqual({ name: 'openstack', source: 'registry.terraform.io/terraform-provider-openstack/openstack', legacy: false });
    expect(Object.keys(s.outputs).sort()).toEqual(['bastion_ip', 'cobra_ip']);
    expect(s.instances.every((i) => i.status === 'ok' && !i.deposed)).toBe(true);
  });

  test('reads nested blocks of compute instances as they are', () => {
    const s = read('alpekin98-terraform-openstack/vm-create-kubernetes.terraform.tfstate');
    expect(addresses(s)).toEqual(['openstack_compute_instance_v2.master_instance', 'openstack_compute_instance_v2.slave1_instance']);
    for (const i of s.instances) expect((i.attributes.network as unknown[]).length).toBe(4);
  });

  test('reads the legacy provider.NAME references of Terraform 0.12, and a resource with no instance', () => {
    const s = read('juffaz-terraform-openstack/terraform.tfstate.backup');
    expect(s.terraformVersion).toBe('0.12.23');
    expect(s.instances).toHaveLength(10);
    expect(s.emptyResources).toEqual(['openstack_compute_floatingip_associate_v2.fip_1']);
    for (const i of s.instances) {
      expect(i.provider).toEqual({ name: 'openstack', source: 'registry.terraform.io/-/openstack', legacy: true });
      expect(i.sensitivePaths).toEqual([]);
    }
  });

  test('reads count instances, modules and outputs, dropping the value of a sensitive output', () => {
    const s = read('hashicorp-terraform-json/110_sensitive_values.terraform.tfstate');
    expect(addresses(s).sort()).toEqual(['module.foo.null_resource.aliased', 'module.foo.null_resource.foo', 'null_resource.bar', 'null_resource.baz[0]', 'null_resource.baz[1]', 'null_resource.baz[2]', 'null_resource.foo']);
    expect(byAddress(s, 'null_resource.baz[2]').indexKey).toBe(2);
    expect(byAddress(s, 'module.foo.null_resource.foo').module).toBe('module.foo');
    expect(Object.keys(s.outputs)).toHaveLength(8);
    expect(s.outputs.foo).toEqual({ sensitive: true });
    expect(s.outputs.string).toEqual({ sensitive: false, value: 'foo' });
    expect(byAddress(s, 'null_resource.baz[0]').dependencies.length).toBeGreaterThan(0);
  });

  test('reads module for_each keys in module paths and two providers of one name', () => {
    const s = read('dineshba-tf-summarize/example.terraform.tfstate');
    expect(addresses(s).sort()).toEqual([
      'module.github["terraform-plan-summary"].github_branch.demo',
      'module.github["terraform-plan-summary"].github_branch.main',
      'module.github["terraform-plan-summary"].github_repository.repository',
    ]);
    expect(new Set(s.instances.map((i) => i.provider.source))).toEqual(new Set(['registry.terraform.io/integrations/github', 'registry.terraform.io/hashicorp/github']));
  });

  test('reads count index keys under the legacy provider.aws', () => {
    const s = read('snyk-driftctl/aws_route53_record_multiples.terraform.tfstate');
    expect(s.instances).toHaveLength(11);
    expect(addresses(s).filter((a) => a.startsWith('aws_route53_record.test['))).toEqual(['aws_route53_record.test[0]', 'aws_route53_record.test[1]', 'aws_route53_record.test[2]', 'aws_route53_record.test[3]']);
    expect(byAddress(s, 'aws_route53_zone.foobar[1]').provider.legacy).toBe(true);
  });

  test('reads what failed applies leave: tainted and deposed objects, for_each keys, nested sensitive values, module instances', () => {
    const s = read('xos-generated/failed-apply/terraform.tfstate');
    expect(byAddress(s, 'terraform_data.broken[1]').status).toBe('tainted');
    expect(byAddress(s, 'terraform_data.broken[0]').status).toBe('ok');
    expect(byAddress(s, 'terraform_data.replaced').status).toBe('tainted');
    const deposed = s.instances.filter((i) => i.deposed);
    expect(deposed.map((i) => i.address)).toEqual(['terraform_data.replaced']);
    expect(deposed[0].deposed).toMatch(/^[0-9a-f]{8}$/);
    // The deposed object is the old one, the current one the failed replacement.
    expect(deposed[0].attributes.input).toEqual({ gen: '1' });
    expect(byAddress(s, 'terraform_data.replaced').attributes.input).toEqual({ gen: '2' });
    expect(byAddress(s, 'terraform_data.keyed["b.c"]').indexKey).toBe('b.c');
    expect(sensitive(byAddress(s, 'terraform_data.keyed["a"]'))).toEqual(['input.secrets.token']);
    expect(byAddress(s, 'module.child["x"].terraform_data.inner').attributes.input).toBe('inner');
  });

  test('unwraps the dynamic values of terraform_data ({ value, type } in a raw state)', () => {
    const s = read('xos-generated/failed-apply/terraform.tfstate');
    const raw = JSON.parse(fs.readFileSync(fixture('xos-generated/failed-apply/terraform.tfstate'), 'utf8'));
    const r = raw.resources.find((x: { name: string }) => x.name === 'keyed');
    expect(Object.keys(r.instances[0].attributes.input).sort()).toEqual(['type', 'value']);
    expect(byAddress(s, 'terraform_data.keyed["a"]').attributes.input).toEqual({ key: 'a', secrets: { token: 'fixture-token-not-a-secret' } });
  });
});

describe('terraform show -json', () => {
  test('reads format 0.1 with nested child modules, string index keys and data sources', () => {
    const s = read('infracost-infracost/terraform_v0.14_state.json');
    expect(s.format).toBe('show-json');
    expect(s.formatVersion).toBe('0.1');
    expect(s.instances).toHaveLength(18);
    expect(s.instances.filter((i) => i.mode === 'data')).toHaveLength(4);
    expect(addresses(s)).toContain('aws_instance.instance_named["test.1"]');
    expect(addresses(s)).toContain('module.db.module.db_1.module.db_instance.aws_db_instance.this[0]');
    expect(byAddress(s, 'module.db.module.db_1.module.db_instance.aws_db_instance.this[0]').module).toBe('module.db.module.db_1.module.db_instance');
  });

  test('reads format 0.2 with sensitive_values, and agrees with the raw state it was shown from', () => {
    const shown = read('hashicorp-terraform-json/110_sensitive_values.state.json');
    const raw = read('hashicorp-terraform-json/110_sensitive_values.terraform.tfstate');
    expect(addresses(shown).sort()).toEqual(addresses(raw).sort());
    for (const i of raw.instances) expect(byAddress(shown, i.address).attributes).toEqual(i.attributes);
    expect(shown.outputs.foo).toEqual({ sensitive: true });
  });

  test('reads format 1.0 of a failed apply as the raw state reads it: tainted, deposed, sensitive paths', () => {
    const shown = read('xos-generated/failed-apply/show.json');
    const raw = read('xos-generated/failed-apply/terraform.tfstate');
    const key = (i: StateInstance) => `${i.address}|${i.deposed ?? ''}|${i.status}`;
    expect(shown.instances.map(key).sort()).toEqual(raw.instances.map(key).sort());
    for (const i of raw.instances) {
      const j = shown.instances.find((x) => x.address === i.address && x.deposed === i.deposed)!;
      expect(j.attributes.input).toEqual(i.attributes.input);
      expect(sensitive(j).filter((p) => p.startsWith('input'))).toEqual(sensitive(i));
    }
  });

  test('reads the empty state that terraform show -json prints for a new workspace', () => {
    const s = readStateText('{"format_version":"1.0"}', 'empty.json');
    expect(s.instances).toEqual([]);
  });
});

describe('bad input', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-state-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, content);
    return f;
  };
  const real = fs.readFileSync(fixture('hashicorp-terraform-json/110_sensitive_values.terraform.tfstate'), 'utf8');

  test('an empty file is named as empty', () => {
    const f = write('empty.tfstate', '  \n');
    expect(() => readStateFile(f)).toThrow(`${f} is empty`);
  });

  test('a state cut in half is named as truncated', () => {
    const f = write('half.tfstate', real.slice(0, Math.floor(real.length / 2)));
    expect(() => readStateFile(f)).toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is truncated`));
  });

  test('a file that is not JSON says so, without quoting it (a file may hold secrets)', () => {
    const f = write('notes.txt', 'resource "x" "y" {}\n');
    expect(() => readStateFile(f)).toThrow(/is not JSON \(it does not begin with \{ or \[\): expected a Terraform state\./);
  });

  test('damaged JSON in the middle names the line', () => {
    const f = write('damaged.tfstate', real.replace('"serial": 8,', '"serial": 8,,'));
    expect(() => readStateFile(f)).toThrow(/is not valid JSON .*line 4/);
  });

  test.each([
    ['hashicorp-terraform-json/has_changes.plan.json'],
    ['dineshba-tf-summarize/example.tfplan.json'],
    ['borchero-terraform-plan-comment/1-modify.plan.json'],
    ['bridgecrewio-checkov/tfplan_win_utf16.json'],
  ])('the plan %s is refused as a plan, not a state', (p) => {
    expect(() => read(p)).toThrow(/is a plan .*not a state/);
  });

  test('a state of format version 3 (before Terraform 0.12) says how to upgrade it', () => {
    expect(() => readStateText('{"version": 3, "serial": 1, "modules": []}', 'old.tfstate')).toThrow(/old.tfstate is a state of format version 3, written by Terraform before 0.12/);
  });

  test('an unknown state format version is named', () => {
    expect(() => readStateText('{"version": 5, "resources": []}', 'future.tfstate')).toThrow(/future.tfstate is a state of format version 5, which xos does not know/);
  });

  test('an unknown show -json format version is named', () => {
    expect(() => readStateText('{"format_version": "2.0", "values": {}}', 'future.json')).toThrow(/future.json: .*format_version 2.0, which this xos does not know/);
  });

  test('JSON of another kind is named by what it holds', () => {
    expect(() => readStateText('{"provider_schemas": {}, "format_version": "1.0"}', 's.json')).toThrow(/s.json is a provider schema/);
    expect(() => readStateText('[1, 2]', 'a.json')).toThrow(/a.json holds JSON array, not a Terraform state/);
    expect(() => readStateText('{"name": "x"}', 'o.json')).toThrow(/o.json is JSON but not a Terraform state.*Its keys: name/);
  });

  test('a damaged resource list names the resource', () => {
    expect(() => readStateText('{"version": 4, "resources": [{"mode": "managed", "type": "a", "name": "b", "provider": "provider.a"}]}', 'x.tfstate')).toThrow(/x.tfstate: resource #1 \(a.b\) has no 'instances' list/);
    expect(() => readStateText('{"version": 4, "resources": {}}', 'y.tfstate')).toThrow(/y.tfstate: 'resources' is not a list/);
  });

  test('a missing file and a folder are named', () => {
    expect(() => readStateFile(path.join(tmp, 'nope.tfstate'))).toThrow(/state file not found: .*nope.tfstate/);
    expect(() => readStateFile(tmp)).toThrow(/is a folder, not a state file/);
  });

  test('a state saved as UTF-16 with a byte order mark (PowerShell) reads like the original', () => {
    const f = write('utf16.tfstate', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(real, 'utf16le')]));
    const g = write('utf8bom.tfstate', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(real, 'utf8')]));
    const original = readStateText(real, 'x');
    expect(addresses(readStateFile(f))).toEqual(addresses(original));
    expect(addresses(readStateFile(g))).toEqual(addresses(original));
  });
});
