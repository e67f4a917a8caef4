// FastChat's single-answer grading (llm_judge/common.py run_judge_single): the judge prompt for the
// turn and category, filled with str.format, sent with its system prompt at temperature 0 and 2,048
// tokens; the rating is the first [[x]] (else [x]) of the judgment, -1 when there is none.
import type { ChatModel } from "../../models/index.js";
import { type JudgePrompt, type MtbenchTask, needReference } from "./tasks.js";

/** Python's str.format with named fields ({{ and }} are literal braces). */
export function pythonFormat(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{|\}\}|\{(\w*)\}/g, (match, name: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    const value = fields[name ?? ""];
    if (value === undefined) throw new Error(`judge prompt: KeyError '${name}'`);
    return value;
  });
}

/** The rating of a judgment: one_score_pattern, then its backup; -1 without either. */
export function parseRating(judgment: string): number {
  const match = /\[\[(\d+\.?\d*)\]\]/.exec(judgment) ?? /\[(\d+\.?\d*)\]/.exec(judgment);
  return match ? Number(match[1]) : -1;
}

export function judgePromptName(category: string, turn: 1 | 2): string {
  const math = needReference.has(category) ? "single-math-v1" : "single-v1";
  return turn === 2 ? `${math}-multi-turn` : math;
}

export interface Judgment {
  turn: 1 | 2;
  prompt: string;
  judgment: string;
  rating: number;
}

export async function judgeTurn(
  judge: ChatModel,
  prompts: ReadonlyMap<string, JudgePrompt>,
  task: MtbenchTask,
  answers: readonly string[],
  turn: 1 | 2,
  signal?: AbortSignal,
): Promise<Judgment> {
  const name = judgePromptName(task.category, turn);
  const template = prompts.get(name) as JudgePrompt;
  const fields: Record<string, string> =
    turn === 1
      ? { question: task.turns[0] ?? "", answer: answers[0] ?? "" }
      : {
          question_1: task.turns[0] ?? "",
          question_2: task.turns[1] ?? "",
          answer_1: answers[0] ?? "",
          answer_2: answers[1] ?? "",
        };
  if (task.reference) {
    fields.ref_answer_1 = task.reference[0] ?? "";
    if (turn === 2) fields.ref_answer_2 = task.reference[1] ?? "";
  }
  const prompt = pythonFormat(template.prompt_template, fields);
  const { text } = await judge.complete(
    [
      { role: "system", content: template.system_prompt },
      { role: "user", content: prompt },
    ],
    { temperature: 0, maxTokens: 2048, ...(signal ? { signal } : {}) },
  );
  return { turn, prompt, judgment: text, rating: parseRating(text) };
}
