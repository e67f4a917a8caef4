// ReWOO's score: an LLM grades the prediction against the label, and only a reply that is exactly
// "CORRECT" after stripping counts (Evaluator.py llm_accuracy_score). The original judge was
// text-davinci-003 through langchain's QAEvalChain, which OpenAI has retired: the judge is any model
// spec (--judge), named in the run, with this grading prompt in agenttune's words.
import { readFileSync } from "node:fs";
import { InputError } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import { stringConstant } from "../lib/agentbench/python-source.js";

export const judgePrompt = `You are grading a quiz. You get a question, a student's answer and the true answer, and you grade the student's answer as CORRECT or INCORRECT.

Grade only whether the student's answer is factually right. Differences in punctuation and wording do not matter, and more information than the true answer is fine as long as nothing in it contradicts the true answer. Reply with one word: CORRECT or INCORRECT.

QUESTION: {query}
STUDENT ANSWER: {result}
TRUE ANSWER: {answer}
GRADE:`;

/**
 * A grading prompt from a file: plain text, or a Python module whose `template` constant holds it
 * (langchain's evaluation/qa/eval_prompt.py, the prompt QAEvalChain sends); it must have {query},
 * {result} and {answer}.
 */
export function readJudgePrompt(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new InputError(`--judge-prompt ${file}: file not found`);
  }
  const prompt = file.endsWith(".py") ? stringConstant(text, "template") : text;
  if (prompt === undefined)
    throw new InputError(`--judge-prompt ${file}: no \`template = "…"\` in this Python file`);
  for (const field of ["{query}", "{result}", "{answer}"])
    if (!prompt.includes(field)) throw new InputError(`--judge-prompt ${file}: the prompt has no ${field}`);
  return prompt;
}

export async function judgeAnswer(
  judge: ChatModel,
  query: string,
  result: string,
  answer: string,
  template = judgePrompt,
): Promise<{ correct: 0 | 1; reply: string }> {
  const prompt = template.replace(/\{(query|result|answer)\}/g, (_, name: string) =>
    name === "query" ? query : name === "result" ? result : answer,
  );
  const { text } = await judge.complete([{ role: "user", content: prompt }], {
    temperature: 0,
    maxTokens: 16,
  });
  return { correct: text.trim() === "CORRECT" ? 1 : 0, reply: text };
}
