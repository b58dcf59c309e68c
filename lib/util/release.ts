/**
 * Let go of what a large read left behind, now rather than when V8 gets round to it.
 *
 * Parsing a plan, state or model file of tens of megabytes leaves its text and the raw parsed
 * tree as garbage once they are turned into xos's own records. V8 collects old garbage only
 * when the heap has grown well past what is live, so a review of ten 60 MB plans peaked at
 * 1.5 GB with under 700 MB live. Collecting after each large read bounds the peak by what is
 * live, and costs no more time overall: later collections have less to walk.
 *
 * `gc` is exposed at run time, as test runners do to find leaks (the flag only makes the
 * function available; it changes nothing else), and only the first time a large read needs it.
 */
import * as v8 from 'v8';
import * as vm from 'vm';

/** Reads smaller than this leave too little garbage to be worth a full collection. */
export const LARGE_READ_BYTES = 32 * 1024 * 1024;

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return (collect = existing);
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** After reading `bytes` bytes and dropping the text: collect the garbage if the read was large. */
export function releaseAfterRead(bytes: number): void {
  if (bytes < LARGE_READ_BYTES) return;
  collector()?.();
}

/** Layouts with fewer resources leave too little garbage to be worth a full collection. */
export const LARGE_LAYOUT_RESOURCES = 50_000;

/**
 * Around a large layout, at the two moments its garbage peaks: once it is made, collect what
 * building the model and the layout left behind (300 MB at 400,000 tenant instances in one
 * office, against 640 MB live), so that the rules do not pile their own on top of it (one
 * central office of 100k subscribers peaked at 1.25 GB compiling without it); and before it is
 * synthesized, what checking it left (a hundred megabytes at 300,000 resources), so that the
 * cdktf constructs and their JSON are not piled on top of that.
 */
export function releaseAroundLargeLayout(resources: number): void {
  if (resources < LARGE_LAYOUT_RESOURCES) return;
  collector()?.();
}
