// The Mind2Web multiple-choice protocol (AgentBench / MindAct): the cleaned HTML, the task, the
// previous actions, and choices A (none of the above) and B–F; the answer is
// "Answer: X\nAction: CLICK|TYPE|SELECT\nValue: …". Groups of five until one candidate is left.
import type { StepProblem } from "./tasks.js";

export const letters = ["B", "C", "D", "E", "F"];

export function questionPrompt(
  problem: StepProblem,
  group: readonly StepProblem["candidates"][number][],
  { chainOfThought = false } = {},
): string {
  // the last five (AgentBench's format_input_multichoice, previous_k=5)
  const previous = problem.previousActions.length ? problem.previousActions.slice(-5).join("\n") : "None";
  const choices = ["A. None of the above", ...group.map((c, i) => `${letters[i]}. ${c.snippet}`)].join("\n");
  return `'''\n${problem.html.slice(0, 6000)}\n'''\n\nBased on the HTML webpage above, try to complete the following task:\nTask: ${problem.task}\nPrevious actions:\n${previous}\nWhat should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n\n${choices}${
    chainOfThought ? "\n\nThink step by step first, then end with the answer in the format below." : ""
  }\n\nAnswer in this format:\nAnswer: <letter>\nAction: CLICK, TYPE or SELECT\nValue: <text to type or the option to select; empty for CLICK>`;
}

export interface Mind2WebAnswer {
  letter: string;
  op: string;
  value: string;
}

/** Reads the last "Answer:" and the Action/Value after it, so reasoning before the answer may quote the format. */
export function parseMind2WebAnswer(reply: string): Mind2WebAnswer | undefined {
  // AgentBench's postprocess_action_llm (AgentBench.old mind2web/task.py:200-213): the first
  // "Answer: X", "Action: OP" and "Value: …" anywhere in the reply, case-sensitive, one space each
  const letter = /Answer: ([A-F])/.exec(reply)?.[1];
  if (!letter) return undefined;
  const op = /Action: (CLICK|SELECT|TYPE)/.exec(reply)?.[1] ?? "";
  const value = /Value: ([^\n]*)$/m.exec(reply.trim())?.[1]?.trim() ?? "";
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
