// ReWOO's question sets, loaded from the files users have: HotpotQA (distractor format), GSM8K JSONL
// (`answer` ends "#### n"), TriviaQA (`answer.value`), ReWOO's own CSVs (BIG-bench's input/target,
// SOTU_QA's question/answer) or any {question, answer} JSONL; each record's dataset decides the tools
// and the few-shot plan, as ReWOO's run_eval.py does per task.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";
import { questionFiles } from "../lib/offline-wiki.js";
import { NumpyRandomState } from "../lib/python-random.js";
import type { LoadTasksOptions } from "../types.js";

export const rewooDatasets = [
  "hotpot_qa",
  "trivia_qa",
  "gsm8k",
  "strategy_qa",
  "physics_question",
  "sports_understanding",
  "sotu_qa",
  "generic",
] as const;
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
  /** sotu_qa: the text SearchSOTU searches (ReWOO's data/docs/state_of_the_union.txt). */
  document: z.string().optional(),
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

/** ReWOO's CSV files (utils/DataLoader.py) by name: the three BIG-bench sets and SOTU_QA. */
const csvDatasets: [RegExp, RewooDataset][] = [
  [/strategy_qa/i, "strategy_qa"],
  [/physics_question/i, "physics_question"],
  [/sports_understanding/i, "sports_understanding"],
  [/sotu/i, "sotu_qa"],
];

/** ReWOO's data/ folder: the CSVs run_eval.py evaluated (eval-tgi.sh), where they are. */
const rewooDataCsvs = [
  "bigbench/strategy_qa.csv",
  "bigbench/physics_question.csv",
  "bigbench/sports_understanding.csv",
  "SOTU/SOTU_QA.csv",
];

/**
 * A question file, or a folder's .json/.jsonl/.csv files (HotpotQA's levels first, as AgentTuning
 * ran them); a folder laid out as ReWOO's data/ adds its four evaluated CSVs.
 */
export const rewooQuestionFiles = (path: string) =>
  questionFiles(path, { pattern: /\.(jsonl?|csv)$/, kinds: ".json, .jsonl or .csv", nested: rewooDataCsvs });

/** SearchSOTU's document: data/docs/state_of_the_union.txt beside ReWOO's data/SOTU/, or next to the CSV. */
function sotuDocument(csv: string): string {
  const candidates = [
    join(dirname(csv), "..", "docs", "state_of_the_union.txt"),
    join(dirname(csv), "state_of_the_union.txt"),
  ].map((file) => resolve(file));
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new InputError(
      `${csv}: sotu_qa's SearchSOTU tool needs ReWOO's state_of_the_union.txt (looked for ${candidates.join(" and ")})`,
    );
  return found;
}

/** A CSV as pandas reads it (a header row; cells as text), each row a task of the file's dataset. */
function csvTasks(file: string): RewooTask[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file, "utf8"), {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      relax_quotes: true,
    });
  } catch (error) {
    throw new InputError(`${file}: not a CSV file with a header row (${(error as Error).message})`);
  }
  const name = basename(file);
  const dataset = csvDatasets.find(([pattern]) => pattern.test(name))?.[1] ?? "generic";
  const document = dataset === "sotu_qa" ? sotuDocument(file) : undefined;
  return rows.map((row, i) => {
    // BIG-bench's files have input/target, SOTU_QA question/answer (DataLoader.py)
    const question = row.input ?? row.question;
    const answer = row.target ?? row.answer;
    if (question === undefined || answer === undefined)
      throw new InputError(`${file}: the header must name input,target or question,answer columns`);
    if (!question.trim()) throw new InputError(`${file}:${i + 2}: an empty question`);
    return { id: `${name}:${i}`, dataset, question, answer, ...(document ? { document } : {}) };
  });
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
  for (const file of rewooQuestionFiles(source)) {
    const name = basename(file);
    const tasks = file.endsWith(".csv")
      ? csvTasks(file)
      : (await readRecords(file, recordSchema)).map(({ line, value }, row) =>
          toRewooTask(value, `${name}:${row}`, `${file}:${line}`),
        );
    const order =
      options.sample === undefined
        ? tasks.map((_, i) => i)
        : new NumpyRandomState(options.seed ?? 2024).permutation(tasks.length).slice(0, options.sample);
    for (const i of order) yield tasks[i] as RewooTask;
  }
}
