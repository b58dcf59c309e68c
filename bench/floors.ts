/**
 * How a task compares with its floor (`<task>-floor`: the JSON reading of what it reads),
 * per size: the rows a bench target judges, for status and review at resource sizes and at
 * instance sizes alike. No heavy imports: the bench runner loads it.
 */
import type { Measurement } from './worker';

/** `[task@size, ratio to the floor, at most]` for each task and size measured with its floor. */
export function floorRatios(get: (task: string, size: number) => Measurement | undefined, tasks: readonly string[], sizes: readonly number[], most = 3): [string, number, number][] {
  return tasks.flatMap((t) =>
    sizes.flatMap((size): [string, number, number][] => {
      const m = get(t, size);
      const f = get(`${t}-floor`, size);
      return m && f ? [[`${t}@${size}`, +(m.ms / Math.max(1, f.ms)).toFixed(2), most]] : [];
    }),
  );
}
