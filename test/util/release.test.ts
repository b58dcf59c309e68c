/**
 * Letting go after a large read: what a large read or compile left behind is collected at
 * once, not when V8 next gets round to it (the bench's instance sizes measure the peak this
 * saves; here, that the collection really happens, without --expose-gc on the command line).
 */
import { LARGE_LAYOUT_RESOURCES, LARGE_READ_BYTES, releaseAfterRead, releaseAroundLargeLayout } from '../../lib/util/release';

/** A WeakRef to an object nothing else holds, made in a job of its own (a WeakRef keeps its target for the rest of the job that made or read it). */
async function unreachable(): Promise<WeakRef<object>> {
  const ref = new WeakRef({ payload: new Array(1000).fill('garbage') });
  await new Promise((r) => setImmediate(r));
  return ref;
}

test('after a read of 32 MiB or more, what nothing holds any longer is collected at once', async () => {
  const ref = await unreachable();
  releaseAfterRead(LARGE_READ_BYTES);
  expect(ref.deref()).toBeUndefined();
});

test('once a layout of 50,000 resources or more is made, and again before it is synthesized, what nothing holds any longer is collected', async () => {
  for (let moment = 0; moment < 2; moment++) {
    const ref = await unreachable();
    releaseAroundLargeLayout(LARGE_LAYOUT_RESOURCES);
    expect(ref.deref()).toBeUndefined();
  }
});
