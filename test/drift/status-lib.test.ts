/**
 * `computeStatus` as a library: which stacks it reports, where their state comes from, and
 * how a resource in state names its model object, for every target's conventions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computeStatus, declaredSideOf, metadataModelKey, metadataModelKind, parseGivenState } from '../../lib/drift/index';
import { Controller, Service } from '../../lib/index';
import { readStateText } from '../../lib/state/index';
import { synthInto } from '../../lib/synth/output';
import { baseCloud, compile } from '../helpers/cloud';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-status-lib-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The base cloud (stack ctl1) and an external Service with its own Controller (stack portal). */
function twoStacks() {
  const b = baseCloud();
  b.slice.addSliver('v1', { deployment: b.dep });
  const portal = new Controller(b.cloud, 'portal', { backend: 'external', url: 'https://portal.example' });
  new Service(b.cloud, 'subscribers', { controller: portal });
  const compiled = compile(b.cloud);
  return { compiled, declared: declaredSideOf(compiled.built.model, compiled.index, compiled.layout) };
}

/** A raw state holding terraform_data resources with the given names and model keys. */
function stateText(resources: { name: string; key: string; kind?: string }[]): string {
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: 'x',
    resources: resources.map((r) => ({
      mode: 'managed',
      type: 'terraform_data',
      name: r.name,
      provider: 'provider["terraform.io/builtin/terraform"]',
      instances: [{ attributes: { id: `id-${r.name}`, input: { value: { xos_kind: r.kind ?? 'site', xos_key: r.key }, type: 'dynamic' }, output: null, triggers_replace: null } }],
    })),
  });
}

describe('computeStatus', () => {
  test('a stack synthesized earlier whose Controller is gone reports everything in its state as orphaned', async () => {
    const { compiled, declared } = twoStacks();
    const out = path.join(tmp, 'gone');
    synthInto(compiled, out, 'local');
    // An old stack beside the current one, with its own state file.
    const old = path.join(out, 'stacks', 'old-ctl');
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: '../../../terraform.old-ctl.tfstate' } } }, resource: { terraform_data: { controller_old: { input: {} } } } }));
    fs.writeFileSync(path.join(tmp, 'terraform.old-ctl.tfstate'), stateText([{ name: 'controller_old', key: 'old-ctl', kind: 'controller' }, { name: 'site_x', key: 'x' }]));
    const report = await computeStatus({ declared, outdir: out });
    expect(report.stacks.map((s) => s.stack)).toEqual(['ctl1', 'old-ctl', 'portal']);
    const gone = report.stacks[1];
    expect(gone.notes).toContain('the model no longer declares this stack (its Controller was removed)');
    expect(gone.objects.map((o) => `${o.status} ${o.kind} ${o.key}`)).toEqual(['orphaned Controller old-ctl', 'orphaned Site x']);
    // ctl1 was never deployed.
    expect(report.stacks[0].totals.pending).toBe(report.stacks[0].totals.objects);
    expect(report.inSync).toBe(false);
  });

  test('a state given without its stack goes to the stack whose resources it holds; only that stack is reported', async () => {
    const { declared } = twoStacks();
    const stacks = declared.layout.stacks.map((s) => s.name);
    expect(stacks).toEqual(['ctl1', 'portal']);
    const file = path.join(tmp, 'one-of.tfstate');
    fs.writeFileSync(file, stateText([{ name: 'service_subscribers', key: 'subscribers', kind: 'service' }]));
    const report = await computeStatus({ declared, outdir: path.join(tmp, 'nowhere'), target: 'local', states: [parseGivenState(file, stacks)] });
    expect(report.stacks.map((s) => s.stack)).toEqual(['portal']);
    const objects = report.stacks[0].objects;
    expect(objects.find((o) => o.key === 'subscribers')?.status).toBe('drifted');
    expect(objects.find((o) => o.key === 'portal')?.status).toBe('pending');
    await expect(computeStatus({ declared, outdir: tmp, target: 'local', states: [parseGivenState(file, stacks), parseGivenState(`portal=${file}`, stacks)] })).rejects.toThrow(/two states were given for stack portal/);
  });
});

describe('the model object a resource in state names', () => {
  const provider = (type: string) => (type === 'terraform_data' ? 'provider["terraform.io/builtin/terraform"]' : `provider["registry.terraform.io/x/${type.split('_')[0]}"]`);
  const inst = (type: string, attributes: Record<string, unknown>) => readStateText(JSON.stringify({ version: 4, resources: [{ mode: 'managed', type, name: 'r', provider: provider(type), instances: [{ attributes }] }] }), 's').instances[0];

  test('by each target\'s convention: terraform_data input, aws tags, openstack tags and instance metadata', () => {
    expect(metadataModelKey(inst('terraform_data', { input: { value: { xos_key: 'co1/s/a', xos_kind: 'port' }, type: 'dynamic' } }))).toBe('co1/s/a');
    expect(metadataModelKind(inst('terraform_data', { input: { value: { xos_key: 'co1/s/a', xos_kind: 'port' }, type: 'dynamic' } }))).toBe('Sliver');
    expect(metadataModelKey(inst('aws_instance', { tags: { Name: 'x', 'xos:key': 'co1/s/a', 'xos:kind': 'sliver' } }))).toBe('co1/s/a');
    expect(metadataModelKind(inst('aws_instance', { tags: { 'xos:key': 'co1/s/a', 'xos:kind': 'sliver' } }))).toBe('Sliver');
    expect(metadataModelKey(inst('openstack_networking_network_v2', { tags: ['other', 'xos:co1/s/net'] }))).toBe('co1/s/net');
    expect(metadataModelKey(inst('openstack_compute_instance_v2', { metadata: { xos_sliver: 'co1/s/a' } }))).toBe('co1/s/a');
    expect(metadataModelKey(inst('openstack_compute_instance_v2', { name: 'hand-made' }))).toBeUndefined();
  });
});
