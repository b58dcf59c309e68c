/**
 * The `openstack` target: typed bindings generated from the vendored provider schema, the
 * renderer, and the schema checker. Status and review map its addresses by rendering the
 * layout (lib/synth/declared.ts), as for every real target.
 */
export { renderOpenstack, KEYSTONE_ROLES, providerArgument } from './render';
export { checkOpenstackStack, formatProblems, type SchemaProblem } from './check';
export { OPENSTACK_SCHEMA, computedOnly } from './provider-schema';
