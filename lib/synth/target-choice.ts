/**
 * Which target renders a stack: `openstack` for openstack Controllers, `aws` for ec2 and s3,
 * `local` for the rest, or `local` for every stack when asked. Apart from targets.ts (which
 * renders, and loads cdktf) so that status and review can ask without loading cdktf.
 */
import { usageError } from '../errors';
import type { StackLayout } from './layout';

/** How `xos synth` picks targets: per stack from the back-end, or `local` for every stack (chosen once per project: lib/project.ts). */
export { TARGET_MODES, type TargetMode } from '../project';
import type { TargetMode } from '../project';

export type TargetName = 'local' | 'openstack' | 'aws';

/** The target for each kind of back-end. */
export const TARGET_OF_BACKEND: Readonly<Record<string, TargetName>> = {
  openstack: 'openstack',
  ec2: 'aws',
  s3: 'aws',
  external: 'local',
  gae: 'local',
  onos: 'local',
  local: 'local',
};

/** The target that renders one stack, or a usage error naming the Controller and the fix. */
export function targetOf(stack: Pick<StackLayout, 'backend' | 'controller' | 'name'>, mode: TargetMode = 'auto'): TargetName {
  if (mode === 'local') return 'local';
  const t = TARGET_OF_BACKEND[stack.backend];
  if (!t)
    throw usageError(
      `Controller ${stack.controller}: back-end kind '${stack.backend}' has no synthesis target (known kinds: ${Object.keys(TARGET_OF_BACKEND).join(', ')}). ` +
        `Declare the Controller with one of those kinds, or synthesize with --target local to turn every stack into terraform_data.`,
    );
  return t;
}
