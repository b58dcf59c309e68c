/**
 * Vendor the part of the OpenStack provider's schema that the `openstack` target uses.
 *
 *   npx ts-node scripts/vendor-openstack-schema.ts [path/to/openstack-provider-schema.json]
 *
 * The input is the output of `terraform providers schema -json` for
 * terraform-provider-openstack/openstack (default: ../shared/schemas/openstack-provider-schema.json).
 * The output, lib/synth/openstack/schema.json, keeps the same shape for the types listed
 * below, byte-for-byte values included, plus a `//` provenance note. After vendoring, run
 * `npx ts-node scripts/gen-openstack.ts` to regenerate the typed bindings.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Resource types the openstack target synthesizes. */
export const RESOURCES = [
  'openstack_blockstorage_volume_v3',
  'openstack_compute_flavor_v2',
  'openstack_compute_instance_v2',
  'openstack_compute_keypair_v2',
  'openstack_compute_quotaset_v2',
  'openstack_compute_volume_attach_v2',
  'openstack_identity_application_credential_v3',
  'openstack_identity_project_v3',
  'openstack_identity_role_assignment_v3',
  'openstack_identity_user_v3',
  'openstack_images_image_v2',
  'openstack_networking_floatingip_associate_v2',
  'openstack_networking_floatingip_v2',
  'openstack_networking_network_v2',
  'openstack_networking_port_secgroup_associate_v2',
  'openstack_networking_port_v2',
  'openstack_networking_qos_bandwidth_limit_rule_v2',
  'openstack_networking_qos_policy_v2',
  'openstack_networking_router_interface_v2',
  'openstack_networking_router_v2',
  'openstack_networking_secgroup_rule_v2',
  'openstack_networking_secgroup_v2',
  'openstack_networking_subnet_route_v2',
  'openstack_networking_subnet_v2',
  'openstack_objectstorage_container_v1',
  'openstack_objectstorage_object_v1',
] as const;

/** Data source types the openstack target reads. */
export const DATA_SOURCES = [
  'openstack_compute_flavor_v2',
  'openstack_identity_auth_scope_v3',
  'openstack_identity_role_v3',
  'openstack_images_image_v2',
  'openstack_networking_network_v2',
] as const;

export const PROVIDER_ADDRESS = 'registry.terraform.io/terraform-provider-openstack/openstack';

export const PROVENANCE = {
  source: 'terraform providers schema -json for terraform-provider-openstack/openstack (about v1.54), from GitHub Kranzes/terraform-schemas, branch schemas, file openstack.json, commit 02aad3addceddc89e0f0b76e8c31fec04fb8e0e4 (2024-01-27)',
  subset: 'the provider block, and the resource and data source types listed in scripts/vendor-openstack-schema.ts; every value copied unchanged',
  regenerate: 'npx ts-node scripts/vendor-openstack-schema.ts <schema.json> && npx ts-node scripts/gen-openstack.ts',
};

interface ProvidersSchema {
  format_version: string;
  provider_schemas: Record<string, { provider: unknown; resource_schemas: Record<string, unknown>; data_source_schemas: Record<string, unknown> }>;
}

/** The vendored subset of a full providers schema document. */
export function vendorSubset(full: ProvidersSchema): Record<string, unknown> {
  const p = full.provider_schemas[PROVIDER_ADDRESS];
  if (!p) throw new Error(`the schema holds no ${PROVIDER_ADDRESS} (it has: ${Object.keys(full.provider_schemas).join(', ')})`);
  const pick = (from: Record<string, unknown>, names: readonly string[], what: string) => {
    const out: Record<string, unknown> = {};
    for (const n of names) {
      if (!from[n]) throw new Error(`the schema has no ${what} ${n}`);
      out[n] = from[n];
    }
    return out;
  };
  return {
    '//': PROVENANCE,
    format_version: full.format_version,
    provider_address: PROVIDER_ADDRESS,
    provider: p.provider,
    resource_schemas: pick(p.resource_schemas, RESOURCES, 'resource'),
    data_source_schemas: pick(p.data_source_schemas, DATA_SOURCES, 'data source'),
  };
}

export const VENDORED = path.resolve(__dirname, '..', 'lib', 'synth', 'openstack', 'schema.json');

if (require.main === module) {
  const input = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'schemas', 'openstack-provider-schema.json'));
  const full = JSON.parse(fs.readFileSync(input, 'utf8')) as ProvidersSchema;
  fs.mkdirSync(path.dirname(VENDORED), { recursive: true });
  fs.writeFileSync(VENDORED, JSON.stringify(vendorSubset(full), null, 1) + '\n');
  process.stdout.write(`wrote ${path.relative(process.cwd(), VENDORED)} from ${input}\n`);
}
