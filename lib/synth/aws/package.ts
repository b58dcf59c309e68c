/**
 * The aws target renders through @cdktf/provider-aws, which weighs 392 MB installed. It is an
 * optional peer dependency of xos: a project installs it only when it has ec2 or s3
 * Controllers, and only the aws target loads it (an OpenStack or local cloud never does).
 * Its types are xos's own build-time concern: lib/synth/aws/generated holds bindings
 * generated from the package and checked against it in xos's tests.
 */
import { usageError } from '../../errors';

export const AWS_PACKAGE = '@cdktf/provider-aws';
/** The range xos's bindings were generated from (package.json peerDependencies). */
export const AWS_PACKAGE_RANGE = '^21.22.1';

/** True when the package can be loaded from here. */
export function awsPackageInstalled(resolve: (id: string) => string = require.resolve): boolean {
  try {
    resolve(`${AWS_PACKAGE}/lib/provider`);
    return true;
  } catch {
    return false;
  }
}

/** Throw a usage error naming the package to install, when it is missing; `stacks` are those that need it. */
export function requireAwsPackage(stacks: readonly string[] = [], resolve?: (id: string) => string): void {
  if (awsPackageInstalled(resolve)) return;
  const which = stacks.length ? `stack${stacks.length > 1 ? 's' : ''} ${stacks.join(', ')} (ec2 or s3 Controllers) ${stacks.length > 1 ? 'are' : 'is'} rendered` : 'ec2 and s3 Controllers are rendered';
  throw usageError(
    `${which} by the aws target, which needs the package ${AWS_PACKAGE} (an optional peer dependency of xos, not installed here). ` +
      `Install it in the project: npm install --save-dev ${AWS_PACKAGE}@${AWS_PACKAGE_RANGE}; or synthesize with the local target (--target local) to make every stack terraform_data.`,
  );
}
