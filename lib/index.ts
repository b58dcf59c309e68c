/**
 * xos: the XOS model as TypeScript constructs, checked and synthesized to Terraform.
 */
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
