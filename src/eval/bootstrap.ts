// Bootstrap confidence intervals over a task's episodes (percentile method, seeded, reproducible).
import { mulberry32 } from "../core/index.js";

export interface Interval {
  low: number;
  high: number;
  level: number;
}

/**
 * Resamples `items` with replacement `iterations` times, computes `statistic` on each resample and
 * returns the (1 − level)/2 and (1 + level)/2 percentiles of those values.
 */
export function bootstrapInterval<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => number,
  { iterations = 1000, level = 0.95, seed = 1 }: { iterations?: number; level?: number; seed?: number } = {},
): Interval {
  if (items.length === 0) return { low: Number.NaN, high: Number.NaN, level };
  const random = mulberry32(seed);
  const values: number[] = [];
  const sample: T[] = new Array(items.length);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < items.length; j++) sample[j] = items[Math.floor(random() * items.length)] as T;
    values.push(statistic(sample));
  }
  values.sort((a, b) => a - b);
  const at = (q: number) =>
    values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] as number;
  return { low: at((1 - level) / 2), high: at((1 + level) / 2), level };
}

export const meanOf = (values: readonly number[]) =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
