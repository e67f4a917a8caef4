// The gold side of an episode for the viewer: the run's task file (named in run.json) is read once per
// run, and each env says what a correct episode must produce.
import { existsSync } from "node:fs";
import { getEnvSpec } from "../envs/index.js";
import { readRunIdentity } from "../runner/index.js";

export type GoldLookup = (taskId: string) => Record<string, unknown> | string;

/** A lookup of gold facts by task id, or a sentence saying why there are none. */
export async function loadGold(dir: string, env: string): Promise<GoldLookup> {
  const spec = getEnvSpec(env);
  const identity = readRunIdentity(dir);
  const file = typeof identity?.tasks === "string" ? identity.tasks : undefined;
  const gold = spec.gold;
  if (!gold) return () => `the ${env} env does not describe its gold answers`;
  if (!file)
    return () => "this run records no task file (run.json is missing: written by an older agenttune)";
  if (!existsSync(file)) return () => `the task file ${file} is no longer there`;
  const tasks = new Map<string, unknown>();
  try {
    const scripts = typeof identity?.scripts === "string" ? identity.scripts : undefined;
    for await (const task of spec.loadTasks(file, { scripts })) tasks.set(spec.taskId(task), task);
  } catch (error) {
    const reason = `the task file ${file} cannot be read: ${(error as Error).message}`;
    return () => reason;
  }
  return (taskId) => {
    const task = tasks.get(taskId);
    return task === undefined ? `task ${taskId} is not in ${file}` : gold(task);
  };
}
