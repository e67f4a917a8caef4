// MT-Bench as FastChat's llm_judge keeps it: question.jsonl (question_id, category, two turns), the
// judge prompts (judge_prompts.jsonl) and GPT-4's reference answers (reference_answer/gpt-4.jsonl).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { InputError, readJsonl, readJsonlAll } from "../../core/index.js";

export const mtbenchTaskSchema = z
  .object({
    question_id: z.number().int(),
    category: z.string().min(1),
    turns: z.array(z.string()).min(1).max(2),
    /** Added by the loader from the reference answers, for the categories judged against one. */
    reference: z.array(z.string()).optional(),
  })
  .passthrough();
export type MtbenchTask = z.infer<typeof mtbenchTaskSchema>;

export const judgePromptSchema = z.object({
  name: z.string(),
  type: z.string(),
  system_prompt: z.string(),
  prompt_template: z.string(),
  output_format: z.string(),
});
export type JudgePrompt = z.infer<typeof judgePromptSchema>;

const answerSchema = z.object({
  question_id: z.number().int(),
  choices: z.array(z.object({ turns: z.array(z.string()) })).min(1),
});

/** common.py NEED_REF_CATS: categories judged with the reference answer. */
export const needReference = new Set(["math", "reasoning", "coding", "arena-hard-200"]);

/** Where FastChat's files sit beside question.jsonl: its own layout, or everything in one folder. */
export function mtbenchFiles(questionFile: string): { judgePrompts: string; referenceAnswers: string } {
  const dir = dirname(questionFile);
  const first = (...candidates: string[]) =>
    candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
  return {
    judgePrompts: first(join(dir, "judge_prompts.jsonl"), join(dir, "..", "judge_prompts.jsonl")),
    referenceAnswers: first(
      join(dir, "reference_answer", "gpt-4.jsonl"),
      join(dir, "reference_answer-gpt-4.jsonl"),
    ),
  };
}

export async function* loadMtbenchTasks(file: string): AsyncIterable<MtbenchTask> {
  const { referenceAnswers } = mtbenchFiles(file);
  const references = new Map<number, string[]>();
  if (existsSync(referenceAnswers))
    for (const { value } of await readJsonlAll(referenceAnswers, answerSchema))
      references.set(value.question_id, value.choices[0]?.turns ?? []);
  let count = 0;
  for await (const { value, line } of readJsonl(file, mtbenchTaskSchema)) {
    count++;
    const reference = references.get(value.question_id);
    if (needReference.has(value.category) && !reference)
      throw new InputError(
        `${file}:${line}: question ${value.question_id} (${value.category}) is judged against GPT-4's reference answer, not found in ${referenceAnswers}`,
      );
    yield needReference.has(value.category) ? { ...value, reference } : value;
  }
  if (count === 0) throw new InputError(`${file}: no MT-Bench questions`);
}

export async function loadJudgePrompts(file: string): Promise<Map<string, JudgePrompt>> {
  if (!existsSync(file))
    throw new InputError(`${file}: FastChat's judge_prompts.jsonl not found (pass --judge-prompt FILE)`);
  const prompts = new Map((await readJsonlAll(file, judgePromptSchema)).map((r) => [r.value.name, r.value]));
  for (const name of ["single-v1", "single-math-v1", "single-v1-multi-turn", "single-math-v1-multi-turn"])
    if (!prompts.has(name)) throw new InputError(`${file}: no "${name}" judge prompt`);
  return prompts;
}
