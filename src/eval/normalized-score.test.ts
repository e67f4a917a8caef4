import { describe, expect, it } from "vitest";
import { bootstrapInterval, meanOf } from "./bootstrap.js";
import { type Category, categoryScore, defaultNormalizers, normalizersFromPool } from "./normalized-score.js";
import { paperReferenceModels } from "./paper-reference.js";

// AgentTuning, Table 3: per-task scores and printed overall scores
const models = [
  "GPT-3.5",
  "GPT-4",
  "Llama-2-7B",
  "Llama-2-13B",
  "Llama-2-70B",
  "AgentLM-7B",
  "AgentLM-13B",
  "AgentLM-70B",
];
const table: Record<string, number[]> = {
  ALFWorld: [14.0, 78.0, 2.0, 2.0, 6.0, 84.0, 76.0, 86.0],
  WebShop: [67.2, 58.6, 4.4, 7.2, 1.5, 63.6, 70.8, 64.9],
  Mind2Web: [15.7, 22.6, 3.7, 2.3, 0.2, 6.4, 8.4, 13.5],
  KG: [27.2, 52.1, 0.0, 0.0, 0.0, 18.1, 26.8, 47.0],
  OS: [32.6, 36.8, 8.3, 9.0, 9.0, 17.4, 18.1, 21.5],
  DB: [15.0, 33.7, 0.3, 1.3, 9.3, 30.6, 33.7, 37.7],
  SciWorld: [21.2, 36.4, 5.9, 6.4, 7.9, 13.7, 18.0, 20.8],
  "MiniWoB++": [66.7, 69.4, 0.0, 19.6, 0.7, 28.9, 31.1, 60.7],
  WebArena: [4.56, 6.28, 1.23, 1.11, 0.62, 0.74, 1.6, 3.81],
  HotpotQA: [37.4, 52.1, 22.6, 25.2, 37.5, 22.3, 29.6, 41.6],
  ReWOO: [71.0, 79.7, 48.3, 48.7, 55.1, 50.9, 55.7, 66.0],
  "Digital Card Game": [24.5, 50.0, 0.0, 0.0, 5.0, 7.0, 2.5, 23.5],
  MMLU: [70.0, 86.4, 48.0, 54.3, 62.1, 48.7, 53.6, 59.5],
  HumanEval: [48.1, 67.0, 13.9, 18.4, 30.8, 15.4, 14.8, 28.7],
  GSM8K: [57.1, 87.1, 27.7, 37.5, 54.7, 24.6, 32.4, 59.7],
  "MT-Bench": [7.94, 8.99, 6.26, 6.65, 6.85, 6.11, 6.57, 7.26],
};
const printed: Record<Category, number[]> = {
  "held-in": [1.59, 2.75, 0.19, 0.2, 0.27, 1.96, 2.11, 2.55],
  "held-out": [1.49, 2.13, 0.38, 0.49, 0.51, 0.67, 0.78, 1.4],
  general: [1.15, 1.53, 0.63, 0.74, 0.95, 0.62, 0.69, 0.96],
};
const scoresOf = (m: number) =>
  Object.fromEntries(Object.entries(table).map(([task, row]) => [task, row[m] as number]));

describe("normalized overall scores", () => {
  it.each(
    models.flatMap((model, m) => (Object.keys(printed) as Category[]).map((c) => [model, c, m] as const)),
  )("reproduce the paper's %s %s overall within 0.01", (_, category, m) => {
    const result = categoryScore(scoresOf(m), category);
    // the paper prints AgentLM-70B held-out as 1.40 in one place and 1.39 in another
    expect(Math.abs((result?.overall ?? 0) - (printed[category][m] as number))).toBeLessThanOrEqual(
      0.01 + 1e-9,
    );
  });

  it("is a hand-computable weighted mean of score / normalizer over the tasks present", () => {
    const result = categoryScore({ DB: 24, OS: 19 }, "held-in", { weights: { DB: 3 } });
    expect(result?.overall).toBeCloseTo((3 * (24 / 12) + 1 * (19 / 19)) / 4);
    expect(result?.missing).toEqual(["ALFWorld", "WebShop", "Mind2Web", "KG"]);
    expect(categoryScore({}, "general")).toBeUndefined();
    expect(() => categoryScore({ DB: 10 }, "held-in", { normalizers: { OS: 19 } })).toThrow(
      /no normalizer for task DB/,
    );
  });

  it("recomputes normalizers as each task's mean over a pool of runs", () => {
    expect(normalizersFromPool([{ DB: 10, OS: 0 }, { DB: 30, OS: 0 }, { DB: 20 }])).toEqual({ DB: 20 });
    expect(defaultNormalizers.DB).toBe(12);
  });
});

describe("bootstrap intervals", () => {
  it("match hand-computed cases", () => {
    // one episode: every resample is that episode
    expect(bootstrapInterval([1], meanOf)).toMatchObject({ low: 1, high: 1 });
    // all successes: no spread
    expect(bootstrapInterval([1, 1, 1, 1], meanOf)).toMatchObject({ low: 1, high: 1 });
    // [1, 0]: resample means are 0 (p 1/4), 0.5 (p 1/2), 1 (p 1/4): the 95% interval is [0, 1]
    expect(bootstrapInterval([1, 0], meanOf, { iterations: 4000 })).toMatchObject({ low: 0, high: 1 });
    // 50 of 100: the normal approximation gives 0.5 ± 1.96 · 0.05
    const half = bootstrapInterval([...Array(50).fill(1), ...Array(50).fill(0)], meanOf, {
      iterations: 4000,
    });
    expect(half.low).toBeGreaterThanOrEqual(0.38);
    expect(half.low).toBeLessThanOrEqual(0.42);
    expect(half.high).toBeGreaterThanOrEqual(0.58);
    expect(half.high).toBeLessThanOrEqual(0.62);
  });

  it("is reproducible by seed", () => {
    const items = [1, 0, 0, 1, 1, 0, 1];
    expect(bootstrapInterval(items, meanOf, { seed: 9 })).toEqual(
      bootstrapInterval(items, meanOf, { seed: 9 }),
    );
  });
});

describe("the paper's reference rows in reports", () => {
  it("hold the same numbers as this test's own transcription of the paper's table", () => {
    expect(paperReferenceModels).toHaveLength(models.length);
    paperReferenceModels.forEach((ref, m) => {
      expect(ref.scores, ref.model).toEqual(scoresOf(m));
      for (const category of Object.keys(printed) as Category[])
        expect(ref.overall[category], `${ref.model} ${category}`).toBe(printed[category][m]);
    });
  });
});
