/**
 * The per-instance carrier of each real target: one object per tenant instance in a store
 * of its provider (and of a Service that holds one), read by the Service's Slivers with a
 * read-only credential; a secret attribute only as a sensitive expression; one subscriber
 * more is one object more, and nothing else in the stack changes.
 */
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from '../../lib/index';
import { checkOpenstackStack } from '../../lib/synth/openstack/check';
import { instanceFacts, res, synth, type Tf } from './helpers';

/** A small office on one back-end: vOLT (Users subscribe) -> vBNG, a CDN holding a subnet, `n` subscribers. */
function office(backend: 'openstack' | 'ec2', n: number) {
  Cloud.reset();
  const cloud = new Cloud({ name: 'office' });
  const site = new Site(cloud, 'co', { loginBase: 'co' });
  const image = new Image(cloud, 'img', { sourceUrl: 'https://images.example/img.qcow2' });
  const flavor = new Flavor(cloud, 'f', { cores: 1, ramMb: 1024, diskGb: 10 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const dep = new Deployment(cloud, 'pod', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController('ctl', backend === 'openstack' ? { backend, url: 'https://keystone.example:5000/v3', region: 'r1', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } } : { backend, region: 'us-east-1', sites: [site] });
  const admin = new User(cloud, 'admin', { site, publicKeys: ['ssh-ed25519 AAAA admin'] });
  site.grant(admin, 'admin');
  const svc = (name: string, cidr: string, props: object) => {
    const slice = site.addSlice(name.toLowerCase(), { image, flavor });
    slice.grant(admin, 'admin');
    slice.addNetwork('lan', { cidr, template: tpl });
    slice.addSliver(`${name.toLowerCase()}-1`, { deployment: dep });
    return new Service(cloud, name, { slices: [slice], ...props });
  };
  const volt = svc('vOLT', '10.0.1.0/24', { acceptsUsers: true, pools: { c_tag: { range: [2, 4094], per: 's_tag' } }, onInstance: () => [{ id: 'disk', type: 'volume', attributes: { sizeGb: 1 } }] });
  const vbng = svc('vBNG', '10.0.2.0/24', { pools: { subnet: { block: '198.18.0.0/24', prefix: 29 } } });
  const cdn = svc('CDN', '10.0.3.0/24', {});
  volt.tenantOf(vbng, { connect: 'none' });
  cdn.tenantOf(vbng, { connect: 'none' });
  vbng.addTenant('cdn', { subscriber: cdn });
  for (let i = 0; i < n; i++) {
    const u = new User(cloud, `sub${i}`, { site });
    const v = volt.addTenant(`sub-${i}`, { subscriber: u, attributes: { s_tag: 100, pppoe_password: Secret.env(`SUB${i}_PPPOE`) } });
    vbng.addTenant(`sub-${i}`, { subscriber: v });
  }
  return cloud;
}

function stackOf(backend: 'openstack' | 'ec2', n: number): Tf {
  const { rendered } = synth(office(backend, n));
  return rendered.json.get('ctl')!;
}

describe('openstack target: tenant instances', () => {
  const tf = stackOf('openstack', 2);

  test('each instance is one Swift object, its record, in a container of its provider; a held one in its holder\'s', () => {
    const objects = res(tf, 'openstack_objectstorage_object_v1');
    expect(Object.keys(objects).sort()).toEqual(['held_vBNG__cdn', 'instance_vBNG__cdn', 'instance_vBNG__sub-0', 'instance_vBNG__sub-1', 'instance_vOLT__sub-0', 'instance_vOLT__sub-1']);
    const volt0 = objects['instance_vOLT__sub-0'];
    expect(volt0).toMatchObject({ container_name: '${openstack_objectstorage_container_v1.store_vOLT.name}', name: 'instances/sub-0.json', content_type: 'application/json', metadata: { 'xos-instance': 'vOLT/sub-0' } });
    expect(objects['held_vBNG__cdn']).toMatchObject({ container_name: '${openstack_objectstorage_container_v1.store_CDN.name}', name: 'holds/vBNG/cdn.json' });
    const record = JSON.parse(objects['instance_vBNG__sub-1'].content);
    expect(record).toEqual({ id: 'sub-1', provider: 'vBNG', role: 'provides', subscriber: 'vOLT/sub-1', subscriber_kind: 'Instance', chain_root: 'sub1', chain_root_kind: 'User', attributes: { subnet: '198.18.0.16/29' }, allocated: ['subnet'], subscriber_attributes: { c_tag: 3, s_tag: 100 } });
    expect(Object.keys(res(tf, 'openstack_objectstorage_container_v1')).sort()).toEqual(['store_CDN', 'store_vBNG', 'store_vOLT']);
  });

  test('a secret attribute is a sensitive expression in the record, never a value', () => {
    const content = res(tf, 'openstack_objectstorage_object_v1')['instance_vOLT__sub-0'].content as string;
    expect(content).toContain('"pppoe_password": ${jsonencode(sensitive(var.SUB0_PPPOE))}');
    expect(tf.variable.SUB0_PPPOE).toMatchObject({ sensitive: true });
  });

  test("a Service's Slivers learn where its records are and read them with a credential limited to that container", () => {
    const cred = res(tf, 'openstack_identity_application_credential_v3').store_vOLT;
    expect(cred.unrestricted).toBe(false);
    expect(cred.access_rules.map((r: { method: string; path: string; service: string }) => `${r.service} ${r.method} ${r.path}`)).toEqual([
      'object-store GET /v1/*/${openstack_objectstorage_container_v1.store_vOLT.name}',
      'object-store GET /v1/*/${openstack_objectstorage_container_v1.store_vOLT.name}/**',
      'object-store HEAD /v1/*/${openstack_objectstorage_container_v1.store_vOLT.name}',
      'object-store HEAD /v1/*/${openstack_objectstorage_container_v1.store_vOLT.name}/**',
    ]);
    const { facts } = instanceFacts(res(tf, 'openstack_compute_instance_v2')['sliver_co__volt__volt-1'].user_data);
    expect(facts.instances).toEqual({
      application_credential_id: '${jsonencode(openstack_identity_application_credential_v3.store_vOLT.id)}',
      auth_url: 'https://keystone.example:5000/v3',
      container: '${jsonencode(openstack_objectstorage_container_v1.store_vOLT.name)}',
      region: 'r1',
      store: 'swift',
      application_credential_secret: '${jsonencode(sensitive(openstack_identity_application_credential_v3.store_vOLT.secret))}',
    });
  });

  test("the store and its reader are made by the Controller's configuration, in its project (one store per Service, whichever of its Slices reads it); the Slivers reading it by their Slice's", () => {
    const container = res(tf, 'openstack_objectstorage_container_v1').store_vOLT;
    const reader = res(tf, 'openstack_identity_application_credential_v3').store_vOLT;
    expect([container.provider, reader.provider, res(tf, 'openstack_objectstorage_object_v1')['instance_vOLT__sub-0'].provider]).toEqual(['openstack.ctl', 'openstack.ctl', 'openstack.ctl']);
    expect(res(tf, 'openstack_compute_instance_v2')['sliver_co__volt__volt-1'].provider).toBe('openstack.ctl--slice_co__volt');
  });

  test('a Controller holding an application credential is refused with the fix when its stack makes a store, even with no Sliver: keystone lets it create no reader credential', () => {
    Cloud.reset();
    const cloud = new Cloud({ name: 'appcred' });
    const site = new Site(cloud, 'co', { loginBase: 'co' });
    const dep = new Deployment(cloud, 'pod', { hostSites: [site], acquireSites: [site] });
    const ctl = dep.addController('ctl', { backend: 'openstack', url: 'https://keystone.example:5000/v3', sites: [site], credentials: { application_credential_id: Secret.tfVar('app_id'), application_credential_secret: Secret.tfVar('app_secret') } });
    // A Service run by the Controller itself: the stack has its store and no Sliver.
    const volt = new Service(cloud, 'vOLT', { controller: ctl, acceptsUsers: true });
    volt.addTenant('sub-1', { subscriber: new User(cloud, 'alice', { site }) });
    expect(() => synth(cloud)).toThrow(/Controller ctl: its credential 'application_credential_id' is an application credential, but the stack creates a read-only application credential for the tenant-instance records of vOLT, .*username and password, or a token/);
  });

  test("a provider's per-instance volume is a volume of its size", () => {
    expect(res(tf, 'openstack_blockstorage_volume_v3')['addition_vOLT__sub-0__disk']).toMatchObject({ size: 1, name: 'xos-vOLT-sub-0-disk' });
  });

  test('every element is valid against the vendored provider schema', () => {
    expect(checkOpenstackStack(tf)).toEqual([]);
  });

  test('one subscriber more is its objects and volume more, and no other element of the stack changes', () => {
    const more = stackOf('openstack', 3);
    const flat = (t: Tf) => new Map(Object.entries(t.resource as Record<string, Record<string, unknown>>).flatMap(([type, byName]) => Object.entries(byName).map(([n, b]) => [`${type}.${n}`, JSON.stringify(b)] as const)));
    const [a, b] = [flat(tf), flat(more)];
    expect([...b.keys()].filter((k) => !a.has(k)).sort()).toEqual([
      'openstack_blockstorage_volume_v3.addition_vOLT__sub-2__disk',
      'openstack_objectstorage_object_v1.instance_vBNG__sub-2',
      'openstack_objectstorage_object_v1.instance_vOLT__sub-2',
    ]);
    expect([...a.keys()].filter((k) => b.get(k) !== a.get(k))).toEqual([]);
  });
});

describe('aws target: tenant instances', () => {
  const tf = stackOf('ec2', 2);

  test('each instance is one S3 object in a private bucket of its provider, read by the Service\'s instances through an instance profile', () => {
    const objects = res(tf, 'aws_s3_object');
    expect(Object.keys(objects).sort()).toEqual(['held_vBNG__cdn', 'instance_vBNG__cdn', 'instance_vBNG__sub-0', 'instance_vBNG__sub-1', 'instance_vOLT__sub-0', 'instance_vOLT__sub-1']);
    expect(objects['instance_vOLT__sub-1']).toMatchObject({ bucket: '${aws_s3_bucket.store_vOLT.id}', key: 'instances/sub-1.json', content_type: 'application/json', tags: { 'xos:key': 'vOLT/sub-1', 'xos:kind': 'instance' } });
    expect(objects['instance_vOLT__sub-1'].content).toContain('"pppoe_password": ${jsonencode(sensitive(var.SUB1_PPPOE))}');
    expect(res(tf, 'aws_s3_bucket_public_access_block').store_vOLT).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const volt = res(tf, 'aws_instance')['sliver_co__volt__volt-1'];
    expect(volt.iam_instance_profile).toBe('${aws_iam_instance_profile.store_vOLT.name}');
    expect(instanceFacts(volt.user_data).facts.instances).toEqual({ bucket: '${jsonencode(aws_s3_bucket.store_vOLT.bucket)}', region: 'us-east-1', store: 's3' });
    const read = tf.data.aws_iam_policy_document.store_vOLT__read.statement;
    expect(read.map((s: { actions: string[]; resources: string[] }) => `${s.actions.join()} ${s.resources.join()}`)).toEqual(['s3:ListBucket ${aws_s3_bucket.store_vOLT.arn}', 's3:GetObject ${aws_s3_bucket.store_vOLT.arn}/*']);
  });
});
