/**
 * Objects keyed by names from the model (a Service's name, a construct id, a Terraform
 * resource name): null-prototype objects, which V8 keeps in dictionary mode from the start.
 *
 * Why it matters at scale: V8 gives each ordinary object a hidden class, and adding a
 * property to `{}` records a transition on the class of the empty object. That class holds at
 * most 1,536 transitions; once a large cloud's names have filled it (a 100k-resource cloud
 * has thousands of Services and constructs with children), every object the program builds
 * afterwards with a new first key gets a class of its own, and property access everywhere
 * turns megamorphic: synthesis of the same stack ran twice as slowly next to a 100k-resource
 * model as next to a 10k one. Dictionary-mode objects add no transitions.
 *
 * They serialize, spread, and compare (`Object.keys`, `JSON.stringify`, `in`) as ordinary
 * objects do; they have no `hasOwnProperty` or `toString` of their own.
 */
export function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const o = Object.create(null) as Record<string, T>;
  if (entries) for (const [k, v] of entries) o[k] = v;
  return o;
}

/**
 * Keep a construct's children in a dictionary-mode object: the `constructs` library adds
 * each child by id to a plain `{}` (`node._children`), and ids such as `tenant-of-svc-17`
 * are unique across a cloud, so a large program fills the empty object's transitions (see
 * `dict`). Done only while the library keeps children that way and none were added yet;
 * anything else is left as it is.
 */
export function dictionaryChildren(node: object): void {
  const n = node as { _children?: unknown };
  if ('_children' in n && n._children === undefined) n._children = Object.create(null);
}

/**
 * The object without its undefined members (itself when it has none): a copy, not `delete`.
 * Deleting a member turns a V8 object into a slow dictionary, and models and layouts hold
 * hundreds of thousands of objects built with optional members.
 */
export function withoutUndefined<T extends object>(o: T): T {
  const r = o as Record<string, unknown>;
  let undef = false;
  for (const k in r) if (r[k] === undefined) undef = true;
  if (!undef) return o;
  const out: Record<string, unknown> = {};
  for (const k in r) if (r[k] !== undefined) setKey(out, k, r[k]);
  return out as T;
}

/**
 * `o[k] = v`, except that a key `__proto__` (a JSON document or a program may hold one)
 * becomes an own property as JSON.parse makes it, instead of replacing the object's
 * prototype: the attribute is kept, written and checked like any other.
 */
export function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
