// ReWOO's prompts (planner, solver, tool descriptions, few-shot plans), read from the user's
// AgentTuning checkout (eval_heldout/rewoo/prompts/*.py, nodes/Worker.py) or, without one, agenttune's
// own wording of the same protocol.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/index.js";
import { readStringExpression } from "../lib/agentbench/python-source.js";
import { heldOutDir, heldOutString } from "../lib/agenttuning-checkout.js";
import type { RewooDataset } from "./tasks.js";

export const toolNames = ["Wikipedia", "LLM", "WolframAlpha", "Calculator", "Google", "SearchSOTU"] as const;
export type ToolName = (typeof toolNames)[number];

export interface RewooTexts {
  plannerPrefix: string;
  plannerSuffix: string;
  solverPrefix: string;
  solverSuffix: string;
  /** The few-shot plan of each dataset (utils/util.py DEFAUL_EXEMPLARS_PWS). */
  fewshot: Record<RewooDataset, string>;
  descriptions: Record<ToolName, string>;
  /** What the LLM tool's request is prefixed with (the open-model branch of LLMWorker). */
  llmToolPrefix: string;
}

const bigBenchTools: readonly ToolName[] = ["Wikipedia", "LLM", "WolframAlpha", "Calculator", "Google"];

/** The tools of each dataset, in the order the planner lists them (eval-tgi.sh's intended toolsets). */
export const toolsets: Record<RewooDataset, readonly ToolName[]> = {
  hotpot_qa: ["Wikipedia", "LLM"],
  trivia_qa: ["Wikipedia", "LLM"],
  gsm8k: ["LLM", "WolframAlpha", "Calculator"],
  strategy_qa: bigBenchTools,
  physics_question: bigBenchTools,
  sports_understanding: bigBenchTools,
  sotu_qa: ["LLM", "Calculator", "Google", "SearchSOTU"],
  // any other question file gets the BIG-bench sets' toolset
  generic: bigBenchTools,
};

/** utils/util.py DEFAUL_EXEMPLARS_PWS: which few-shot plan each dataset's planner sees. */
const fewshotNames: Record<RewooDataset, string> = {
  hotpot_qa: "HOTPOTQA_PWS_BASE",
  trivia_qa: "TRIVIAQA_PWS",
  gsm8k: "GSM8K_PWS",
  strategy_qa: "GSM8K_PWS",
  physics_question: "GSM8K_PWS",
  sports_understanding: "GSM8K_PWS",
  sotu_qa: "GSM8K_PWS",
  generic: "GSM8K_PWS",
};

/** Each tool's worker class in nodes/Worker.py (SearchSOTU's description is its base class's). */
const workerClasses: Record<ToolName, string> = {
  Wikipedia: "WikipediaWorker",
  LLM: "LLMWorker",
  WolframAlpha: "WolframAlphaWorker",
  Calculator: "CalculatorWorker",
  Google: "GoogleWorker",
  SearchSOTU: "SearchDocWorker",
};

function workerDescription(source: string, path: string, workerClass: string): string {
  const start = source.indexOf(`class ${workerClass}(`);
  const assignment = start < 0 ? -1 : source.indexOf("self.description =", start);
  const value =
    assignment < 0
      ? undefined
      : readStringExpression(source, assignment + "self.description =".length)?.value;
  if (value === undefined) throw new InputError(`${path}: ${workerClass}'s description not found`);
  return value;
}

/** SearchDocWorker's f-string description with SearchSOTUWorker's doc_name filled in. */
function searchSotuDescription(source: string, path: string): string {
  const template = workerDescription(source, path, workerClasses.SearchSOTU);
  const sotu = source.slice(source.indexOf("class SearchSOTUWorker("));
  const docName = /doc_name\s*=\s*["']([^"']*)["']/.exec(sotu)?.[1];
  if (docName === undefined) throw new InputError(`${path}: SearchSOTUWorker's doc_name not found`);
  return template.replaceAll("{doc_name}", docName);
}

