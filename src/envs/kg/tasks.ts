// AgentBench knowledgegraph records, loaded unchanged: question, entities (name → mid), s_expression,
// gold actions and answers. agenttune's generated tasks use the same shape.
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";

export const kgTaskSchema = z
  .object({
    qid: z.string(),
    question: z.string(),
    source: z.string().optional(),
    entities: z.record(z.string(), z.string()),
    s_expression: z.string().optional(),
    actions: z.array(z.string()).default([]),
    answer: z.array(
      z
        .object({ answer_type: z.string(), answer_argument: z.string(), entity_name: z.string().optional() })
        .passthrough(),
    ),
  })
  .passthrough();
export type KgTask = z.infer<typeof kgTaskSchema>;

export async function* loadKgTasks(file: string): AsyncGenerator<KgTask> {
  const records = await readRecords(file, kgTaskSchema);
  if (records.length === 0) throw new InputError(`${file}: no tasks`);
  for (const { value } of records) yield value;
}

export const goldAnswers = (task: KgTask) => new Set(task.answer.map((a) => a.answer_argument));
