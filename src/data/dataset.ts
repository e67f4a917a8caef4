// Reads training data in any format agenttune writes: trajectories JSONL, or AgentInstruct (a file or a
// dir of per-env splits), as trajectories.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Trajectory } from "../core/index.js";
import { InputError } from "../core/index.js";
import { fromAgentInstruct, readAgentInstruct, readTrajectories } from "./formats/index.js";

export async function readDataset(path: string): Promise<Trajectory[]> {
  if (!existsSync(path)) throw new InputError(`${path}: file not found`);
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path).filter((n) => /\.jsonl?$/.test(n) && !n.includes(".rejected."));
    if (names.some((n) => n === "trajectories.jsonl" || n === "results.jsonl")) return readTrajectories(path);
    const all: Trajectory[] = [];
    for (const name of names.sort()) all.push(...(await readDataset(join(path, name))));
    return all;
  }
  const head = readFileSync(path, "utf8").slice(0, 4096);
  if (/"conversations"\s*:/.test(head)) {
    const env = /^([a-z0-9]+)(?:[-_.].*)?\.jsonl?$/.exec(path.split("/").at(-1) ?? "")?.[1];
    return (await readAgentInstruct(path)).map((r) =>
      fromAgentInstruct(r, env && !/_\d+$/.test(r.id) ? env : undefined),
    );
  }
  return readTrajectories(path);
}
