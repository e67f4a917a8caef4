// The mtbench environment (general): MT-Bench's 80 two-turn questions answered as AgentTuning did
// (eval_general/eval_mt_bench_tgi.py: Llama-2 conversation, FastChat's per-category temperatures) and
// graded by a --judge model with FastChat's single-answer prompts; the score is the mean rating.
import { InputError } from "../../core/index.js";
import type { EnvSpec } from "../types.js";
import { MtbenchEnvironment } from "./env.js";
import {
  loadJudgePrompts,
  loadMtbenchTasks,
  type MtbenchTask,
  mtbenchFiles,
  mtbenchTaskSchema,
} from "./tasks.js";

const mean = (values: readonly number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;

export const mtbenchSpec: EnvSpec<MtbenchTask> = {
  name: "mtbench",
  description: "MT-Bench two-turn questions graded 1-10 by a judge model with FastChat's prompts",
  taskSchema: mtbenchTaskSchema,
  taskId: (task) => String(task.question_id),
  taskText: (task) => task.turns.join("\n"),
  replyProblem: (reply) => (reply.trim() ? undefined : "an empty answer"),
  loadTasks: (file) => loadMtbenchTasks(file),
  async open(options = {}) {
    if (!options.judge)
      throw new InputError(
        "mtbench: pass --judge MODEL (FastChat grades with gpt-4), the model that rates each answer",
      );
    const questions = options.taskFiles?.[0];
    const file = options.judgePrompt ?? (questions ? mtbenchFiles(questions).judgePrompts : undefined);
    if (!file) throw new InputError("mtbench: pass --judge-prompt judge_prompts.jsonl (FastChat's)");
    const prompts = await loadJudgePrompts(file);
    const judge = options.judge;
    return {
      name: `judge ${judge.id}`,
      create: async (task) => new MtbenchEnvironment(task, judge, prompts),
      close: async () => {},
    };
  },
  oracle: (task) => {
    // the reference answer where there is one, else a fixed answer: MT-Bench has no gold for the rest
    let turn = 0;
    return {
      reply: () => {
        const i = turn++;
        return task.reference?.[i] ?? `An answer to: ${task.turns[i] ?? ""}`;
      },
    };
  },
  gold: (task) => (task.reference ? { reference: task.reference } : {}),
  benchmark: { task: "MT-Bench", category: "general" },
  score: (metrics) => metrics.score ?? 0,
  // show_result (single): the mean of every rating that is not -1, both turns; per turn and category beside
  metrics: (results) => {
    const ratings = (turn?: number, category?: string) =>
      results.flatMap((r) => {
        if (category !== undefined && r.info?.category !== category) return [];
        const list = Array.isArray(r.info?.ratings) ? (r.info.ratings as number[]) : [];
        return list.filter((x, i) => x !== -1 && (turn === undefined || i === turn - 1));
      });
    const metrics: Record<string, number> = {
      score: mean(ratings()),
      turn1: mean(ratings(1)),
      turn2: mean(ratings(2)),
      questions: results.length,
      unrated: results
        .flatMap((r) => (Array.isArray(r.info?.ratings) ? (r.info.ratings as number[]) : []))
        .filter((x) => x === -1).length,
    };
    for (const category of [...new Set(results.map((r) => String(r.info?.category ?? "")))]
      .filter(Boolean)
      .sort())
      metrics[`score/${category}`] = mean(ratings(undefined, category));
    return metrics;
  },
  // eval_mt_bench_tgi.py: max_new_tokens 4096
  defaults: { maxTurns: 2, maxTokens: 4096, minReward: 1 },
};
