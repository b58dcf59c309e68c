/**
 * The `openstack` target: typed bindings generated from the vendored provider schema, the
 * renderer, and the schema checker. Loading it registers its address mapping for status
 * and review.
 */
import { registerDeclared } from '../declared';
import { renderedDeclared } from '../rendered';

export { renderOpenstack, KEYSTONE_ROLES, providerArgument } from './render';
export { checkOpenstackStack, formatProblems, type SchemaProblem } from './check';
export { OPENSTACK_SCHEMA, computedOnly } from './provider-schema';

registerDeclared('openstack', renderedDeclared);
