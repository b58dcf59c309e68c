/**
 * Terraform addresses and provider references, as states write them.
 */
import type { AttrPath, ProviderRef } from './types';

/** `[0]` for a `count` index, `["key"]` for a `for_each` key. */
export function formatIndexKey(key: string | number): string {
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** The address of a resource (no instance key): `module.m.data.aws_ami.x`. */
export function resourceAddress(module: string, mode: 'managed' | 'data', type: string, name: string): string {
  return `${module ? `${module}.` : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
}

/** The address of one instance of a resource. */
export function instanceAddress(module: string, mode: 'managed' | 'data', type: string, name: string, key?: string | number): string {
  return resourceAddress(module, mode, type, name) + (key === undefined ? '' : formatIndexKey(key));
}

const SHORT_HOST = 'registry.terraform.io';

function shortName(source: string): string {
  const parts = source.split('/');
  return parts[parts.length - 1];
}

/**
 * Read a provider reference of a raw state: `provider["registry.terraform.io/hashicorp/aws"]`,
 * with an optional `.alias` and module prefix, or the legacy `provider.aws` of Terraform 0.12.
 * Anything else is kept as it is, named by itself, rather than rejected.
 */
export function parseStateProvider(text: string): ProviderRef {
  const modern = /^(?:.*\.)?provider\["([^"]+)"\](?:\.([A-Za-z0-9_-]+))?$/.exec(text);
  if (modern) return { name: shortName(modern[1]), source: modern[1], legacy: false, ...(modern[2] ? { alias: modern[2] } : {}) };
  const legacy = /^(?:.*\.)?provider\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?$/.exec(text);
  if (legacy) return { name: legacy[1], source: `${SHORT_HOST}/-/${legacy[1]}`, legacy: true, ...(legacy[2] ? { alias: legacy[2] } : {}) };
  return { name: text, source: text, legacy: false };
}

/** Read the `provider_name` of `terraform show -json` (a source address, or a bare legacy name). */
export function parseShowProvider(text: string): ProviderRef {
  if (text.includes('/')) return { name: shortName(text), source: text, legacy: false };
  return { name: text, source: `${SHORT_HOST}/-/${text}`, legacy: true };
}

/** A path into attributes, as people write it: `input.sites[0]`, `tags["a.b"]`. */
export function formatPath(path: AttrPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}
