/**
 * Terraform plan JSON: reading any format version 0.1 to 1.2 (UTF-8 or UTF-16) into one
 * normalized shape, and attribute-level diffs that keep sensitive values masked.
 */
export type { ChangeAction, MarkTree, PathStep, Plan, PlanChange, RelevantAttribute } from './types';
export { readPlanFile, parsePlan, normalizePlan, decodePlanBytes, classifyActions, buildAddress, SUPPORTED_FORMATS } from './read';
export { diffAttributes, maskValue, markPaths, formatPath, joinPath, jsonEqual, anyMarked, SENSITIVE, UNKNOWN, type AttributeChange, type DiffInput } from './diff';
