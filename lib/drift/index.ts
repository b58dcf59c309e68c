/**
 * Drift: each declared object's status on each back-end, from that back-end's state.
 */
export { compareResource, evaluateString, sameValue, showValue, type AttrDiff, type Shown, type StateLookup } from './compare';
export { describeDiffs, diffStack, emptyTotals, STATUSES, type ObjectReport, type RefreshDrift, type ResourceReport, type StackDiffInput, type StackReport, type StateSummary, type Status, type Totals } from './diff';
export { refreshFromPlan, refreshFromStream, refreshStack, type RefreshResult } from './refresh';
export { buildReport, exitCodeOf, formatJson, formatTable, totalsLine, type StatusReport } from './report';
export { combineSchemas, LOCAL_SCHEMA, metadataModelKey, metadataModelKind, MODEL_KIND_OF_LAYOUT, registerTargetSchema, schemaFromProviderSchema, targetSchema, type TargetSchema } from './target-schema';
export { computeStatus, declaredFor, declaredSideOf, detectStackTarget, parseGivenState, readModelFile, type DeclaredSide, type GivenState, type StatusOptions } from './status';
