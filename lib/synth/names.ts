import { fnv1a } from '../model/cidr';

/** Longest resource name we emit; longer names keep a prefix and a hash. */
const MAX_NAME = 200;

export function hash6(s: string): string {
  return fnv1a(s).toString(16).padStart(8, '0').slice(0, 6);
}

/**
 * Keys whose `/` -> `__` spelling could be read back two ways: `a_/b` and `a/_b` both give
 * `a___b`, and `a__b` reads as `a/b`. Only these need a hash to stay apart.
 */
const AMBIGUOUS = /__|_\/|\/_/;

/** Keys of name characters and `/` only (nearly all): no character needs replacing. */
const PLAIN_KEY = /^[A-Za-z0-9_/-]*$/;

/** `[A-Za-z0-9_-]`, by character code. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/**
 * A valid Terraform resource name (`[A-Za-z_][A-Za-z0-9_-]*`) for a model key, stable and
 * readable: `/` becomes `__`; any other character outside the set becomes `_`, and then
 * (the mapping being lossy) a hash of the key is appended so that different keys never
 * share a name. A key whose underscores touch a `/` is hashed too, since its spelling is
 * ambiguous. Names longer than 200 characters are cut and hashed likewise.
 */
export function resourceName(prefix: string, key: string): string {
  let out: string;
  let lossy = AMBIGUOUS.test(key);
  if (PLAIN_KEY.test(key)) out = key.replaceAll('/', '__');
  else {
    out = '';
    for (let i = 0; i < key.length; i++) {
      const ch = key[i];
      if (ch === '/') out += '__';
      else if (isNameChar(ch.charCodeAt(0))) out += ch;
      else {
        out += '_';
        lossy = true;
      }
    }
  }
  let name = key === '' ? prefix : `${prefix}_${out}`;
  if (lossy) name += `_${hash6(key)}`;
  if (name.length > MAX_NAME) name = `${name.slice(0, MAX_NAME - 8)}_${hash6(key)}`;
  return name;
}

/** A valid directory and Terraform stack name for a Controller's stack name. */
export function stackName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^-+/, '') || 'stack';
  const needsHash = clean !== name || clean.length > 100;
  const base = clean.length > 100 ? clean.slice(0, 92) : clean;
  return needsHash ? `${base}-${hash6(name)}` : base;
}

/** A valid Terraform variable name for a secret reference. */
export function variableName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(clean) ? clean : `_${clean}`;
}
