// ScienceWorld episodes: a task (by name, or by AgentTuning's task number = its index in the simulator's
// alphabetical getTaskNames()) and a variation. The default set is the 270 test variations AgentTuning
// evaluated (eval_utils.py load_variation: the test split, at most 10 per task, 9 for task 15 and 5 for
// task 25, after random.seed(1) and a shuffle), listed here as numbers, not recomputed.
import { existsSync } from "node:fs";
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";

/** TaskMaker1.scala getTaskNames(), sorted: the index is AgentTuning's task_num and prompt.json key. */
export const sciworldTaskNames = [
  "boil",
  "change-the-state-of-matter-of",
  "chemistry-mix",
  "chemistry-mix-paint-secondary-color",
  "chemistry-mix-paint-tertiary-color",
  "find-animal",
  "find-living-thing",
  "find-non-living-thing",
  "find-plant",
  "freeze",
  "grow-fruit",
  "grow-plant",
  "identify-life-stages-1",
  "identify-life-stages-2",
  "inclined-plane-determine-angle",
  "inclined-plane-friction-named-surfaces",
  "inclined-plane-friction-unnamed-surfaces",
  "lifespan-longest-lived",
  "lifespan-longest-lived-then-shortest-lived",
  "lifespan-shortest-lived",
  "measure-melting-point-known-substance",
  "measure-melting-point-unknown-substance",
  "melt",
  "mendelian-genetics-known-plant",
  "mendelian-genetics-unknown-plant",
  "power-component",
  "power-component-renewable-vs-nonrenewable-energy",
  "test-conductivity",
  "test-conductivity-of-unknown-substances",
  "use-thermometer",
] as const;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const findSet = [227, 229, 241, 243, 248, 260, 261, 281, 289, 295];
const growSet = [94, 95, 98, 100, 103, 109, 110, 115, 120, 123];
const lifespanSet = [94, 97, 98, 100, 103, 104, 109, 110, 119, 121];

/** The variations AgentTuning ran per task (270 in all). */
export const agenttuningTestVariations: Record<(typeof sciworldTaskNames)[number], number[]> = {
  boil: range(21, 29),
  "change-the-state-of-matter-of": range(21, 29),
  "chemistry-mix": range(24, 31),
  "chemistry-mix-paint-secondary-color": range(27, 35),
  "chemistry-mix-paint-tertiary-color": range(27, 35),
  "find-animal": findSet,
  "find-living-thing": findSet,
  "find-non-living-thing": findSet,
  "find-plant": findSet,
  freeze: range(21, 29),
  "grow-fruit": growSet,
  "grow-plant": growSet,
  "identify-life-stages-1": range(9, 13),
  "identify-life-stages-2": range(6, 9),
  "inclined-plane-determine-angle": [127, 128, 131, 135, 137, 143, 153, 159, 165, 166],
  "inclined-plane-friction-named-surfaces": [1127, 1241, 1274, 1312, 1332, 1341, 1366, 1369, 1370],
  "inclined-plane-friction-unnamed-surfaces": [121, 122, 125, 129, 131, 137, 147, 153, 159, 160],
  "lifespan-longest-lived": lifespanSet,
  "lifespan-longest-lived-then-shortest-lived": lifespanSet,
  "lifespan-shortest-lived": lifespanSet,
  "measure-melting-point-known-substance": [331, 336, 337, 347, 350, 363, 366, 388, 417, 431],
  "measure-melting-point-unknown-substance": findSet,
  melt: range(21, 29),
  "mendelian-genetics-known-plant": [91, 95, 97, 100, 101, 106, 110, 113, 116, 119],
  "mendelian-genetics-unknown-plant": [364, 370, 380, 398, 401, 428, 439, 441, 450, 479],
  "power-component": range(15, 19),
  "power-component-renewable-vs-nonrenewable-energy": range(15, 19),
  "test-conductivity": [715, 718, 742, 758, 834, 848, 862, 863, 867, 898],
  "test-conductivity-of-unknown-substances": [458, 459, 490, 499, 507, 526, 534, 583, 588, 593],
  "use-thermometer": [414, 450, 471, 477, 498, 510, 516, 534, 535, 537],
};

export const sciworldTaskSchema = z
  .object({
    /** A task name, or AgentTuning's task number (0–29). */
    task: z.union([z.string().min(1), z.number().int().min(0).max(29)]),
    variation: z.number().int().nonnegative(),
    /** AgentGym's server addresses a variation by one index over all tasks. */
    data_idx: z.number().int().nonnegative().optional(),
    /** For test servers: the actions that solve the task (the simulator's gold path). */
    gold_actions: z.array(z.string()).optional(),
  })
  .passthrough();
export type SciworldTask = z.infer<typeof sciworldTaskSchema>;

export function taskName(task: SciworldTask): string {
  return typeof task.task === "number" ? (sciworldTaskNames[task.task] as string) : task.task;
}

/** AgentTuning's task number (prompt.json key), or undefined for a task the simulator does not list. */
export function taskNumber(task: SciworldTask): number | undefined {
  const index = sciworldTaskNames.indexOf(taskName(task) as (typeof sciworldTaskNames)[number]);
  return index < 0 ? undefined : index;
}

export function sciworldTaskId(task: SciworldTask): string {
  return `${taskName(task)}:${task.variation}`;
}

/** The name `--tasks` takes for the built-in set. */
export const agenttuningTestSet = "agenttuning-test";

/** `agenttuning-test` (the 270 episodes) or a JSONL file of {task, variation}. */
export async function* loadSciworldTasks(source: string): AsyncGenerator<SciworldTask> {
  if (source === agenttuningTestSet) {
    for (const [task, variations] of Object.entries(agenttuningTestVariations))
      for (const variation of variations) yield { task, variation };
    return;
  }
  if (!existsSync(source))
    throw new InputError(`${source}: not found (or pass --tasks ${agenttuningTestSet})`);
  for (const { value } of await readRecords(source, sciworldTaskSchema)) yield value;
}
