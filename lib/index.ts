/**
 * xos: the XOS model as TypeScript constructs, checked and synthesized to Terraform.
 */
import { Cloud } from '../constructs/cloud';

export * from '../constructs/index';
export { buildModel, type BuiltModel } from './model/build';
export { readRecords, parseRecords, recordSource, type DataRecord, type DataValue } from './data/records';
export { ModelIndex } from './model/index';
export { canonicalJson } from './model/canonical';
export type * from './model/types';
export { compileCloud, compileModel, type Compiled } from './compile';
export { RULES, runRules, formatViolation, rulesMarkdown, type Rule, type Violation } from './rules/index';
export { buildLayout, type Layout, type StackLayout, type LayoutResource } from './synth/layout';
export { SynthError, type SynthViolation } from './errors';
export type { BackendConfig, BackendSettings, LocalBackendConfig, PgBackendConfig, RemoteBackendConfig, S3BackendConfig } from './synth/backend';

// What cloud.synth() runs: loaded when called, so that declaring a model never loads cdktf,
// and handed to the constructs, which know nothing of synthesis.
// eslint-disable-next-line @typescript-eslint/no-var-requires
Cloud.useSynthesizer((cloud) => (require('./synth/program') as typeof import('./synth/program')).synthProgramCloud(cloud));
