/**
 * Letting go after a large read: what a large read or compile left behind is collected at
 * once, not when V8 next gets round to it (the bench's instance sizes measure the peak this
 * saves; here, that the collection really happens, without --expose-gc on the command line).
 */
import { LARGE_LAYOUT_RESOURCES, LARGE_READ_BYTES, releaseAfterLayout, releaseAfterRead, releaseBeforeSynth } from '../../lib/util/release';

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

test('before synthesizing a layout of 50,000 resources or more, what compiling it left behind is collected', async () => {
  const ref = await unreachable();
  releaseBeforeSynth(LARGE_LAYOUT_RESOURCES);
  expect(ref.deref()).toBeUndefined();
});

test('once a layout of 50,000 resources or more is made, what building the model and layout left behind is collected', async () => {
  const ref = await unreachable();
  releaseAfterLayout(LARGE_LAYOUT_RESOURCES);
  expect(ref.deref()).toBeUndefined();
});
