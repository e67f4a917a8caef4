// MiniWoB++ episodes to run: a task name (a page miniwob/{task}.html) and the seed its episode starts
// from. Loaded from the RCI prompt folder (its available_tasks.txt, AgentTuning's 46 tasks), a task
// list (.txt, one name per line) or a JSONL file of {task, seed}; a list gives `episodes` seeds per task.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";

export const miniwobTaskSchema = z.object({
  /** The page's name, e.g. "click-button" (miniwob/click-button.html). */
  task: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a MiniWoB++ task name such as click-button"),
  /** Math.seedrandom's seed: the same seed gives the same episode. */
  seed: z.number().int().nonnegative(),
});
export type MiniwobTask = z.infer<typeof miniwobTaskSchema>;

/** AgentTuning's episodes per task (eval-tgi.sh --num-episodes 10). */
export const defaultEpisodes = 10;

export function miniwobTaskId(task: MiniwobTask): string {
  return `${task.task}:${task.seed}`;
}

/** One task name per line (available_tasks.txt); blank lines are skipped. */
export function readTaskList(file: string): string[] {
  const names: string[] = [];
  for (const [i, raw] of readFileSync(file, "utf8").split("\n").entries()) {
    const name = raw.trim();
    if (!name) continue;
    const parsed = miniwobTaskSchema.shape.task.safeParse(name);
    if (!parsed.success) throw new InputError(`${file}:${i + 1}: "${name}" is not a MiniWoB++ task name`);
    names.push(name);
  }
  return names;
}

/**
 * Episodes from a folder holding available_tasks.txt, a task list, or JSONL {task, seed} records. A
 * list runs each task `episodes` times, seeds 0, 1, …, so runs are reproducible (the original draws
 * an unrecorded random seed per episode).
 */
export async function* loadMiniwobTasks(
  source: string,
  { episodes = defaultEpisodes }: { episodes?: number } = {},
): AsyncGenerator<MiniwobTask> {
  if (!existsSync(source)) throw new InputError(`${source}: not found`);
  let list = source;
  if (statSync(source).isDirectory()) {
    list = join(source, "available_tasks.txt");
    if (!existsSync(list))
      throw new InputError(`${source}: no available_tasks.txt (expected AgentTuning's miniwob++ RCI folder)`);
  }
  if (/\.jsonl?$/i.test(list)) {
    for (const { value } of await readRecords(list, miniwobTaskSchema)) yield value;
    return;
  }
  for (const task of readTaskList(list)) for (let seed = 0; seed < episodes; seed++) yield { task, seed };
}
