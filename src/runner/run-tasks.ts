// Runs tasks × model with bounded concurrency into a resumable output dir (results.jsonl + summary.json).
import { existsSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { type HistoryPolicy, runEpisode } from "../agent/index.js";
import type { Trajectory } from "../core/index.js";
import { AppendLog, InputError, readJsonlAll, trajectorySchema } from "../core/index.js";
import type { EnvBackend, EnvSpec } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";
import { type RunSummary, summarize, writeSummary } from "./summary.js";

export interface RunProgress {
  done: number;
  total: number;
  succeeded: number;
  /** Episodes found finished in the output dir when the run started. */
  resumed: number;
  last?: Trajectory;
}

export interface RunTasksOptions<Task> {
  spec: EnvSpec<Task>;
  backend: EnvBackend<Task>;
  tasks: readonly Task[];
  model: ChatModel;
  /** Output directory; results.jsonl there is appended to and its finished episodes are skipped. */
  outDir: string;
  /** Episodes in flight at once. */
  concurrency?: number;
  /** File name of the trajectory log in outDir. */
  resultsFile?: string;
  /** Samples per task (data collection); episode ids end in /0, /1, …. */
  samples?: number;
  temperature?: number;
  maxTurns?: number;
  maxTokens?: number;
  history?: HistoryPolicy;
  onProgress?: (progress: RunProgress) => void;
  /** Aborting stops new episodes, cancels running ones (not recorded) and writes the summary. */
  signal?: AbortSignal;
}

export async function runTasks<Task>({
  spec,
  backend,
  tasks,
  model,
  outDir,
  resultsFile: resultsName = "results.jsonl",
  concurrency = 4,
  samples = 1,
  temperature = 0,
  maxTurns,
  maxTokens,
  history,
  onProgress,
  signal,
}: RunTasksOptions<Task>): Promise<RunSummary> {
  const resultsFile = join(outDir, resultsName);
  const log = new AppendLog(resultsFile); // cuts a line torn by a crash before we read
  const previous = existsSync(resultsFile) ? await readJsonlAll(resultsFile, trajectorySchema) : [];
  const results: Trajectory[] = previous.map((r) => r.value);
  const otherModel = results.find((r) => r.model !== model.id);
  if (otherModel) {
    log.close();
    throw new InputError(
      `${resultsFile}:${previous[results.indexOf(otherModel)]?.line}: model: holds results of "${otherModel.model}", not "${model.id}"; use another --out`,
    );
  }
  const finished = new Set(results.map((r) => r.id));
  const started = Date.now();

  const jobs = tasks.flatMap((task) =>
    Array.from({ length: samples }, (_, sample) => ({ task, sample })).filter(
      ({ sample }) => !finished.has(`${spec.name}/${spec.taskId(task)}/${sample}`),
    ),
  );
  const progress: RunProgress = {
    done: results.length,
    total: results.length + jobs.length,
    succeeded: results.filter((r) => r.success).length,
    resumed: results.length,
  };
  onProgress?.(progress);

  const limit = pLimit(concurrency);
  try {
    await Promise.all(
      jobs.map(({ task, sample }) =>
        limit(async () => {
          if (signal?.aborted) return;
          const result = await runEpisode({
            spec,
            backend,
            task,
            model,
            sample,
            temperature,
            maxTurns,
            maxTokens,
            history,
            signal,
          });
          if (signal?.aborted) return; // cancelled mid-episode: leave it for the resumed run
          log.append(result);
          results.push(result);
          progress.done++;
          if (result.success) progress.succeeded++;
          progress.last = result;
          onProgress?.(progress);
        }),
      ),
    );
  } finally {
    log.close();
  }
  const taskMap = new Map(tasks.map((t) => [spec.taskId(t), t]));
  const summary = summarize({
    spec,
    backend: backend.name,
    model: model.id,
    // a resumed dir may hold episodes of tasks outside this run's selection (e.g. a larger --limit)
    results: results.filter((r) => taskMap.has(r.taskId)),
    tasks: taskMap,
    durationMs: Date.now() - started,
    complete: !signal?.aborted && results.length >= tasks.length * samples,
  });
  writeSummary(join(outDir, "summary.json"), summary);
  return summary;
}
