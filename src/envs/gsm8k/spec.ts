// The gsm8k environment (general): grade-school math word problems as AgentTuning evaluated them
// (eval_general/eval_gsm8k_tgi.py): 8-shot chain of thought in a Llama-2 conversation, greedy, 512
// new tokens, accuracy by the last integer of the reply, with a strict-number accuracy beside it.
import type { EnvSpec } from "../types.js";
import { Gsm8kEnvironment } from "./env.js";
import { checkoutShots, ownShots } from "./prompt.js";
import { type Gsm8kTask, gsm8kTaskId, gsm8kTaskSchema, loadGsm8kTasks } from "./tasks.js";

/** The oracle's reply: the record's own solution in the shots' layout, calculator notes removed. */
export function goldSolution(task: Gsm8kTask): string {
  const lines = task.answer.split("\n");
  const final = (lines.pop() ?? "")
    .replace(/^####\s*/, "")
    .replaceAll(",", "")
    .trim();
  const steps = lines.map((l) => l.replace(/<<[^>]*>>/g, ""));
  return ["Let's think step by step.", ...steps, `The answer is ${final}`].join("\n");
}

export const gsm8kSpec: EnvSpec<Gsm8kTask> = {
  name: "gsm8k",
  description: "GSM8K grade-school math, 8-shot chain of thought, as AgentTuning evaluated it",
  taskSchema: gsm8kTaskSchema,
  taskId: gsm8kTaskId,
  taskText: (task) => task.question,
  replyProblem: (reply) => (/\d/.test(reply) ? undefined : "no number in the reply"),
  loadTasks: (file) => loadGsm8kTasks(file),
  async open(options = {}) {
    const fromCheckout = options.agenttuning ? checkoutShots(options.agenttuning) : undefined;
    const shots = fromCheckout?.shots ?? (await ownShots());
    return {
      name: "in-process",
      ...(fromCheckout ? { prompts: options.agenttuning, promptSource: "agenttuning" as const } : {}),
      create: async (task) => new Gsm8kEnvironment(task, shots),
      close: async () => {},
    };
  },
  oracle: (task) => ({ reply: () => goldSolution(task) }),
  gold: (task) => ({ answer: task.answer }),
  benchmark: { task: "GSM8K", category: "general" },
  score: (metrics) => metrics.accuracy ?? 0,
  metrics: (results) => {
    const rate = (key: string) =>
      results.length ? (100 * results.filter((r) => r.info?.[key] === true).length) / results.length : 0;
    return { accuracy: rate("correct"), accuracy_strict: rate("strictCorrect"), questions: results.length };
  },
  defaults: { maxTurns: 1, maxTokens: 512, minReward: 1 },
};
