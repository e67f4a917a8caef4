// AgentTuning's overall scores: a category's overall is the (weighted) mean over its tasks of
// score_t / W_t, with W_t a fixed per-task normalizer (the task's average score over a reference pool
// of models, as AgentBench does). The defaults reproduce every overall number the paper prints.
import { InputError } from "../core/index.js";

export type Category = "held-in" | "held-out" | "general";

export const categoryTasks: Record<Category, readonly string[]> = {
  "held-in": ["ALFWorld", "WebShop", "Mind2Web", "KG", "OS", "DB"],
  "held-out": ["SciWorld", "MiniWoB++", "WebArena", "HotpotQA", "ReWOO", "Digital Card Game"],
  general: ["MMLU", "HumanEval", "GSM8K", "MT-Bench"],
};

export const defaultNormalizers: Readonly<Record<string, number>> = {
  ALFWorld: 20,
  WebShop: 28,
  Mind2Web: 9,
  KG: 16,
  OS: 19,
  DB: 12,
  SciWorld: 15,
  "MiniWoB++": 32,
  WebArena: 2.8,
  HotpotQA: 38,
  ReWOO: 57,
  "Digital Card Game": 16,
  MMLU: 58,
  HumanEval: 35,
  GSM8K: 54,
  "MT-Bench": 8.1,
};

export interface CategoryScore {
  category: Category;
  /** Weighted mean of score / normalizer over the category's tasks that have a score. */
  overall: number;
  tasks: { task: string; score: number; normalizer: number; normalized: number; weight: number }[];
  /** Tasks of the category without a score in this run. */
  missing: string[];
}

export function categoryOf(task: string): Category | undefined {
  return (Object.keys(categoryTasks) as Category[]).find((c) => categoryTasks[c].includes(task));
}

/** Overall score of one category from per-task scores (percent, or points for MT-Bench). */
export function categoryScore(
  scores: Readonly<Record<string, number>>,
  category: Category,
  {
    normalizers = defaultNormalizers,
    weights = {},
  }: { normalizers?: Readonly<Record<string, number>>; weights?: Readonly<Record<string, number>> } = {},
): CategoryScore | undefined {
  const tasks: CategoryScore["tasks"] = [];
  const missing: string[] = [];
  for (const task of categoryTasks[category]) {
    const score = scores[task];
    if (score === undefined) {
      missing.push(task);
      continue;
    }
    const normalizer = normalizers[task];
    if (!normalizer)
      throw new InputError(
        `no normalizer for task ${task}: pass one (--normalizers) or recompute them from a pool of runs`,
      );
    tasks.push({ task, score, normalizer, normalized: score / normalizer, weight: weights[task] ?? 1 });
  }
  if (tasks.length === 0) return undefined;
  const totalWeight = tasks.reduce((n, t) => n + t.weight, 0);
  return {
    category,
    overall: tasks.reduce((n, t) => n + t.weight * t.normalized, 0) / totalWeight,
    tasks,
    missing,
  };
}

/** W_t from a reference pool: the mean score of task t over the pool's models that ran it. */
export function normalizersFromPool(
  pool: readonly Readonly<Record<string, number>>[],
): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const scores of pool) {
    for (const [task, score] of Object.entries(scores)) {
      const entry = sums.get(task) ?? { sum: 0, n: 0 };
      entry.sum += score;
      entry.n++;
      sums.set(task, entry);
    }
  }
  const normalizers: Record<string, number> = {};
  for (const [task, { sum, n }] of sums) {
    // a task every pooled model scored 0 on cannot normalize anything
    if (sum > 0) normalizers[task] = sum / n;
  }
  return normalizers;
}
