/**
 * EC2 has no flavors to create: a Flavor becomes the smallest instance type that gives it
 * at least its cores and memory (in this table's order of preference when two tie), or the
 * instance type it is named after.
 */
import { usageError } from '../../errors';

export interface InstanceType {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMib: number;
}

const GIB = 1024;

/** Current general-purpose, compute- and memory-optimized types (vCPUs, memory), by preference. */
export const INSTANCE_TYPES: readonly InstanceType[] = [
  ['t3.nano', 2, 0.5], ['t3.micro', 2, 1], ['t3.small', 2, 2], ['t3.medium', 2, 4], ['t3.large', 2, 8], ['t3.xlarge', 4, 16], ['t3.2xlarge', 8, 32],
  ['m5.large', 2, 8], ['m5.xlarge', 4, 16], ['m5.2xlarge', 8, 32], ['m5.4xlarge', 16, 64], ['m5.8xlarge', 32, 128], ['m5.12xlarge', 48, 192], ['m5.16xlarge', 64, 256], ['m5.24xlarge', 96, 384],
  ['c5.large', 2, 4], ['c5.xlarge', 4, 8], ['c5.2xlarge', 8, 16], ['c5.4xlarge', 16, 32], ['c5.9xlarge', 36, 72], ['c5.12xlarge', 48, 96], ['c5.18xlarge', 72, 144], ['c5.24xlarge', 96, 192],
  ['r5.large', 2, 16], ['r5.xlarge', 4, 32], ['r5.2xlarge', 8, 64], ['r5.4xlarge', 16, 128], ['r5.8xlarge', 32, 256], ['r5.12xlarge', 48, 384], ['r5.16xlarge', 64, 512], ['r5.24xlarge', 96, 768],
].map(([name, vcpus, gib]) => ({ name: name as string, vcpus: vcpus as number, memoryMib: (gib as number) * GIB }));

/** The instance type for a Flavor: named after one, or the smallest that fits. */
export function instanceTypeFor(flavor: { model: string; name: string; cores: number; ramMb: number }): string {
  if (INSTANCE_TYPES.some((t) => t.name === flavor.name)) return flavor.name;
  let best: InstanceType | undefined;
  for (const t of INSTANCE_TYPES) {
    if (t.vcpus < flavor.cores || t.memoryMib < flavor.ramMb) continue;
    if (!best || t.memoryMib < best.memoryMib || (t.memoryMib === best.memoryMib && t.vcpus < best.vcpus)) best = t;
  }
  if (!best) {
    const max = INSTANCE_TYPES.reduce((a, b) => (b.vcpus * 1e6 + b.memoryMib > a.vcpus * 1e6 + a.memoryMib ? b : a));
    throw usageError(
      `Flavor ${flavor.model} (${flavor.cores} cores, ${flavor.ramMb} MB) cannot be told to EC2: no instance type has that much ` +
        `(the largest known is ${max.name}, ${max.vcpus} vCPUs, ${max.memoryMib} MB). Make the Flavor smaller, or name it after an EC2 instance type (for example 'm5.large').`,
    );
  }
  return best.name;
}
