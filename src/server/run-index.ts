// An on-disk index of a run's results.jsonl: byte offsets and a few fields per episode, so a viewer can
// filter and page runs of 100k episodes and read one episode at a time without loading the file.
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { InputError, type Trajectory, trajectorySchema } from "../core/index.js";
import { analyzeFailure, type FailureKind } from "../eval/index.js";
import type { RunSummary } from "../runner/index.js";

export interface IndexedEpisode {
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

export interface RunIndex {
  name: string;
  dir: string;
  file: string;
  summary: RunSummary;
  episodes: IndexedEpisode[];
}

export async function indexRun(dir: string, name: string): Promise<RunIndex> {
  const file = ["results.jsonl", "trajectories.jsonl"].map((n) => join(dir, n)).find(existsSync);
  if (!file) throw new InputError(`${dir}: no results.jsonl`);
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as RunSummary;
  const episodes: IndexedEpisode[] = [];
  let offset = 0;
  let carry: Buffer = Buffer.alloc(0);
  const add = (line: Buffer, start: number) => {
    if (line.length === 0) return;
    try {
      const t = JSON.parse(line.toString("utf8")) as Trajectory;
      const failure = analyzeFailure(t);
      episodes.push({
        offset: start,
        length: line.length,
        id: t.id,
        taskId: t.taskId,
        success: t.success,
        reward: t.reward,
        turns: t.turns,
        durationMs: t.durationMs,
        ...(failure ? { failure } : {}),
      });
    } catch {
      // a torn last line of an interrupted run is not an episode
    }
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const base = offset - carry.length;
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      add(data.subarray(start, nl), base + start);
      start = nl + 1;
    }
    // copy the unfinished line: keeping a view would pin the whole chunk
    carry = Buffer.from(data.subarray(start));
    offset += chunk.length;
  }
  add(carry, offset - carry.length);
  return { name, dir, file, summary, episodes };
}

/** Reads one episode's line from disk. */
export function readEpisode(index: RunIndex, episode: IndexedEpisode): Trajectory {
  const fd = openSync(index.file, "r");
  try {
    const buffer = Buffer.alloc(episode.length);
    readSync(fd, buffer, 0, episode.length, episode.offset);
    return trajectorySchema.parse(JSON.parse(buffer.toString("utf8")));
  } finally {
    closeSync(fd);
  }
}
