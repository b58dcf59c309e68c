/**
 * The Controller credential names the AWS provider takes. Apart from render.ts (which loads
 * cdktf and the provider package) so that the rules can ask at validate time (TGT-001).
 */
import type { AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';

type ProviderArg = keyof Pick<AwsProviderConfig, 'accessKey' | 'secretKey' | 'token' | 'profile'>;

/** Controller credential names -> AWS provider arguments. */
export const AWS_CREDENTIALS: Readonly<Record<string, ProviderArg>> = {
  access_key: 'accessKey',
  access_key_id: 'accessKey',
  aws_access_key_id: 'accessKey',
  secret_key: 'secretKey',
  secret_access_key: 'secretKey',
  aws_secret_access_key: 'secretKey',
  token: 'token',
  session_token: 'token',
  aws_session_token: 'token',
  profile: 'profile',
};
