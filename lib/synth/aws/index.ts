/**
 * The `aws` target (EC2 deployments, S3 as an external Service). Loading it registers its
 * address mapping for status and review.
 */
// First: a clear usage error, naming the package, when the optional @cdktf/provider-aws is missing.
import { requireAwsPackage } from './package';
requireAwsPackage();
import { registerDeclared } from '../declared';
import { renderedDeclared } from '../rendered';

export { renderAws, AWS_CREDENTIALS } from './render';
export { instanceTypeFor, INSTANCE_TYPES } from './instance-types';

registerDeclared('aws', renderedDeclared);
