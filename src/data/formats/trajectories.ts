// Our own trajectories.jsonl (one Trajectory per line), read from a file or a run's output dir.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Trajectory } from "../../core/index.js";
import { InputError, readJsonlAll, trajectorySchema, writeJsonlFile } from "../../core/index.js";

/** A trajectories file, or a dir holding trajectories.jsonl or results.jsonl. */
export function trajectoriesPath(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) {
    for (const name of ["trajectories.jsonl", "results.jsonl"]) {
      if (existsSync(join(path, name))) return join(path, name);
    }
    throw new InputError(`${path}: no trajectories.jsonl or results.jsonl in this directory`);
  }
  return path;
}

export async function readTrajectories(path: string): Promise<Trajectory[]> {
  const file = trajectoriesPath(path);
  return (await readJsonlAll(file, trajectorySchema, { tolerateTornTail: true })).map((r) => r.value);
}

export function writeTrajectories(file: string, trajectories: readonly Trajectory[]): void {
  writeJsonlFile(file, trajectories);
}

/** Stable order for outputs that must not depend on concurrency: env, task id, sample. */
export function sortTrajectories(trajectories: readonly Trajectory[]): Trajectory[] {
  const key = (t: Trajectory) => {
    const sample = Number(t.id.split("/").at(-1) ?? 0);
    return [t.env, t.taskId, sample] as const;
  };
  return [...trajectories].sort((a, b) => {
    const [ea, ta, sa] = key(a);
    const [eb, tb, sb] = key(b);
    return ea.localeCompare(eb) || ta.localeCompare(tb, undefined, { numeric: true }) || sa - sb;
  });
}
