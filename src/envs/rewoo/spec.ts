// The rewoo environment (held-out): ReWOO's Planner → Workers → Solver on HotpotQA, GSM8K, TriviaQA,
// ReWOO's BIG-bench and SOTU CSVs or generic question files, with the offline wiki, the model under
// test as the LLM tool, a safe Calculator, a search over the SOTU text, and an LLM judge (--judge).
import { buildWiki, type HotpotContext } from "../lib/offline-wiki.js";
import { exactMatch, f1Score } from "../lib/qa-answer.js";
import { generateHotpotRecords } from "../lib/qa-world.js";
import type { EnvSpec } from "../types.js";
import { RewooEnvironment } from "./env.js";
import { readJudgePrompt } from "./judge.js";
import { rewooOracle } from "./oracle.js";
import { ownRewooTexts, rewooTextsFromCheckout } from "./prompt.js";
import { DocumentIndexes } from "./search-doc.js";
import { loadRewooTasks, type RewooTask, rewooQuestionFiles, rewooTaskSchema, toRewooTask } from "./tasks.js";

/** Planner, up to 3 attempts, the LLM steps (a plan rarely has more than 10), the solver. */
const maxTurns = 40;

export const rewooSpec: EnvSpec<RewooTask> = {
  name: "rewoo",
  description:
    "ReWOO: a planner writes a tool plan, workers run it (Wikipedia, LLM, Calculator), a solver answers",
  taskSchema: rewooTaskSchema,
  taskId: (task) => task.id,
  taskText: (task) => task.question,
  replyProblem: () => undefined,
  loadTasks: loadRewooTasks,
  async *generateTasks(options) {
    for await (const record of generateHotpotRecords(options))
      yield toRewooTask({ ...record }, record.id, record.id);
  },
  async open({ taskFiles = [], corpus = [], agenttuning, judge, judgePrompt, toolModel } = {}) {
    const texts = agenttuning ? rewooTextsFromCheckout(agenttuning) : ownRewooTexts;
    const grading = judgePrompt ? readJudgePrompt(judgePrompt) : undefined;
    // questions without paragraphs (GSM8K, ReWOO's CSVs) add no pages; an empty wiki finds nothing
    const questionFiles = taskFiles.flatMap(rewooQuestionFiles).filter((file) => !file.endsWith(".csv"));
    const wiki = await buildWiki(corpus, { taskFiles: questionFiles });
    const documents = new DocumentIndexes();
    return {
      name: `offline wiki (${wiki.size} pages)${judge ? `, judge ${judge.id}${judgePrompt ? ` (prompt ${judgePrompt})` : ""}` : ", no judge: EM"}${toolModel ? `, LLM tool ${toolModel.id}` : ""}`,
      ...(agenttuning ? { prompts: agenttuning, promptSource: "agenttuning" as const } : {}),
      maxTurns,
      create: async (task) => {
        // a generated question's pages (a no-op for the run's files, whose pages are in already)
        if (task.context) wiki.addHotpotContext(task.context as HotpotContext);
        const document = task.document ? documents.get(task.document) : undefined;
        return new RewooEnvironment(task, wiki, texts, {
          judge,
          tool: toolModel,
          judgePrompt: grading,
          document,
        });
      },
      close: async () => {},
    };
  },
  oracle: rewooOracle,
  gold: (task) => ({
    answer: task.answer,
    dataset: task.dataset,
    ...(task.supporting ? { supporting: task.supporting } : {}),
  }),
  benchmark: { task: "ReWOO", category: "held-out" },
  // the judge's accuracy ×100 (R/metrics.py); without a judge, exact match
  score: (metrics) => 100 * (metrics.acc ?? metrics.em ?? 0),
  metrics: (results, tasks) => {
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const answers = results.map((r) => ({
      task: tasks.get(r.taskId),
      answer: typeof r.info?.answer === "string" ? r.info.answer : "nan",
      acc: typeof r.info?.acc === "number" ? r.info.acc : undefined,
    }));
    const judged = answers.filter((a) => a.acc !== undefined);
    return {
      em: mean(answers.map((a) => (a.task && exactMatch(a.answer, a.task.answer) ? 1 : 0))),
      f1: mean(answers.map((a) => (a.task ? f1Score(a.answer, a.task.answer) : 0))),
      ...(judged.length === answers.length && answers.length > 0
        ? { acc: mean(judged.map((a) => a.acc as number)) }
        : {}),
    };
  },
  // TGI max_new_tokens 256 (LLMNode.py)
  defaults: { maxTurns, maxTokens: 256, minReward: 1 },
};
