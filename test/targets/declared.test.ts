/**
 * The real targets' address mapping (registered with `registerDeclared`): every element the
 * synthesized stacks hold maps back to its model object, with the attributes the model sets
 * and never one the provider computes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProgram } from '../../lib/cli/load';
import { compileCloud, type Compiled } from '../../lib/compile';
import { declaredResources } from '../../lib/synth/declared';
import { computedOnly } from '../../lib/synth/openstack/provider-schema';
import { synthesizeAtomically } from '../../lib/synth/output';
import { tmpDir } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
let compiled: Compiled;
let out: string;

beforeAll(() => {
  compiled = compileCloud(loadProgram(path.join(ROOT, 'examples', 'opencloud'), { transpileOnly: true }).cloud);
  out = path.join(tmpDir('xos-declared-'), 'out');
  synthesizeAtomically(compiled, { outdir: out, target: 'auto' });
});

function written(stack: string): Set<string> {
  const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const all = new Set<string>();
  for (const [t, byName] of Object.entries((tf.resource ?? {}) as Record<string, object>)) for (const n of Object.keys(byName)) all.add(`${t}.${n}`);
  for (const [t, byName] of Object.entries((tf.data ?? {}) as Record<string, object>)) if (t !== 'terraform_remote_state') for (const n of Object.keys(byName)) all.add(`data.${t}.${n}`);
  return all;
}

describe('declared resources of the real targets', () => {
  test('auto maps every element of every written stack, and nothing else, to a model object', () => {
    const declared = declaredResources(compiled.layout, 'auto');
    const keys = new Set(compiled.index.byKey.keys());
    for (const s of compiled.layout.stacks) {
      const d = declared.get(s.name)!;
      expect(new Set(d.map((r) => r.address))).toEqual(written(s.name));
      for (const r of d) expect(keys.has(r.model)).toBe(true);
    }
  });

  test('attributes are what the configuration sets: no meta-argument, no attribute the provider computes', () => {
    const declared = declaredResources(compiled.layout, 'auto').get('internet2-openstack')!;
    for (const r of declared) {
      for (const meta of ['provider', 'depends_on', '//', 'lifecycle']) expect(r.attrs).not.toHaveProperty(meta);
      for (const c of computedOnly(r.type, r.address.startsWith('data.'))) expect(r.attrs).not.toHaveProperty(c);
    }
    const cache = declared.find((r) => r.address === 'openstack_compute_instance_v2.sliver_onlab__hpc__cache-i2-1')!;
    expect(cache).toMatchObject({ model: 'onlab/hpc/cache-i2-1', kind: 'sliver', type: 'openstack_compute_instance_v2', name: 'sliver_onlab__hpc__cache-i2-1' });
    expect(cache.attrs).toMatchObject({ name: 'onlab-hpc-cache-i2-1', metadata: { xos_sliver: 'onlab/hpc/cache-i2-1', xos_slice: 'onlab/hpc' } });
  });

  test('user data that carries a secret is marked sensitive; user data without one is not', () => {
    const declared = declaredResources(compiled.layout, 'auto');
    const syndicate = declared.get('dc-east-1-openstack')!.find((r) => r.model === 'onlab/syndicate/ms-east' && r.type === 'openstack_compute_instance_v2')!;
    expect(syndicate.sensitive).toEqual(['user_data']);
    const rr = declared.get('dc-east-1-openstack')!.find((r) => r.model === 'onlab/rr/rr-1' && r.type === 'openstack_compute_instance_v2')!;
    expect(rr.sensitive).toEqual([]);
  });

  test("S3's per-tenant resources map to the tenancy, and a local stack keeps the local mapping", () => {
    const declared = declaredResources(compiled.layout, 'auto');
    expect(declared.get('s3')!.map((r) => `${r.address} ${r.model}`).sort()).toEqual(
      [
        'aws_iam_access_key.tenancy_Syndicate__tenant-of-S3',
        'aws_iam_user.tenancy_Syndicate__tenant-of-S3',
        'aws_iam_user_policy.tenancy_Syndicate__tenant-of-S3',
        'aws_s3_bucket.tenancy_Syndicate__tenant-of-S3',
        'aws_s3_bucket_public_access_block.tenancy_Syndicate__tenant-of-S3',
        'data.aws_iam_policy_document.tenancy_Syndicate__tenant-of-S3',
      ].map((a) => `${a} Syndicate/tenant-of-S3`),
    );
    expect(declared.get('gae')!.every((r) => r.type === 'terraform_data')).toBe(true);
  });
});
