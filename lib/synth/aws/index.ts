/**
 * The `aws` target (EC2 deployments, S3 as an external Service). Status and review map its
 * addresses by rendering the layout (lib/synth/declared.ts), as for every real target.
 */
// First: a clear usage error, naming the package, when the optional @cdktf/provider-aws is missing.
import { requireAwsPackage } from './package';
requireAwsPackage();

export { renderAws, AWS_CREDENTIALS } from './render';
export { instanceTypeFor, INSTANCE_TYPES } from './instance-types';
