// HotpotQA records in the distractor format (the JSON files, AgentTuning's converted JSONL, or the
// Hugging Face layout), loaded unchanged; only question, answer and context are used.
import { basename } from "node:path";
import { z } from "zod";
import { readRecords } from "../../core/index.js";
import { questionFiles } from "../lib/offline-wiki.js";

const contextSchema = z.union([
  z.array(z.tuple([z.string(), z.array(z.string())])),
  z.object({ title: z.array(z.string()), sentences: z.array(z.array(z.string())) }),
]);

const supportingFactsSchema = z.union([
  z.array(z.tuple([z.string(), z.number()])),
  z.object({ title: z.array(z.string()), sent_id: z.array(z.number()) }),
]);

export const hotpotTaskSchema = z
  .object({
    /** `_id` in HotpotQA's JSON files, `id` in the Hugging Face and AgentTuning JSONL copies. */
    id: z.string().optional(),
    _id: z.string().optional(),
    question: z.string().min(1),
    answer: z.string(),
    type: z.string().optional(),
    level: z.string().optional(),
    supporting_facts: supportingFactsSchema.optional(),
    context: contextSchema,
  })
  .passthrough();
export type HotpotTask = z.infer<typeof hotpotTaskSchema>;

export function hotpotTaskId(task: HotpotTask): string {
  return task.id ?? task._id ?? "";
}

/** The distinct titles of the supporting facts, in order (the pages an answer needs). */
export function supportingTitles(task: HotpotTask): string[] {
  const facts = task.supporting_facts;
  const titles = !facts ? [] : Array.isArray(facts) ? facts.map(([title]) => title) : facts.title;
  return [...new Set(titles)];
}

/**
 * A JSON array or JSONL file of HotpotQA records, or a folder of them (easy, medium, hard first); a
 * record without an id gets `file:line`.
 */
export async function* loadHotpotTasks(source: string): AsyncGenerator<HotpotTask> {
  for (const file of questionFiles(source))
    for (const { line, value } of await readRecords(file, hotpotTaskSchema)) {
      yield { ...value, id: hotpotTaskId(value) || `${basename(file)}:${line}` };
    }
}
