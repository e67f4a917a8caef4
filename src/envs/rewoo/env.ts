// One ReWOO question (Planner → Workers → Solver, algos/PWS.py) as AgentTuning ran it: every model call
// is a fresh single-turn chat with the Llama-2 system prompt, so the env is one of independent turns:
// the planner prompt, then an LLM-tool request for each LLM step (the model under test answers it,
// unless a --tool-model does), then the solver prompt. A plan PWS would raise on is planned again, up
// to 3 attempts (Evaluator.py maxtry), then the prediction is "nan".
import { all, create, type FactoryFunctionMap } from "mathjs";
import type { Message, StepResult } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import { llama2SystemPrompt } from "../lib/llama2-harness.js";
import type { OfflineWiki } from "../lib/offline-wiki.js";
import { WikiExplorer } from "../lib/offline-wiki.js";
import { exactMatch, f1Score } from "../lib/qa-answer.js";
import type { Environment } from "../types.js";
import { judgeAnswer } from "./judge.js";
import {
  PlanError,
  parseEvidences,
  parsePlans,
  splitToolCall,
  substituteEvidence,
  workerLog,
} from "./plan.js";
import { plannerPrompt, type RewooTexts, solverPrompt, type ToolName, toolsets } from "./prompt.js";
import type { DocumentIndex } from "./search-doc.js";
import type { RewooTask } from "./tasks.js";

export const maxAttempts = 3;

/** What an unavailable tool returns (the wrappers' own no-result texts). */
export const unavailableToolTexts: Partial<Record<ToolName, string>> = {
  WolframAlpha: "No good Wolfram Alpha Result was found",
  Google: "No good Google Search Result was found",
};

const math = create(all as FactoryFunctionMap);

/** Scalar functions and constants an expression may use; nothing that builds matrices or defines more. */
const calculatorFunctions = new Set(
  "abs ceil floor round sqrt cbrt exp log log10 log2 pow min max mod sign factorial gcd lcm nthRoot hypot sin cos tan asin acos atan atan2 sinh cosh tanh".split(
    " ",
  ),
);
const calculatorConstants = new Set(["pi", "e", "PI", "E", "tau"]);
const calculatorNodes = new Set([
  "ConstantNode",
  "OperatorNode",
  "ParenthesisNode",
  "SymbolNode",
  "FunctionNode",
  "ConditionalNode",
]);
/** Longest expression the calculator reads (a plan's arithmetic is short). */
export const calculatorMaxLength = 1000;

/**
 * The Calculator tool: a safe arithmetic evaluator standing in for LLMMathChain (no eval). The
 * expression is parsed and checked first: numbers, operators and the scalar functions above only,
 * since a hostile plan could otherwise ask mathjs for a 100000×100000 matrix (`ones(…)`) and take
 * the memory and the event loop of every episode of the run.
 */
export function calculate(expression: string): string {
  if (expression.length > calculatorMaxLength)
    throw new Error(`longer than ${calculatorMaxLength} characters`);
  const tree = math.parse(expression);
  tree.traverse((node, _path, parent) => {
    if (!calculatorNodes.has(node.type)) throw new Error(`${node.type} is disabled`);
    if (node.type === "ConstantNode" && typeof (node as { value?: unknown }).value !== "number")
      throw new Error("only numbers are allowed");
    if (node.type === "FunctionNode") {
      const name = (node as unknown as { fn: { name?: string } }).fn.name ?? "";
      if (!calculatorFunctions.has(name)) throw new Error(`${name || "this function"} is disabled`);
    }
    // a function's own name is a SymbolNode too; other symbols must be constants
    const isCallee = parent?.type === "FunctionNode" && (parent as unknown as { fn: unknown }).fn === node;
    if (
      node.type === "SymbolNode" &&
      !isCallee &&
      !calculatorConstants.has((node as { name?: string }).name ?? "")
    )
      throw new Error(`${(node as { name?: string }).name} is not a number`);
  });
  const value = tree.evaluate() as unknown;
  const text = math.format(value as never, { precision: 14 });
  if (typeof value !== "number" && typeof value !== "boolean" && !math.isComplex(value))
    throw new Error(`not an expression: ${expression}`);
  return text;
}

/** LLMNode's cleaning of a reply (llm_llama), then the worker's or solver's strip("\n"). */
export function cleanReply(text: string): string {
  return (
    text
      .split("[INST]")[0]
      ?.split("<|end_of_turn|>")[0]
      ?.trim()
      .replace(/^\n+|\n+$/g, "") ?? ""
  );
}

interface Pending {
  plans: string[];
  calls: [string, string][];
  next: number;
  evidence: Map<string, string>;
  /** The evidence key waiting for the model's answer to an LLM-tool request. */
  waiting?: string;
}