export function rewooTextsFromCheckout(agenttuning: string): RewooTexts {
  const root = heldOutDir(agenttuning);
  const workerPath = join(root, "rewoo", "nodes", "Worker.py");
  let workers: string;
  try {
    workers = readFileSync(workerPath, "utf8");
  } catch {
    throw new InputError(`${workerPath}: missing from the AgentTuning checkout`);
  }
  // LLMWorker's open-model branch: f'Responds in short directly with no extra words.\n\n{input}'
  const llm = /append_message\(conv\.roles\[0\],\s*(f'(?:[^'\\]|\\.)*\{input\}')/.exec(
    workers.slice(workers.indexOf("class LLMWorker(")),
  );
  const llmPrompt = llm ? readStringExpression(llm[1] as string, 0)?.value : undefined;
  if (!llmPrompt) throw new InputError(`${workerPath}: LLMWorker's request prompt not found`);
  const fewshot = (name: string) => heldOutString(agenttuning, "rewoo/prompts/fewshots.py", name);
  return {
    plannerPrefix: heldOutString(agenttuning, "rewoo/prompts/planner.py", "DEFAULT_PREFIX"),
    plannerSuffix: heldOutString(agenttuning, "rewoo/prompts/planner.py", "DEFAULT_SUFFIX"),
    solverPrefix: heldOutString(agenttuning, "rewoo/prompts/solver.py", "DEFAULT_PREFIX"),
    solverSuffix: heldOutString(agenttuning, "rewoo/prompts/solver.py", "DEFAULT_SUFFIX"),
    fewshot: Object.fromEntries(
      Object.entries(fewshotNames).map(([dataset, name]) => [dataset, fewshot(name)]),
    ) as Record<RewooDataset, string>,
    descriptions: Object.fromEntries(
      toolNames.map((tool) => [
        tool,
        tool === "SearchSOTU"
          ? searchSotuDescription(workers, workerPath)
          : workerDescription(workers, workerPath, workerClasses[tool]),
      ]),
    ) as Record<ToolName, string>,
    llmToolPrefix: llmPrompt.slice(0, llmPrompt.indexOf("{input}")),
  };
}

const ownPlanExample = `Question: Which river flows through the capital of the country where the Eiffel Tower stands?
Plan: Find out where the Eiffel Tower stands.
#E1 = Wikipedia[Eiffel Tower]
Plan: Find out the capital of that country.
#E2 = LLM[What is the capital of the country where the Eiffel Tower stands? Given context: #E1]
Plan: Find out which river flows through that city.
#E3 = Wikipedia[#E2]

`;

const ownMathExample = `For Example:
A shop sells pens at 3 dollars each and gives 1 pen free for every 4 bought. How many dollars do 10 pens cost?
Plan: Work out how many of the 10 pens must be paid for.
#E1 = LLM[How many of 10 pens are paid for if 1 pen is free for every 4 bought?]
Plan: Compute the price of the paid pens.
#E2 = Calculator[#E1 * 3]

`;

/** agenttune's own wording: the same protocol (Plan / #En = Tool[input], evidence, solver), its own text. */
export const ownRewooTexts: RewooTexts = {
  plannerPrefix:
    "Make a step-by-step plan to solve the task below. For each step, name one tool and its input to collect evidence, and store the evidence in a variable #E that later tools can use. (Plan, #E1, Plan, #E2, Plan, ...) \n\n",
  plannerSuffix: "Start now. Describe each plan in detail. Each Plan is followed by exactly one #E.\n\n",
  solverPrefix:
    "Solve the task or problem below. Plans and the evidence they collected are given to help you; some evidence may be wrong or irrelevant, so use it with care.\n\n",
  solverSuffix: "\nNow solve the task or problem. Reply with the answer only, with no other words.\n\n",
  fewshot: Object.fromEntries(
    Object.entries(fewshotNames).map(([dataset, name]) => [
      dataset,
      name === "GSM8K_PWS" ? ownMathExample : ownPlanExample,
    ]),
  ) as Record<RewooDataset, string>,
  descriptions: {
    Wikipedia:
      "Searches Wikipedia and returns the start of the best matching page. Good for knowledge about people, places, organisations, events and other subjects. The text can be long and partly irrelevant. Input is a search query.",
    LLM: "A language model like you. Good for general knowledge, common sense and reading evidence. Use it when you can solve the step yourself. Input is any instruction.",
    WolframAlpha:
      "A computational knowledge engine for mathematical and scientific questions. Input is a query such as an equation to solve.",
    Calculator:
      "Evaluates an arithmetic expression. Use it for exact arithmetic. Input is a plain expression, such as 3 * (4 + 5).",
    Google: "Web search that returns short answers and snippets about a topic. Input is a search query.",
    SearchSOTU:
      "Searches the text of the 2023 State of the Union address and returns the passage most related to the query, which may hold unrelated text too. Input is a search query.",
  },
  llmToolPrefix: "Respond briefly and directly, with no extra words.\n\n",
};

/** Planner.py: prefix + tool list + few-shot + suffix + question + "\n". */
export function plannerPrompt(texts: RewooTexts, dataset: RewooDataset, question: string): string {
  let tools = "Tools can be one of the following:\n";
  for (const tool of toolsets[dataset]) tools += `${tool}[input]: ${texts.descriptions[tool]}\n`;
  return `${texts.plannerPrefix}${tools}\n${texts.fewshot[dataset]}${texts.plannerSuffix}${question}\n`;
}

/** Solver.py: prefix + question + "\n" + worker log + suffix + question + "\n". */
export function solverPrompt(texts: RewooTexts, question: string, workerLog: string): string {
  return `${texts.solverPrefix}${question}\n${workerLog}${texts.solverSuffix}${question}\n`;
}
