/**
 * The provider schemas the harness serves, with their provenance (the targets' own files):
 *
 * - openstack `3` (the current major, the default): lib/synth/openstack/schema-3.json, derived
 *   from the provider's source at tag v3.4.0 by scripts/openstack-schema-from-source.ts;
 * - openstack `1.53`: lib/synth/openstack/schema.json, the schema the openstack target is
 *   generated from (real `terraform providers schema -json` output of provider 1.53.0), with
 *   schema-extras.json (derived from the v1.53.0 source by the same script);
 * - aws: lib/synth/aws/schema.json, derived from @cdktf/provider-aws's generated code for the
 *   provider version it was generated from (scripts/aws-schema.ts).
 *
 * Besides the schema, each records per type what `terraform providers schema -json` does not
 * carry: the arguments whose change replaces the object (`force_new`), the provider's
 * defaults (`defaults`) and allowed values (`enums`).
 */
import awsJson from '../synth/aws/schema.json';
import extras153 from '../synth/openstack/schema-extras.json';
import openstack3Json from '../synth/openstack/schema-3.json';
import vendored153 from '../synth/openstack/schema.json';
import { awsBehaviour } from './aws';
import { openstackBehaviour } from './openstack';
import type { Behaviour } from './provider';
import type { ProviderSchema } from './schema';

export type OpenstackSchemaVersion = '3' | '1.53';
export const OPENSTACK_SCHEMA_VERSIONS: readonly OpenstackSchemaVersion[] = ['3', '1.53'];

/** A schema file with what the harness needs beyond the schema itself. */
export interface SchemaFile extends ProviderSchema {
  readonly provider_version?: string;
  /** Per type: top-level arguments whose change replaces the object. */
  readonly force_new?: Readonly<Record<string, readonly string[]>>;
  /** Per type (data sources as `data.<type>`): dotted path -> the provider's default. */
  readonly defaults?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Per type: dotted path -> the values the provider accepts. */
  readonly enums?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export function openstackSchema(v: OpenstackSchemaVersion = '3'): SchemaFile {
  return v === '1.53' ? ({ ...(vendored153 as object), ...(extras153 as object) } as SchemaFile) : (openstack3Json as unknown as SchemaFile);
}

export function awsSchema(): SchemaFile {
  return awsJson as unknown as SchemaFile;
}

/** The provider and version a schema stands for, for messages. */
export function openstackSchemaLabel(v: OpenstackSchemaVersion): string {
  return `terraform-provider-openstack ${openstackSchema(v).provider_version ?? v}`;
}

export function behaviours(openstack: OpenstackSchemaVersion = '3'): { openstack: Behaviour; aws: Behaviour } {
  return { openstack: openstackBehaviour(openstackSchema(openstack)), aws: awsBehaviour(awsSchema()) };
}
