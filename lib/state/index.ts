/**
 * Terraform state, read (never written): raw state files, `terraform show -json`, and any
 * backend through `terraform state pull`.
 */
export type { AttrPath, PathStep, ProviderRef, ReadOptions, StateFormat, StateInstance, StateOutput, StateSnapshot } from './types';
export { formatIndexKey, formatPath, instanceAddress, parseShowProvider, parseStateProvider, resourceAddress } from './address';
export { decodeText, parseJsonText } from './decode';
export { readStateDocument, readStateFile, readStateText } from './read';
export { readStateV4, readSensitivePaths } from './raw-v4';
export { readShowJson, sensitiveValuePaths } from './show-json';
export { describeBackend, isInitialized, localStatePath, maskConnString, pullState, runTerraform, stackBackendOf, terraformErrorSummary, type StackBackend, type TerraformOptions } from './pull';
