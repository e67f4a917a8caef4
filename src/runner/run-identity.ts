// run.json: what a run dir measures (env, task file and its hash, selection, model, sampling). A
// re-run into the same dir must measure the same thing, or its resumed results would mix two runs.
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative, resolve } from "node:path";
import { z } from "zod";
import { InputError } from "../core/index.js";

/** Flat facts; undefined ones are left out, so adding an option later does not break old dirs. */
export type RunIdentity = Record<string, string | number | boolean | undefined>;

const runFileSchema = z.object({
  identity: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.string(),
});

/** Content hash of a task file, or of a folder's file names and sizes. */
export async function taskSourceHash(path: string): Promise<string> {
  const hash = createHash("sha256");
  if (statSync(path).isDirectory()) {
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const child = join(dir, name);
        const stat = statSync(child);
        if (stat.isDirectory()) walk(child);
        else hash.update(`${relative(path, child)}\0${stat.size}\n`);
      }
    };
    walk(path);
  } else {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex").slice(0, 16);
}

/** Identity facts of a task file: its absolute path and content hash. */
export async function taskFileIdentity(path: string): Promise<RunIdentity> {
  // a built-in task set named instead of a file (sciworld's agenttuning-test) is its own identity
  if (!existsSync(path)) return { tasks: path };
  return { tasks: resolve(path), tasksHash: await taskSourceHash(path) };
}

function defined(identity: RunIdentity): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}

/**
 * Records `identity` in dir/run.json, or checks it against the one recorded: a difference is an
 * error naming each changed fact. A dir with results but no run.json (older agenttune) adopts it.
 */
export function checkRunIdentity(dir: string, identity: RunIdentity): void {
  const file = join(dir, "run.json");
  const now = defined(identity);
  if (existsSync(file)) {
    let recorded: Record<string, string | number | boolean>;
    try {
      recorded = runFileSchema.parse(JSON.parse(readFileSync(file, "utf8"))).identity;
    } catch (error) {
      throw new InputError(
        `${file}: not a run record (${(error as Error).message.split("\n")[0]}); use another --out, or --force-new to start over`,
      );
    }
    const changed = [...new Set([...Object.keys(recorded), ...Object.keys(now)])]
      .filter((key) => recorded[key] !== now[key])
      .map((key) => `${key} ${show(recorded[key])} → ${show(now[key])}`);
    if (changed.length > 0) {
      throw new InputError(
        `${dir}: this folder holds a run with other settings (${changed.join("; ")}); use another --out, or --force-new to start over`,
      );
    }
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ identity: now, createdAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(tmp, file);
}

function show(value: string | number | boolean | undefined): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}

/** The identity recorded in dir/run.json, or undefined for a dir without one (older agenttune). */
export function readRunIdentity(dir: string): Record<string, string | number | boolean> | undefined {
  try {
    return runFileSchema.parse(JSON.parse(readFileSync(join(dir, "run.json"), "utf8"))).identity;
  } catch {
    return undefined;
  }
}
