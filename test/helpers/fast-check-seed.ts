/**
 * Property tests explore new random cases on a developer's machine; in CI (CI=true) they run
 * from a fixed seed, so a landing never depends on luck. XOS_PROPERTY_SEED picks a seed, for
 * replaying a failure or exploring on purpose.
 */
import fc from 'fast-check';

const seed = process.env.XOS_PROPERTY_SEED ?? (process.env.CI ? '20261122' : undefined);
if (seed !== undefined && Number.isFinite(Number(seed))) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
