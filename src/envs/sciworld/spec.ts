// The sciworld environment (held-out): ScienceWorld's tasks through a ScienceWorld server the user runs
// (--sciworld URL; the simulator is Java and not part of agenttune), played with AgentTuning's protocol
// and scored as its metrics.py does: the mean score per task, then the mean over tasks.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../../core/index.js";
import { heldOutString } from "../lib/agenttuning-checkout.js";
import { pythonStrip } from "../lib/python-string.js";
import type { EnvSpec } from "../types.js";
import { sciworldActions } from "./actions.js";
import { SciworldClient, type SciworldDialect } from "./client.js";
import { maxReplies, SciworldEnvironment, type SciworldTexts } from "./env.js";
import {
  agenttuningTestSet,
  loadSciworldTasks,
  type SciworldTask,
  sciworldTaskId,
  sciworldTaskSchema,
  taskName,
  taskNumber,
} from "./tasks.js";

/** agenttune's own wording of the instruction, used without an AgentTuning checkout. */
export const ownSciworldInstruction =
  'You are in a simulated world of rooms and objects and must complete a science task. Each turn, answer in one of two ways. "Think: …" lets you reason and plan; the world does not change. "Action: …" does one thing in the world, such as "Action: open door to kitchen" or "Action: pick up thermometer". Give exactly one of the two per turn.';

const promptFileSchema = z.record(z.string(), z.array(z.string()));

/** INIT_PROMPT from eval.py and prompts/prompt.json from an AgentTuning checkout, or a prompt.json given. */
export function sciworldTexts({
  agenttuning,
  prompts,
}: {
  agenttuning?: string;
  prompts?: string;
}): SciworldTexts {
  const instruction = agenttuning
    ? pythonStrip(heldOutString(agenttuning, join("science-world", "eval.py"), "INIT_PROMPT"))
    : ownSciworldInstruction;
  const file =
    prompts ??
    (agenttuning ? join(agenttuning, "eval_heldout", "science-world", "prompts", "prompt.json") : undefined);
  if (!file) return { instruction, examples: {} };
  if (!existsSync(file))
    throw new InputError(`${file}: not found (SciWorld's one-shot file, prompts/prompt.json)`);
  const parsed = promptFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new InputError(`${file}: expected {"<task number>": [turn, turn, …]}`);
  return { instruction, examples: parsed.data };
}

export const sciworldSpec: EnvSpec<SciworldTask> = {
  name: "sciworld",
  description: "ScienceWorld science tasks through a ScienceWorld server, with AgentTuning's protocol",
  taskSchema: sciworldTaskSchema,
  taskId: sciworldTaskId,
  taskText: (task) => `${taskName(task)} variation ${task.variation}`,
  replyProblem: () => undefined,
  loadTasks: (source) => loadSciworldTasks(source),
  async open(options = {}) {
    const url = options.sciworld ?? process.env.SCIWORLD_URL;
    if (!url)
      throw new InputError(
        "sciworld: pass --sciworld URL, a ScienceWorld server (the simulator is Java; see the README)",
      );
    const dialect: SciworldDialect = options.sciworldApi ?? "agenttune";
    const texts = sciworldTexts(options);
    return {
      name: `ScienceWorld server ${url} (${dialect})`,
      ...(options.agenttuning ? { prompts: options.agenttuning, promptSource: "agenttuning" as const } : {}),
      maxTurns: maxReplies + 1,
      create: async (task) =>
        new SciworldEnvironment(task, new SciworldClient(url, dialect), texts, taskNumber(task)),
      close: async () => {},
    };
  },
  actions: sciworldActions,
  oracle: (task) => {
    let next = 0;
    return {
      reply: () => {
        const action = task.gold_actions?.[next++];
        return action === undefined ? "Think: I have no more steps." : `Action: ${action}`;
      },
    };
  },
  benchmark: { task: "SciWorld", category: "held-out" },
  // metrics.py: the mean of the per-task means, as a score out of 100
  score: (metrics) => metrics.score ?? 0,
  metrics: (results) => {
    const byTask = new Map<string, number[]>();
    for (const r of results) {
      const name = r.taskId.split(":")[0] as string;
      const score = typeof r.info?.score === "number" ? r.info.score : 0;
      byTask.set(name, [...(byTask.get(name) ?? []), score]);
    }
    const means = [...byTask.values()].map((scores) => scores.reduce((a, b) => a + b, 0) / scores.length);
    return {
      score: means.length ? means.reduce((a, b) => a + b, 0) / means.length : 0,
      tasks: means.length,
    };
  },
  // TGI max_new_tokens 256; a trajectory is kept as data only when it solved the task
  defaults: { maxTurns: maxReplies + 1, maxTokens: 256, minReward: 1 },
};

export { agenttuningTestSet };
