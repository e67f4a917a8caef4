// HumanEval problems as OpenAI's human-eval ships them (HumanEval.jsonl, or .jsonl.gz): task_id, the
// prompt (signature and docstring), the canonical solution, the test code and the entry point.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { InputError, parseLine, readJsonl } from "../../core/index.js";

export const humanevalTaskSchema = z
  .object({
    task_id: z.string().min(1),
    prompt: z.string().min(1),
    canonical_solution: z.string(),
    test: z.string().min(1),
    entry_point: z.string().regex(/^[A-Za-z_]\w*$/, "not a Python function name"),
  })
  .passthrough();
export type HumanevalTask = z.infer<typeof humanevalTaskSchema>;

export async function* loadHumanevalTasks(file: string): AsyncIterable<HumanevalTask> {
  let count = 0;
  if (file.endsWith(".gz")) {
    const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n");
    for (const [i, text] of lines.entries()) {
      if (text.trim() === "") continue;
      count++;
      yield parseLine(file, i + 1, text, humanevalTaskSchema).value;
    }
  } else {
    for await (const { value } of readJsonl(file, humanevalTaskSchema)) {
      count++;
      yield value;
    }
  }
  if (count === 0) throw new InputError(`${file}: no HumanEval problems`);
}
