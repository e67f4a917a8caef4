// Reads run directories for reports, comparisons and the viewer: summary.json plus a digest of each
// episode, streamed from results.jsonl so that memory stays small for runs of 100k episodes.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { InputError, trajectorySchema } from "../core/index.js";
import { type RunSummary, resultsFormatVersion } from "../runner/index.js";
import { analyzeFailure, type FailureKind } from "./failure-analysis.js";

export interface EpisodeDigest {
  id: string;
  taskId: string;
  success: boolean;
  reward: number;
  turns: number;
  durationMs: number;
  failure?: FailureKind;
}

export interface LoadedRun {
  dir: string;
  summary: RunSummary;
  episodes: EpisodeDigest[];
}

function readSummary(dir: string): RunSummary {
  const file = join(dir, "summary.json");
  let summary: RunSummary;
  try {
    summary = JSON.parse(readFileSync(file, "utf8")) as RunSummary;
  } catch (error) {
    throw new InputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  if (summary.formatVersion !== resultsFormatVersion) {
    throw new InputError(
      `${file}: results format version ${summary.formatVersion ?? "(none: written before versions)"}; this agenttune reads version ${resultsFormatVersion}. Re-run the evaluation into a new folder`,
    );
  }
  return summary;
}

/** Streams results.jsonl into episode digests; checks that one model wrote them all. */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const summary = readSummary(dir);
  const file = ["results.jsonl", "trajectories.jsonl"].map((n) => join(dir, n)).find(existsSync);
  if (!file) throw new InputError(`${dir}: no results.jsonl`);
  const episodes: EpisodeDigest[] = [];
  const lines = createInterface({
    input: createReadStream(file, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let parsed: ReturnType<typeof trajectorySchema.safeParse>;
    try {
      parsed = trajectorySchema.safeParse(JSON.parse(line));
    } catch {
      continue; // a torn last line of an interrupted run
    }
    if (!parsed.success)
      throw new InputError(`${file}:${lineNo}: not a trajectory: ${parsed.error.issues[0]?.message}`);
    const t = parsed.data;
    if (t.model !== summary.model) {
      throw new InputError(
        `${file}:${lineNo}: model: "${t.model}" in a run of "${summary.model}"; one model per results dir`,
      );
    }
    const failure = analyzeFailure(t);
    episodes.push({
      id: t.id,
      taskId: t.taskId,
      success: t.success,
      reward: t.reward,
      turns: t.turns,
      durationMs: t.durationMs,
      ...(failure ? { failure } : {}),
    });
  }
  return { dir, summary, episodes };
}

/** Expands paths into run dirs: a run dir (summary.json) or a suite dir (one run dir per env). */
export function findRunDirs(paths: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const path of paths) {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new InputError(`${path}: not a directory`);
    if (existsSync(join(path, "summary.json"))) {
      dirs.push(path);
      continue;
    }
    const children = readdirSync(path)
      .map((name) => join(path, name))
      .filter((child) => statSync(child).isDirectory() && existsSync(join(child, "summary.json")));
    if (children.length === 0) throw new InputError(`${path}: no summary.json here or in its subfolders`);
    dirs.push(...children.sort());
  }
  return dirs;
}
