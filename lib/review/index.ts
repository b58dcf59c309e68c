/**
 * The pull-request plan review: Terraform plans in the model's words, who may make the
 * change (RBAC-006, -007, -008), which rules the new model breaks, and a picture.
 */
export { buildReview, ruleViolations, objectLabel, emptyCounts, KIND_ORDER, REVIEW_FORMAT_VERSION } from './review';
export type { Review, ReviewInput, Counts, StackSummary, ResourceReview, ObjectReview, ReviewStatus, DriftReview, ViolationReview } from './review';
export { renderMarkdown, COMMENT_LIMIT, MARKER, type MarkdownOptions } from './markdown';
export { readModelFile, checkModel, builtFromJson } from './model-file';
export { modelSide, assignStacks, mapChange, parsePlanArg, type ModelSide, type ObjectRef, type PlanStack } from './mapping';
export { diffModels, maskSecrets, SECRET, type ObjectDiff } from './model-diff';
export { authorize, writeRoles, roleLabel, findActor, notChecked, type Authorization, type AuthorizationCheck, type Role, type Subject, type Approver } from './rbac';
export { tenancyDiagram, type Diagram, type Mark } from './mermaid';
export { outputChanges, layoutChanges, stackConfigs, type ConfigChange } from './config';
