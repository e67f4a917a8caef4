// MMLU in its two layouts: the original CSVs (data/dev/<subject>_dev.csv, data/test/<subject>_test.csv;
// no header: question, A, B, C, D, answer) read as pandas reads them, and the Hugging Face export
// (parquet or JSONL files named test… and dev…: question, subject, choices, answer as 0-3 or a letter).
// Each test question becomes a task carrying its subject's first 5 dev rows, the 5 shots.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "csv-parse/sync";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { z } from "zod";
import { InputError, parseLine } from "../../core/index.js";
import { pandasColumnText } from "./pandas-cells.js";

export const letters = ["A", "B", "C", "D"] as const;
const letterSchema = z.enum(letters);

const questionSchema = z.object({
  question: z.string(),
  choices: z.array(z.string()).length(4),
  answer: letterSchema,
});
export type MmluQuestion = z.infer<typeof questionSchema>;

export const mmluTaskSchema = questionSchema.extend({
  id: z.string(),
  subject: z.string().min(1),
  /** The subject's first 5 dev rows (eval_mmlu_hf.py: k=5, dev_df.iloc[i]). */
  shots: z.array(questionSchema).max(5),
});
export type MmluTask = z.infer<typeof mmluTaskSchema>;

/** Tasks from a CSV data folder (with dev/ and test/) or a folder of Hugging Face files. */
export async function* loadMmluTasks(source: string): AsyncIterable<MmluTask> {
  if (!existsSync(source) || !statSync(source).isDirectory())
    throw new InputError(`${source}: not a folder (MMLU: data/ with dev/ and test/, or Hugging Face files)`);
  const tasks = existsSync(join(source, "test")) ? csvTasks(source) : await hfTasks(source);
  if (tasks.length === 0) throw new InputError(`${source}: no MMLU test questions`);
  yield* tasks;
}

function csvTasks(dir: string): MmluTask[] {
  const tasks: MmluTask[] = [];
  const testFiles = readdirSync(join(dir, "test"))
    .filter((f) => f.endsWith("_test.csv"))
    .sort();
  for (const file of testFiles) {
    const subject = file.slice(0, -"_test.csv".length);
    const devFile = join(dir, "dev", `${subject}_dev.csv`);
    if (!existsSync(devFile)) throw new InputError(`${devFile}: missing (the 5 shots of ${subject})`);
    const shots = readCsv(devFile).slice(0, 5);
    readCsv(join(dir, "test", file)).forEach((row, i) => {
      tasks.push({ ...row, id: `${subject}/${i}`, subject, shots });
    });
  }
  return tasks;
}

/** A subject CSV as pandas frames it: six columns, each typed on its own, then printed. */
function readCsv(file: string): MmluQuestion[] {
  let rows: string[][];
  try {
    rows = parse(readFileSync(file, "utf8"), { relax_quotes: false, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
  rows.forEach((row, i) => {
    if (row.length !== 6)
      throw new InputError(
        `${file}:${i + 1}: ${row.length} fields, expected 6 (question, A, B, C, D, answer)`,
      );
  });
  const columns = [0, 1, 2, 3, 4, 5].map((c) => pandasColumnText(rows.map((r) => r[c] as string)));
  return rows.map((_, i) => {
    const cell = (c: number) => columns[c]?.[i] as string;
    const answer = cell(5);
    const parsed = letterSchema.safeParse(answer);
    if (!parsed.success)
      throw new InputError(`${file}:${i + 1}: answer: ${JSON.stringify(answer)} is not A-D`);
    return { question: cell(0), choices: [cell(1), cell(2), cell(3), cell(4)], answer: parsed.data };
  });
}

const hfRowSchema = z.object({
  question: z.string(),
  subject: z.string().min(1),
  choices: z.array(z.string()).length(4),
  answer: z.union([z.number().int().min(0).max(3), letterSchema]),
});

async function hfTasks(dir: string): Promise<MmluTask[]> {
  const files = walk(dir).filter((f) => /\.(parquet|jsonl)$/.test(f));
  const of = (split: string) => files.filter((f) => basename(f).startsWith(split)).sort();
  if (of("test").length === 0)
    throw new InputError(
      `${dir}: no test/ folder (CSV layout) and no test*.parquet or test*.jsonl (Hugging Face layout)`,
    );
  const dev = new Map<string, MmluQuestion[]>();
  for (const file of of("dev"))
    for (const row of await hfRows(file)) dev.set(row.subject, [...(dev.get(row.subject) ?? []), row]);
  const tasks: MmluTask[] = [];
  const counts = new Map<string, number>();
  for (const file of of("test"))
    for (const row of await hfRows(file)) {
      const index = counts.get(row.subject) ?? 0;
      counts.set(row.subject, index + 1);
      tasks.push({ ...row, id: `${row.subject}/${index}`, shots: (dev.get(row.subject) ?? []).slice(0, 5) });
    }
  return tasks;
}

async function hfRows(file: string): Promise<(MmluQuestion & { subject: string })[]> {
  const records: unknown[] = file.endsWith(".parquet")
    ? await parquetReadObjects({ file: await asyncBufferFromFile(file) })
    : readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (line.trim() ? [parseLine(file, i + 1, line, z.unknown()).value] : []));
  return records.map((record, i) => {
    const parsed = hfRowSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${file}:${i + 1}: ${issue?.path.join(".") || "record"}: ${issue?.message}`);
    }
    const { answer, ...rest } = parsed.data;
    return {
      ...rest,
      answer: typeof answer === "number" ? (letters[answer] as MmluQuestion["answer"]) : answer,
    };
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
