/**
 * Provider schemas in the format `terraform providers schema -json` writes (format 1.0): the
 * harness serves them to Terraform (converted to the protocol's `Schema` messages) and checks
 * and plans values against them.
 */
import type { CtyType } from './cty';

export type NestingMode = 'single' | 'list' | 'set' | 'map' | 'group';

export interface SchemaAttribute {
  readonly type?: CtyType;
  readonly nested_type?: { readonly attributes: Readonly<Record<string, SchemaAttribute>>; readonly nesting_mode: Exclude<NestingMode, 'group'> };
  readonly description?: string;
  readonly description_kind?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
  readonly write_only?: boolean;
}

export interface SchemaNestedBlock {
  readonly nesting_mode: NestingMode;
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaNestedBlock>>;
  readonly description?: string;
  readonly description_kind?: string;
  readonly deprecated?: boolean;
}

export interface TypeSchema {
  readonly version: number;
  readonly block: SchemaBlock;
}

/** One provider's part of `terraform providers schema -json`. */
export interface ProviderSchema {
  readonly provider: TypeSchema;
  readonly resource_schemas: Readonly<Record<string, TypeSchema>>;
  readonly data_source_schemas: Readonly<Record<string, TypeSchema>>;
}

/** The type of a nested-type attribute's object. */
function nestedObjectType(attrs: Readonly<Record<string, SchemaAttribute>>): CtyType {
  const out: Record<string, CtyType> = {};
  for (const [n, a] of Object.entries(attrs)) out[n] = attributeType(a);
  return ['object', out];
}

/** The type of an attribute's value. */
export function attributeType(a: SchemaAttribute): CtyType {
  if (a.nested_type) {
    const o = nestedObjectType(a.nested_type.attributes);
    switch (a.nested_type.nesting_mode) {
      case 'single':
        return o;
      case 'list':
        return ['list', o];
      case 'set':
        return ['set', o];
      case 'map':
        return ['map', o];
    }
  }
  return a.type ?? 'dynamic';
}

/** The type of a nested block's value (all its blocks). */
export function nestedBlockType(b: SchemaNestedBlock): CtyType {
  const o = impliedType(b.block);
  switch (b.nesting_mode) {
    case 'single':
    case 'group':
      return o;
    case 'list':
      return ['list', o];
    case 'set':
      return ['set', o];
    case 'map':
      return ['map', o];
  }
}

const implied = new WeakMap<SchemaBlock, CtyType>();

/** The object type of a block: its attributes and nested blocks. */
export function impliedType(b: SchemaBlock): CtyType {
  let t = implied.get(b);
  if (t) return t;
  const out: Record<string, CtyType> = {};
  for (const [n, a] of Object.entries(b.attributes ?? {})) out[n] = attributeType(a);
  for (const [n, nb] of Object.entries(b.block_types ?? {})) out[n] = nestedBlockType(nb);
  t = ['object', out];
  implied.set(b, t);
  return t;
}
