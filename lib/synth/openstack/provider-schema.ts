/**
 * The vendored part of the OpenStack provider's schema (`terraform providers schema -json`
 * for terraform-provider-openstack/openstack; provenance in `schema.json`'s `//` and in
 * SOURCES.md beside it). It drives the generated bindings (scripts/gen-openstack.ts), the
 * schema checker (check.ts), and tells which attributes the provider computes.
 */
import schemaJson from './schema.json';

export type TfType = string | readonly [string, TfType] | readonly ['object', Readonly<Record<string, TfType>>];

export interface TfAttribute {
  readonly type: TfType;
  readonly description?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
}

export interface TfBlock {
  readonly attributes?: Readonly<Record<string, TfAttribute>>;
  readonly block_types?: Readonly<Record<string, TfNestedBlock>>;
  readonly description?: string;
}

export interface TfNestedBlock {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly block: TfBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface VendoredSchema {
  readonly format_version: string;
  readonly provider_address: string;
  readonly provider: { readonly block: TfBlock };
  readonly resource_schemas: Readonly<Record<string, { readonly block: TfBlock }>>;
  readonly data_source_schemas: Readonly<Record<string, { readonly block: TfBlock }>>;
}

export const OPENSTACK_SCHEMA = schemaJson as unknown as VendoredSchema;

/**
 * Top-level attributes of a resource (or, with `data`, a data source) type that the
 * provider computes and the configuration never sets: status must not call them drift.
 */
export function computedOnly(type: string, data = false): string[] {
  const s = (data ? OPENSTACK_SCHEMA.data_source_schemas : OPENSTACK_SCHEMA.resource_schemas)[type];
  if (!s) return [];
  return Object.entries(s.block.attributes ?? {})
    .filter(([, a]) => a.computed && !a.required && !a.optional)
    .map(([n]) => n)
    .sort();
}
