/**
 * The provider schemas the harness serves, with their provenance:
 *
 * - openstack `1.54`: the schema the openstack target is generated from and checked against
 *   (lib/synth/openstack/schema.json: real `terraform providers schema -json` output, about
 *   provider 1.53/1.54);
 * - openstack `3` (the current major, the default): schemas/openstack-3.json, derived from
 *   the provider's source at tag v3.4.0 by scripts/openstack-schema-from-source.ts (see
 *   schemas/SOURCES.md);
 * - aws: schemas/aws.json, derived from @cdktf/provider-aws's generated code for the
 *   provider version it was generated from (scripts/aws-schema.ts, schemas/SOURCES.md).
 *
 * Each file also records, per type, the arguments whose change replaces the object
 * (`force_new`), which `terraform providers schema -json` does not carry.
 */
import vendored154 from '../synth/openstack/schema.json';
import { awsBehaviour } from './aws';
import { openstackBehaviour } from './openstack';
import type { Behaviour } from './provider';
import type { ProviderSchema } from './schema';
import awsJson from './schemas/aws.json';
import forceNew154 from './schemas/openstack-1.54-force-new.json';
import openstack3Json from './schemas/openstack-3.json';

export type OpenstackSchemaVersion = '1.54' | '3';
export const OPENSTACK_SCHEMA_VERSIONS: readonly OpenstackSchemaVersion[] = ['3', '1.54'];

interface SchemaFile extends ProviderSchema {
  readonly '//'?: unknown;
  readonly provider_version?: string;
  readonly force_new?: Readonly<Record<string, readonly string[]>>;
}

function load(file: 'openstack-1.54' | 'openstack-3' | 'aws'): SchemaFile {
  switch (file) {
    case 'openstack-1.54':
      return { ...(vendored154 as unknown as SchemaFile), force_new: (forceNew154 as { force_new: Record<string, string[]> }).force_new };
    case 'openstack-3':
      return openstack3Json as unknown as SchemaFile;
    case 'aws':
      return awsJson as unknown as SchemaFile;
  }
}

/** The OpenStack provider version a schema stands for, for messages. */
export function openstackSchemaLabel(v: OpenstackSchemaVersion): string {
  return v === '1.54' ? 'terraform-provider-openstack 1.54 (vendored schema)' : `terraform-provider-openstack ${load('openstack-3').provider_version ?? '3.x'}`;
}

export function openstackSchema(v: OpenstackSchemaVersion = '3'): SchemaFile {
  return load(v === '1.54' ? 'openstack-1.54' : 'openstack-3');
}

export function awsSchema(): SchemaFile {
  return load('aws');
}

export function behaviours(openstack: OpenstackSchemaVersion = '3'): { openstack: Behaviour; aws: Behaviour } {
  const os = openstackSchema(openstack);
  const aws = awsSchema();
  return { openstack: openstackBehaviour(os, os.force_new), aws: awsBehaviour(aws, aws.force_new) };
}
