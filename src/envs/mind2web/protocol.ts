// The Mind2Web multiple-choice protocol (MindAct, as AgentBench runs it): each round shows the DOM
// pruned around five candidates, the task, the last five previous actions and the choices A (none of
// the above) and B–F in document order; the answer is "Answer: X\nAction: OP\nValue: …".
import { pythonStrip } from "../lib/python-string.js";
import { multichoiceInput } from "./multichoice-input.js";
import type { StepProblem } from "./tasks.js";

export const letters = ["B", "C", "D", "E", "F"];

export interface RoundQuestion {
  /** The user turn: the page between ''' marks, then the question and its choices. */
  content: string;
  /** backend_node_id of choice B, C, … */
  choiceIds: string[];
}

/**
 * One round's question for the candidates `groupIds`, word for word format_input_multichoice
 * (AgentBench.old mind2web/dataloader.py:66-106) inside task.py's "'''\n{page}\n'''\n\n{question}".
 * `formatHint` appends agenttune's answer-format line, for a zero-shot prompt that has no examples.
 */
export function roundQuestion(
  problem: StepProblem,
  groupIds: readonly string[],
  { formatHint = false, chainOfThought = false } = {},
): RoundQuestion {
  const { page, choices } = multichoiceInput(problem.html, groupIds);
  const previous = problem.previousActions.length
    ? problem.previousActions
        .slice(-5)
        .map((a) => `${a}\n`)
        .join("")
    : "None\n";
  const lines = choices.map(([, text], i) => `${String.fromCharCode(66 + i)}. ${text}\n`).join("");
  let question = `Based on the HTML webpage above, try to complete the following task:\nTask: ${problem.task}\nPrevious actions:\n${previous}What should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n\nA. None of the above\n${lines}`;
  if (formatHint)
    question += `${chainOfThought ? "\nThink step by step first, then end with the answer in the format below.\n" : ""}\nAnswer in this format:\nAnswer: <letter>\nAction: CLICK, TYPE or SELECT\nValue: <text to type or the option to select; empty for CLICK>`;
  return { content: `'''\n${page}\n'''\n\n${question}`, choiceIds: choices.map(([id]) => id) };
}

export interface Mind2WebAnswer {
  letter: string;
  op: string;
  value: string;
}

/** Reads the answer as AgentBench does: the first "Answer: X", "Action: OP" and "Value: …" (see below). */
export function parseMind2WebAnswer(reply: string): Mind2WebAnswer | undefined {
  // AgentBench's postprocess_action_llm (AgentBench.old mind2web/task.py:200-213): the first
  // "Answer: X", "Action: OP" and "Value: …" anywhere in the reply, case-sensitive, one space each
  const text = pythonStrip(reply);
  const letter = /Answer: ([A-F])/.exec(text)?.[1];
  if (!letter) return undefined;
  const op = /Action: (CLICK|SELECT|TYPE)/.exec(text)?.[1] ?? "";
  const value = pythonStrip(/Value: ([^\n]*)$/m.exec(text)?.[1] ?? "");
  return { letter, op, value };
}

/** F1 over the token sets of "OP value" strings, as Mind2Web and AgentBench score operations (case kept). */
export function operationF1(predicted: string, gold: string): number {
  const p = new Set(predicted.split(/\s+/).filter(Boolean));
  const g = new Set(gold.split(/\s+/).filter(Boolean));
  if (p.size === 0 || g.size === 0) return p.size === g.size ? 1 : 0;
  const common = [...p].filter((t) => g.has(t)).length;
  if (common === 0) return 0;
  const precision = common / p.size;
  const recall = common / g.size;
  return (2 * precision * recall) / (precision + recall);
}

/** The gold operation as AgentBench's target: a CLICK has no value. */
export const operationString = (op: string, value: string) =>
  (op === "CLICK" ? "CLICK" : `${op} ${value}`).trim();

/** A predicted operation as AgentBench scores it: "OP value" whatever the op, so a CLICK's value counts. */
export const predictedOperationString = (op: string, value: string) => `${op.trim()} ${value.trim()}`.trim();
