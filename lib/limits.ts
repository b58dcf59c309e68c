/**
 * Bounds on the work an input can cause, checked before the work starts. Everything xos
 * reads may come from a pull request; a few bytes must not make it run for hours or take
 * the machine's memory. Each limit, when passed, is a clear error naming the object, the
 * value and the limit (and how to go beyond it where that makes sense).
 *
 * The sizes are set so that the largest input allowed stays well under 1 GB of memory: a
 * cloud of 100,000 Terraform resources synthesizes in about 500 MB (bench/README.md).
 */
import { usageError } from './errors';
import type { ModelIndex } from './model/index';
import type { XosModel } from './model/types';
import { thousandsOf } from './util/numbers';

/** Slivers one `addSlivers` call or one recipe `count` may declare. */
export const MAX_SLIVERS_PER_CALL = 100_000;

/** Terraform resources a cloud may lay out (`XOS_MAX_RESOURCES` raises it, for a machine with the memory). */
export function maxResources(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.XOS_MAX_RESOURCES);
  return Number.isInteger(n) && n > 0 ? n : 200_000;
}

/** Bytes of per-instance data (SSH keys, tenancy attributes) copied into Slivers' user data across a cloud. */
export const MAX_USER_DATA_BYTES = 128 * 1024 * 1024;

/** Resource changes one review takes, over all its plans. */
export const MAX_REVIEW_CHANGES = 500_000;

/** Largest JSON file read (plans, states, models): V8 cannot hold a longer string. */
export const MAX_JSON_FILE = 512 * 1024 * 1024;

/** Check a Sliver count before any Sliver is made. */
export function checkSliverCount(count: unknown, where: string): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
    throw usageError(`${where}: the count ${typeof count === 'number' ? String(count) : typeof count} is not a whole number of Slivers (0 or more).`);
  if (count > MAX_SLIVERS_PER_CALL)
    throw usageError(`${where}: the count ${thousandsOf(count)} is more than the ${thousandsOf(MAX_SLIVERS_PER_CALL)} Slivers one declaration may make. Declare fewer, or split them over several Slices.`);
  return count;
}

/**
 * What a model will lay out, estimated from counts before the layout is built: a port per
 * (Sliver, Network of its Slice), the user data every Sliver carries (the keys of everyone
 * with a privilege on its Slice, the attributes of its Service's tenancies). These grow as
 * products of counts: a few hundred kilobytes of recipe can ask for gigabytes. Throws a
 * usage error naming the largest contributor when a bound is passed.
 */
export function checkModelBounds(model: XosModel, index: ModelIndex, env: NodeJS.ProcessEnv = process.env): void {
  const limit = maxResources(env);
  let resources = 0;
  for (const c of ['sites', 'users', 'privileges', 'deployments', 'controllers', 'nodes', 'images', 'flavors', 'networkTemplates', 'services', 'tenants', 'slices', 'slivers', 'networks', 'additions'] as const) resources += ((model as unknown as Record<string, unknown[]>)[c] ?? []).length;
  let ports = 0;
  let userData = 0;
  let worst = { key: '', ports: 0, bytes: 0 };
  const keyBytes = new Map<string, number>();
  for (const s of model.slices) {
    const slivers = (index.sliversBySlice.get(s.key) ?? []).length;
    if (!slivers) continue;
    const networks = (index.networksOfSlice.get(s.key) ?? []).length;
    const p = slivers * networks;
    let keys = 0;
    for (const pr of index.privilegesByTarget.get(s.key) ?? []) {
      if (!pr.user) continue;
      let b = keyBytes.get(pr.user);
      if (b === undefined) {
        const u = index.get(pr.user);
        b = u?.kind === 'User' ? u.publicKeys.reduce((n, k) => n + k.length + 4, 0) : 0;
        keyBytes.set(pr.user, b);
      }
      keys += b;
    }
    const svc = index.servicesBySlice.get(s.key);
    let attrs = 0;
    if (svc) for (const t of index.tenantsByTenant.get(svc.key) ?? []) attrs += JSON.stringify(t.attributes ?? null).length;
    const bytes = slivers * (keys + attrs);
    ports += p;
    userData += bytes;
    if (p + bytes / 1000 > worst.ports + worst.bytes / 1000) worst = { key: s.key, ports: p, bytes };
  }
  resources += ports;
  if (resources > limit)
    throw usageError(
      `the model lays out about ${thousandsOf(resources)} Terraform resources, more than the ${thousandsOf(limit)} xos synthesizes in one program${worst.ports ? ` (Slice ${worst.key} alone: ${thousandsOf(worst.ports)} ports, one per Sliver and Network)` : ''}. Split the cloud over several programs, or set XOS_MAX_RESOURCES on a machine with the memory for it.`,
    );
  if (userData > MAX_USER_DATA_BYTES)
    throw usageError(
      `the model copies about ${thousandsOf(Math.round(userData / 1e6))} MB of keys and tenancy attributes into its Slivers' user data, more than the ${thousandsOf(MAX_USER_DATA_BYTES / 1024 / 1024)} MB xos writes (Slice ${worst.key}: ${thousandsOf(Math.round(worst.bytes / 1e6))} MB, every Sliver carrying the keys of every User with a privilege on it and its Service's tenancy attributes). Grant fewer Users on the Slice, or keep large attributes out of tenancies.`,
    );
}
