/**
 * The harness in a process of its own, for callers that run Terraform synchronously (a test
 * file, a shell script): it prints one line of JSON, `{"env": {...}}` (the variables that make
 * Terraform attach to it), then serves until it is terminated or its parent goes away.
 *
 *   node harness-main.js <folder> [openstack schema: 3 | 1.53]
 */
import { startHarness } from './harness';
import type { OpenstackSchemaVersion } from './schemas';

async function main(): Promise<void> {
  const [dir, openstack = '3'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: harness-main.js <folder> [3|1.53]');
  const h = await startHarness({ dir, openstack: openstack as OpenstackSchemaVersion });
  const stop = () => void h.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
  process.stdout.write(`${JSON.stringify({ env: h.env })}\n`);
}

main().catch((e) => {
  process.stderr.write(`xos rehearsal harness: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
