// GSM8K records as OpenAI's grade-school-math JSONL has them: question, and an answer whose last line
// is "#### <number>".
import { z } from "zod";
import { InputError, readJsonl } from "../../core/index.js";
import { goldAnswer } from "./answer.js";

export const gsm8kTaskSchema = z
  .object({
    question: z.string().min(1),
    answer: z.string().refine((a) => goldAnswer(a) !== undefined, 'no "#### <number>" line'),
    /** The record's line in its file (agenttune's id: GSM8K records have none). */
    id: z.string().optional(),
  })
  .passthrough();
export type Gsm8kTask = z.infer<typeof gsm8kTaskSchema>;

export const gsm8kTaskId = (task: Gsm8kTask) => task.id ?? task.question.slice(0, 40);

export async function* loadGsm8kTasks(file: string): AsyncIterable<Gsm8kTask> {
  let count = 0;
  for await (const { value, line } of readJsonl(file, gsm8kTaskSchema)) {
    count++;
    yield { ...value, id: value.id ?? `line-${line}` };
  }
  if (count === 0) throw new InputError(`${file}: no GSM8K records`);
}
