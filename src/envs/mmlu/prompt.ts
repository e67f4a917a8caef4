// eval_mmlu_hf.py's prompt: a Llama-2 conversation whose system message names the subject, the 5 dev
// rows as (question, "Answer: X") turns, the test question, and " Answer: " after [/INST]; longer than
// 2,048 tokens, it keeps the last 2,047 (counted with cl100k: an API does not expose the model's
// tokenizer).
import type { Message } from "../../core/index.js";
import { cl100k, llama2GenerationPrompt } from "../lib/llama2-harness.js";
import { letters, type MmluQuestion } from "./tasks.js";

export const maxSeqLen = 2048;

/** format_subject: "high_school_physics" → "high school physics". */
export const formatSubject = (subject: string) => subject.split("_").join(" ").trim();

export const mmluSystem = (subject: string) =>
  `The following is a multiple-choice question about ${formatSubject(subject)}. Please choose the most suitable one among A, B, C and D as the answer to this question.`;

const questionText = (q: MmluQuestion) =>
  `Question: ${q.question}\n${letters.map((l, i) => `${l}. ${q.choices[i]}`).join("\n")}`;

export function mmluMessages(task: MmluQuestion & { subject: string; shots: MmluQuestion[] }): Message[] {
  // format_example(row, include_answer=False).split("Answer:")[0].rstrip(): a question holding
  // "Answer:" is cut there, as in the original
  const asked = `${questionText(task)}\nAnswer:`.split("Answer:")[0]?.trimEnd() ?? "";
  return [
    { role: "system", content: mmluSystem(task.subject) },
    ...task.shots.flatMap((shot): Message[] => [
      { role: "user", content: questionText(shot) },
      { role: "assistant", content: `Answer: ${shot.answer}` },
    ]),
    { role: "user", content: asked },
  ];
}

/** cov.get_prompt() + " Answer: ", left-truncated as get_logits does. */
export function mmluTextPrompt(messages: readonly Message[]): string {
  const text = `${llama2GenerationPrompt(messages)} Answer: `;
  const tokens = cl100k().encode(text, "all");
  return tokens.length > maxSeqLen ? cl100k().decode(tokens.slice(tokens.length - maxSeqLen + 1)) : text;
}
