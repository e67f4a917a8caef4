// The hotpotqa environment (held-out): HotpotQA questions answered by BOLAA's ReAct agent over an
// offline Wikipedia built from the run's HotpotQA files (and any --corpus files).
import { buildWiki } from "../lib/offline-wiki.js";
import { exactMatch, f1Score } from "../lib/qa-answer.js";
import { generateHotpotRecords } from "../lib/qa-world.js";
import type { EnvSpec } from "../types.js";
import { HotpotEnvironment, maxSteps } from "./env.js";
import { hotpotOracle } from "./oracle.js";
import { ownReactTexts, reactTextsFromCheckout } from "./prompt.js";
import {
  type HotpotTask,
  hotpotTaskId,
  hotpotTaskSchema,
  loadHotpotTasks,
  supportingTitles,
} from "./tasks.js";

export const hotpotqaSpec: EnvSpec<HotpotTask> = {
  name: "hotpotqa",
  description:
    "HotpotQA multi-hop questions with BOLAA's ReAct agent (Search, Lookup, Finish) on an offline Wikipedia",
  taskSchema: hotpotTaskSchema,
  taskId: hotpotTaskId,
  taskText: (task) => task.question,
  replyProblem: () => undefined,
  loadTasks: loadHotpotTasks,
  async *generateTasks(options) {
    for await (const record of generateHotpotRecords(options)) yield { ...record };
  },
  async open({ taskFiles = [], corpus = [], agenttuning } = {}) {
    const texts = agenttuning ? reactTextsFromCheckout(agenttuning) : ownReactTexts;
    // generated tasks are verified without a file: their own pages are added as they come
    const wiki = await buildWiki(corpus, { taskFiles });
    return {
      name: `offline wiki (${wiki.size} pages)`,
      ...(agenttuning ? { prompts: agenttuning, promptSource: "agenttuning" as const } : {}),
      // two replies a step (thought, action), ten steps
      maxTurns: 2 * maxSteps,
      create: async (task) => {
        // a no-op for tasks of the run's files (their pages are in already); a generated task's pages
        wiki.addHotpotContext(task.context);
        return new HotpotEnvironment(task, wiki, texts);
      },
      preflight: async (tasks) => {
        const missing = tasks.flatMap((t) => supportingTitles(t).filter((title) => !wiki.page(title)));
        return missing.length
          ? `${missing.length} supporting pages are not in the offline wiki (e.g. "${missing[0]}"); add the files that hold them with --corpus`
          : undefined;
      },
      close: async () => {},
    };
  },
  oracle: hotpotOracle,
  gold: (task) => ({ answer: task.answer, supporting: supportingTitles(task) }),
  benchmark: { task: "HotpotQA", category: "held-out" },
  // AgentTuning reports the mean F1 over the questions, ×100
  score: (metrics) => 100 * (metrics.f1 ?? 0),
  metrics: (results, tasks) => {
    const f1s: number[] = [];
    const ems: number[] = [];
    for (const r of results) {
      const task = tasks.get(r.taskId);
      const answer = typeof r.info?.answer === "string" ? r.info.answer : "";
      f1s.push(task ? f1Score(answer, task.answer) : 0);
      ems.push(task && answer && exactMatch(answer, task.answer) ? 1 : 0);
    }
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    return { f1: mean(f1s), em: mean(ems) };
  },
  // BOLAA: 256 new tokens a reply (TGI max_new_tokens); F1 ≥ 1 keeps only exact answers as data
  defaults: { maxTurns: 2 * maxSteps, maxTokens: 256, minReward: 1 },
};
