// The mmlu environment (general): MMLU's 57 subjects as AgentTuning evaluated them (eval_general/
// eval_mmlu_hf.py): 5-shot Llama-2 prompts ending " Answer: ", the prediction by next-token
// log-probabilities where the model gives them, micro-averaged accuracy with a per-subject breakdown.
import type { EnvSpec } from "../types.js";
import { MmluEnvironment } from "./env.js";
import { loadMmluTasks, type MmluTask, mmluTaskSchema } from "./tasks.js";

export const mmluSpec: EnvSpec<MmluTask> = {
  name: "mmlu",
  description: "MMLU multiple-choice questions, 5-shot, as AgentTuning evaluated them",
  taskSchema: mmluTaskSchema,
  taskId: (task) => task.id,
  taskText: (task) => task.question,
  replyProblem: (reply) => (/[ABCD]/.test(reply) ? undefined : "no letter A-D in the reply"),
  loadTasks: (source) => loadMmluTasks(source),
  async open() {
    return {
      name: "in-process",
      create: async (task) => new MmluEnvironment(task),
      close: async () => {},
    };
  },
  oracle: (task) => ({ reply: () => task.answer }),
  gold: (task) => ({ answer: task.answer }),
  benchmark: { task: "MMLU", category: "general" },
  score: (metrics) => metrics.accuracy ?? 0,
  metrics: (results) => {
    const correct = (list: typeof results) => list.filter((r) => r.info?.correct === true).length;
    const metrics: Record<string, number> = {
      accuracy: results.length ? (100 * correct(results)) / results.length : 0,
      questions: results.length,
      predicted_by_logprobs: results.filter((r) => r.info?.mode === "logprobs").length,
      predicted_by_letter: results.filter((r) => r.info?.mode === "letter").length,
    };
    const subjects = [
      ...new Set(results.map((r) => String(r.info?.subject ?? r.taskId.split("/")[0]))),
    ].sort();
    for (const subject of subjects) {
      const mine = results.filter((r) => (r.info?.subject ?? r.taskId.split("/")[0]) === subject);
      metrics[`accuracy/${subject}`] = (100 * correct(mine)) / mine.length;
    }
    return metrics;
  },
  // the original reads one next-token distribution; a few tokens are enough for a written letter
  defaults: { maxTurns: 1, maxTokens: 16, minReward: 1 },
};
