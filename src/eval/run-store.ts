// Reads run directories for reports, comparisons and the viewer: summary.json plus a digest of each
// episode, streamed from results.jsonl so that memory stays small for runs of 100k episodes.
import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { InputError, type Trajectory, trajectorySchema } from "../core/index.js";
import { type RunSummary, readableResultsFormatVersions, resultsFormatVersion } from "../runner/index.js";
import { analyzeFailure, type FailureKind } from "./failure-analysis.js";

export interface EpisodeDigest {
  /** Where the episode's line sits in the results file, to read it back alone. */
  offset: number;
  length: number;
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
  file: string;
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
  if (!readableResultsFormatVersions.includes(summary.formatVersion)) {
    throw new InputError(
      `${file}: results format version ${summary.formatVersion ?? "(none: written before versions)"}; this agenttune reads versions ${readableResultsFormatVersions.join(" and ")} (writes ${resultsFormatVersion}). Re-run the evaluation into a new folder`,
    );
  }
  return summary;
}

/**
 * Streams results.jsonl into episode digests with their byte offsets (the conversations are not kept);
 * checks that every line is a trajectory of the summary's model.
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const summary = readSummary(dir);
  const file = ["results.jsonl", "trajectories.jsonl"].map((n) => join(dir, n)).find(existsSync);
  if (!file) throw new InputError(`${dir}: no results.jsonl`);
  const episodes: EpisodeDigest[] = [];
  let lineNo = 0;
  const add = (line: Buffer, offset: number) => {
    lineNo++;
    if (line.length === 0) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line.toString("utf8"));
    } catch {
      return; // a torn last line of an interrupted run
    }
    const parsed = trajectorySchema.safeParse(raw);
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
      offset,
      length: line.length,
      id: t.id,
      taskId: t.taskId,
      success: t.success,
      reward: t.reward,
      turns: t.turns,
      durationMs: t.durationMs,
      ...(failure ? { failure } : {}),
    });
  };
  let position = 0;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const base = position - carry.length;
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      add(data.subarray(start, nl), base + start);
      start = nl + 1;
    }
    // copy the unfinished line: a view would keep the whole chunk alive
    carry = Buffer.from(data.subarray(start));
    position += chunk.length;
  }
  add(carry, position - carry.length);
  return { dir, file, summary, episodes };
}

/** Reads one episode's line back from disk. */
export function readEpisode(
  run: Pick<LoadedRun, "file">,
  episode: Pick<EpisodeDigest, "offset" | "length">,
): Trajectory {
  const fd = openSync(run.file, "r");
  try {
    const buffer = Buffer.alloc(episode.length);
    readSync(fd, buffer, 0, episode.length, episode.offset);
    return trajectorySchema.parse(JSON.parse(buffer.toString("utf8")));
  } finally {
    closeSync(fd);
  }
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