export class RewooEnvironment implements Environment {
  readonly independentTurns = true;
  private attempts = 0;
  private pending: Pending | undefined;
  private solving = false;
  private readonly wiki: WikiExplorer;

  constructor(
    private readonly task: RewooTask,
    wiki: OfflineWiki,
    private readonly texts: RewooTexts,
    private readonly models: {
      tool?: ChatModel;
      judge?: ChatModel;
      judgePrompt?: string;
      /** sotu_qa's document, searched by SearchSOTU. */
      document?: DocumentIndex;
    } = {},
  ) {
    this.wiki = new WikiExplorer(wiki);
  }

  private plannerTurn(): string {
    return plannerPrompt(this.texts, this.task.dataset, this.task.question);
  }

  async reset(): Promise<{ messages: Message[] }> {
    this.attempts = 1;
    return {
      messages: [
        { role: "system", content: llama2SystemPrompt },
        { role: "user", content: this.plannerTurn() },
      ],
    };
  }

  async step(reply: string): Promise<StepResult> {
    try {
      if (this.solving) return await this.finish(cleanReply(reply));
      if (!this.pending) {
        const plan = cleanReply(reply);
        this.pending = {
          plans: parsePlans(plan),
          calls: [...parseEvidences(plan)],
          next: 0,
          evidence: new Map(),
        };
      } else if (this.pending.waiting) {
        // the LLM worker's evidence: response.strip('\n') after llm_llama's cleaning
        this.pending.evidence.set(this.pending.waiting, cleanReply(reply));
        this.pending.waiting = undefined;
      }
      return await this.work(this.pending);
    } catch (error) {
      if (!(error instanceof PlanError) && !(error instanceof ToolError)) throw error;
      // Evaluator.py: any exception re-runs the whole question, three tries, then "nan"
      this.pending = undefined;
      if (this.attempts >= maxAttempts)
        return this.finish("nan", `${error.message} (after ${maxAttempts} attempts)`);
      this.attempts++;
      return { observation: this.plannerTurn(), reward: 0, done: false, info: { retry: error.message } };
    }
  }

  /** Runs workers in plan order until one needs the model; then the solver prompt. */
  private async work(pending: Pending): Promise<StepResult> {
    const tools = toolsets[this.task.dataset] as readonly string[];
    while (pending.next < pending.calls.length) {
      const [key, call] = pending.calls[pending.next++] as [string, string];
      const split = splitToolCall(call);
      if (!split) {
        pending.evidence.set(key, call);
        continue;
      }
      const input = substituteEvidence(split.input, pending.evidence);
      if (!tools.includes(split.tool)) {
        pending.evidence.set(key, "No evidence found");
        continue;
      }
      const tool = split.tool as ToolName;
      if (tool === "LLM") {
        const request = `${this.texts.llmToolPrefix}${input}`;
        if (this.models.tool) {
          const answer = await this.models.tool.complete([
            { role: "system", content: llama2SystemPrompt },
            { role: "user", content: request },
          ]);
          pending.evidence.set(key, cleanReply(answer.text));
          continue;
        }
        pending.waiting = key;
        return { observation: request, reward: 0, done: false };
      }
      pending.evidence.set(key, this.runTool(tool, input));
    }
    const log = workerLog(pending.plans, pending.evidence);
    this.solving = true;
    return { observation: solverPrompt(this.texts, this.task.question, log), reward: 0, done: false };
  }

  private runTool(tool: ToolName, input: string): string {
    if (tool === "Wikipedia") return this.wiki.search(input);
    if (tool === "SearchSOTU" && this.models.document) return this.models.document.search(input);
    if (tool === "Calculator") {
      try {
        return calculate(input);
      } catch (error) {
        // LLMMathChain raises on what it cannot compute: the question is tried again
        throw new ToolError(`Calculator[${input}]: ${(error as Error).message}`);
      }
    }
    return unavailableToolTexts[tool] ?? "No evidence found";
  }

  private async finish(prediction: string, planFailure?: string): Promise<StepResult> {
    const f1 = f1Score(prediction, this.task.answer);
    const em = exactMatch(prediction, this.task.answer) ? 1 : 0;
    const judged = this.models.judge
      ? await judgeAnswer(
          this.models.judge,
          this.task.question,
          prediction,
          this.task.answer,
          this.models.judgePrompt,
        )
      : undefined;
    const reward = judged ? judged.correct : em;
    return {
      observation: "",
      reward,
      done: true,
      ...(planFailure ? { failure: "invalid_format" as const } : {}),
      info: {
        answer: prediction,
        em,
        f1,
        ...(judged ? { acc: judged.correct, judge: judged.reply } : {}),
        attempts: this.attempts,
        ...(planFailure ? { planFailure } : {}),
      },
    };
  }

  async close(): Promise<void> {}
}

export class ToolError extends Error {}
