// Bootstrap confidence intervals over a task's episodes (percentile method, seeded, reproducible).

export interface Interval {
  low: number;
  high: number;
  level: number;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  const random = rng(seed);
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
