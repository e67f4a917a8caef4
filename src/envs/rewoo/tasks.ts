// ReWOO's question sets, loaded from the files users have: HotpotQA (distractor format), GSM8K JSONL
// (`answer` ends "#### n"), TriviaQA (`answer.value`), or any {question, answer} JSONL; each record's
// dataset decides the tools and the few-shot plan, as ReWOO's run_eval.py does per task.
import { basename } from "node:path";
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";
import { questionFiles } from "../lib/offline-wiki.js";
import { NumpyRandomState } from "../lib/python-random.js";
import type { LoadTasksOptions } from "../types.js";

export const rewooDatasets = ["hotpot_qa", "trivia_qa", "gsm8k", "generic"] as const;
export type RewooDataset = (typeof rewooDatasets)[number];

export const rewooTaskSchema = z.object({
  id: z.string(),
  dataset: z.enum(rewooDatasets),
  question: z.string().min(1),
  /** The label ReWOO compares with: GSM8K's number after "#### ", TriviaQA's answer.value. */
  answer: z.string(),
  /** HotpotQA: the supporting pages (the oracle's plan). */
  supporting: z.array(z.string()).optional(),
  /** HotpotQA: the record's paragraphs, which the offline wiki is built from. */
  context: z.unknown().optional(),
});
export type RewooTask = z.infer<typeof rewooTaskSchema>;

const recordSchema = z
  .object({
    id: z.string().optional(),
    _id: z.string().optional(),
    dataset: z.enum(rewooDatasets).optional(),
    question: z.string().min(1),
    answer: z.union([z.string(), z.object({ value: z.string() }).passthrough()]),
    context: z.unknown().optional(),
    supporting_facts: z.unknown().optional(),
  })
  .passthrough();

function supportingTitles(facts: unknown): string[] | undefined {
  if (Array.isArray(facts)) return [...new Set(facts.map((f) => String((f as unknown[])[0])))];
  if (facts && typeof facts === "object" && Array.isArray((facts as { title?: unknown }).title))
    return [...new Set((facts as { title: string[] }).title)];
  return undefined;
}

export function toRewooTask(
  record: z.infer<typeof recordSchema>,
  fallbackId: string,
  where: string,
): RewooTask {
  const id = record.id ?? record._id ?? fallbackId;
  if (typeof record.answer !== "string")
    return {
      id,
      dataset: record.dataset ?? "trivia_qa",
      question: record.question,
      answer: record.answer.value,
    };
  if (record.context !== undefined)
    return {
      id,
      dataset: record.dataset ?? "hotpot_qa",
      question: record.question,
      answer: record.answer,
      supporting: supportingTitles(record.supporting_facts),
      context: record.context,
    };
  if (record.answer.includes("#### ") || record.dataset === "gsm8k") {
    // Evaluator.py: label = answer.split("#### ")[1]
    const label = record.answer.split("#### ")[1];
    if (label === undefined)
      throw new InputError(`${where}: answer: a GSM8K answer ends with "#### <number>"`);
    return { id, dataset: "gsm8k", question: record.question, answer: label };
  }
  return { id, dataset: record.dataset ?? "generic", question: record.question, answer: record.answer };
}

/**
 * Loads a question file; `sample` picks rows as ReWOO's `df.sample(n, random_state=seed)` does (the
 * first n of numpy's RandomState(seed).permutation, in that order). Ids are the rows' own, else
 * `file:row` with 0-based rows.
 */
export async function* loadRewooTasks(
  source: string,
  options: LoadTasksOptions = {},
): AsyncGenerator<RewooTask> {
  // a folder is several datasets: each file is sampled on its own, as ReWOO samples each dataset
  for (const file of questionFiles(source)) {
    const records = await readRecords(file, recordSchema);
    const name = basename(file);
    const tasks = records.map(({ line, value }, row) =>
      toRewooTask(value, `${name}:${row}`, `${file}:${line}`),
    );
    const order =
      options.sample === undefined
        ? tasks.map((_, i) => i)
        : new NumpyRandomState(options.seed ?? 2024).permutation(tasks.length).slice(0, options.sample);
    for (const i of order) yield tasks[i] as RewooTask;
  }
}
