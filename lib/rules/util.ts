import { UNDECLARED } from '../model/types';
import type { ModelIndex } from '../model/index';

/** How to name a reference in a message: its name when declared, or what it pointed at. */
export function undeclared(ref: string): string {
  return ref.startsWith(UNDECLARED) ? `'${ref.slice(UNDECLARED.length)}'` : `'${ref}'`;
}

/** The name of a declared object, or a description of a reference that is not declared. */
export function nameOf(index: ModelIndex, ref: string | null | undefined): string {
  if (!ref) return 'nothing';
  const o = index.get(ref);
  return o ? `'${o.name}'` : undeclared(ref);
}

/** A list of names for a message, cut to a readable length. */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
