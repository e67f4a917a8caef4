// The mind2web environment: next-action prediction as multiple choice over candidate elements.
import { InputError, mulberry32, packageDataFile } from "../../core/index.js";
import { mind2webTexts, textsFromCheckout } from "../lib/agentbench/checkout.js";
import type { EnvSpec } from "../types.js";
import { Mind2WebEnvironment } from "./env.js";
import { letters, parseMind2WebAnswer, roundQuestion } from "./protocol.js";
import { loadMind2WebSteps, type StepProblem, stepProblemSchema } from "./tasks.js";

/** The recorded default data shipped with the package (Mind2Web format, from agenttune's own sites). */
export function recordedMind2WebFile(): string | undefined {
  return packageDataFile("mind2web-recorded.json");
}

export const mind2webSpec: EnvSpec<StepProblem> = {
  name: "mind2web",
  description: "Mind2Web: pick the next element and operation on a web page, as multiple choice",
  taskSchema: stepProblemSchema,
  taskId: (p) => p.id,
  taskText: (p) => `${p.task} ${p.previousActions.join(" ")}`,
  replyProblem: (reply) => (parseMind2WebAnswer(reply) ? undefined : 'no "Answer: X"'),
  loadTasks: loadMind2WebSteps,
  // whole recorded tasks in a seeded order, so another seed (the eval split) draws mostly other tasks
  async *generateTasks({ count, seed }) {
    const file = recordedMind2WebFile();
    if (!file) return;
    const byTask = new Map<string, StepProblem[]>();
    for await (const step of loadMind2WebSteps(file))
      byTask.set(step.annotationId, [...(byTask.get(step.annotationId) ?? []), step]);
    const rng = mulberry32(seed);
    const order = [...byTask.keys()].map((id) => ({ id, key: rng() })).sort((a, b) => a.key - b.key);
    let n = 0;
    for (const { id } of order) {
      for (const step of byTask.get(id) ?? []) {
        if (n++ >= count) return;
        yield step;
      }
    }
  },
  /**
   * backend: "multiple-choice-cot" (default: AgentBench's 3-shot chain-of-thought prompt file, as
   * its task configs name it) or "multiple-choice" (the plain 3-shot file). Without --agentbench the
   * same rounds go zero-shot in agenttune's words.
   */
  async open({ backend = "multiple-choice-cot", roundLimit, agentbench, protocol } = {}) {
    if (roundLimit !== undefined)
      throw new InputError(
        `--round-limit ${roundLimit}: mind2web episodes have one turn per step of the recorded task; drop --round-limit`,
      );
    if (backend !== "multiple-choice" && backend !== "multiple-choice-cot")
      throw new InputError(
        `--backend ${backend}: mind2web knows "multiple-choice-cot" and "multiple-choice"`,
      );
    const chainOfThought = backend === "multiple-choice-cot";
    const texts = textsFromCheckout({ agentbench, protocol }, (checkout) =>
      mind2webTexts(checkout, { chainOfThought }),
    );
    const prompt = { fewShot: texts?.fewShot ?? [], chainOfThought };
    return {
      name: backend,
      maxTurns: 20,
      // reasoning before the answer needs room; the plain prompt keeps AgentTuning's 128
      ...(chainOfThought ? { maxTokens: 512 } : {}),
      ...(texts ? { prompts: agentbench } : {}),
      create: async (p: StepProblem) => new Mind2WebEnvironment(p, prompt),
      close: async () => {},
    };
  },
  gold: (problem) => ({
    element: problem.candidates.filter((c) => c.positive).map((c) => c.id),
    operation: problem.operation,
  }),
  // Plays AgentBench's rounds from the task: the group of each round is known because the oracle's
  // own earlier answers decided the queue. It picks the positive when the group has it, else A; but
  // when the positive would be left alone in the queue (never shown, so lost), it keeps a decoy in
  // play so that one more round shows the positive.
  oracle: (problem) => {
    let queue = problem.candidates.map((c) => c.id);
    const positive = new Set(problem.candidates.filter((c) => c.positive).map((c) => c.id));
    return {
      reply() {
        const group = queue.slice(0, 5);
        queue = queue.slice(5);
        const { choiceIds } = roundQuestion(problem, group);
        const index = choiceIds.findIndex((id) => positive.has(id));
        if (index < 0) {
          const positiveLeftAlone = queue.length === 1 && positive.has(queue[0] as string);
          if (!positiveLeftAlone || choiceIds.length === 0) return "Answer: A.";
          queue.push(choiceIds[0] as string);
          return "Answer: B.\nAction: CLICK";
        }
        queue.push(choiceIds[index] as string);
        const { op, value } = problem.operation;
        return `Answer: ${letters[index]}.\nAction: ${op}${op === "CLICK" ? "" : `\nValue: ${value}`}`;
      },
    };
  },
  // means over steps, as AgentBench reports them (mind2web/task.py:70-103); task success rate beside
  metrics: (results) => {
    const info = (r: (typeof results)[number]) => (r.info ?? {}) as Record<string, number | string>;
    const byTask = new Map<string, Record<string, number>[]>();
    for (const r of results) {
      const id = String(info(r).annotation_id ?? r.taskId.split("#")[0]);
      const step = {
        element_accuracy: Number(info(r).element_accuracy ?? 0),
        action_f1: Number(info(r).action_f1 ?? 0),
        step_success: Number(info(r).step_success ?? 0),
      };
      byTask.set(id, [...(byTask.get(id) ?? []), step]);
    }
    const tasks = [...byTask.values()];
    const steps = tasks.flat();
    const mean = (key: string) => steps.reduce((s, x) => s + (x[key] ?? 0), 0) / Math.max(1, steps.length);
    return {
      element_accuracy: mean("element_accuracy"),
      action_f1: mean("action_f1"),
      step_success_rate: mean("step_success"),
      task_success_rate:
        tasks.filter((t) => t.every((x) => x.step_success === 1)).length / Math.max(1, tasks.length),
    };
  },
  benchmark: { task: "Mind2Web", category: "held-in" },
  score: (metrics) => 100 * (metrics.step_success_rate ?? 0),
  defaults: { maxTurns: 20, maxTokens: 128, minReward: 1 },
};
