// Runs tasks × model with bounded concurrency into a resumable output dir (results.jsonl + summary.json).
import { setMaxListeners } from "node:events";
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { type HistoryPolicy, runEpisode } from "../agent/index.js";
import type { Trajectory } from "../core/index.js";
import {
  AppendLog,
  InfrastructureFailure,
  InputError,
  readJsonlAll,
  trajectorySchema,
} from "../core/index.js";
import type { EnvBackend, EnvSpec, Protocol } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";
import { checkRunIdentity, type RunIdentity } from "./run-identity.js";
import { RunLock } from "./run-lock.js";
import { type RunSummary, summarize, writeSummary } from "./summary.js";

/** Infrastructure failures in a row (no result between them) after which a run stops. */
export const defaultMaxConsecutiveFailures = 5;

export interface RunProgress {
  done: number;
  total: number;
  succeeded: number;
  /** Episodes found finished in the output dir when the run started. */
  resumed: number;
  /** Episodes this run could not finish because the model server or env backend failed. */
  failed: number;
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
  /**
   * What this run measures (task file and hash, selection, sampling…), recorded in run.json and
   * checked on resume; env, model and the sampling options given here are always part of it.
   */
  identity?: RunIdentity;
  /** Recorded in summary.json: the AgentBench version the env reproduced. */
  protocol?: Protocol;
  /** Recorded in summary.json: "agentbench:<dir>" when the prompts came from a checkout, else "agenttune". */
  prompts?: string | (() => string | undefined);
  /** Move an existing outDir aside (to `<outDir>.replaced-<time>`) and start over. */
  forceNew?: boolean;
  /** Stop after this many infrastructure failures in a row. */
  maxConsecutiveFailures?: number;
  /** Aborting stops new episodes, cancels running ones (not recorded) and writes the summary. */
  signal?: AbortSignal;
  /**
   * Runs one episode somewhere else (a queue's workers) instead of here with `model` and `backend`;
   * throws an InfrastructureFailure when it could not.
   */
  execute?: (task: Task, sample: number, episodeId: string, signal: AbortSignal) => Promise<Trajectory>;
  /** "tools": act through function calls on the env's actions. */
  actionFormat?: "react" | "tools";
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
  identity,
  protocol,
  prompts,
  forceNew = false,
  maxConsecutiveFailures = defaultMaxConsecutiveFailures,
  signal,
  execute,
  actionFormat,
}: RunTasksOptions<Task>): Promise<RunSummary> {
  if (forceNew) moveAside(outDir);
  mkdirSync(outDir, { recursive: true });
  const lock = RunLock.acquire(outDir);
  try {
    checkRunIdentity(outDir, {
      env: spec.name,
      model: model.id,
      samples,
      temperature,
      maxTurns,
      maxTokens,
      maxPromptTokens: history?.maxPromptTokens,
      ...identity,
    });
    return await runLocked();
  } finally {
    lock.release();
  }

  async function runLocked(): Promise<RunSummary> {
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
    let errorLog: AppendLog | undefined; // opened on the first failure: most runs have none
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
      failed: 0,
    };
    onProgress?.(progress);

    // a systematic failure stops the run: running episodes are cancelled and nothing new starts
    const stop = new AbortController();
    const episodeSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    // every episode in flight listens to it (a model request's lifetime each): no limit to warn at
    setMaxListeners(0, episodeSignal);
    let stopReason: string | undefined;
    let lastFailure: InfrastructureFailure | undefined;
    let inARow = 0;
    const failed = (failure: InfrastructureFailure) => {
      errorLog ??= new AppendLog(join(outDir, "errors.jsonl"));
      errorLog.append({
        id: failure.episodeId,
        source: failure.source,
        ...(failure.status !== undefined ? { status: failure.status } : {}),
        error: failure.message,
        at: new Date().toISOString(),
      });
      progress.failed++;
      lastFailure = failure;
      inARow++;
      if (stopReason) return;
      if (failure.systematic) stopReason = `${failure.message} (no retry can fix this)`;
      else if (inARow >= maxConsecutiveFailures)
        stopReason = `${inARow} episodes in a row failed on infrastructure; last: ${failure.message}`;
      if (stopReason) stop.abort();
    };

    const limit = pLimit(concurrency);
    try {
      await Promise.all(
        jobs.map(({ task, sample }) =>
          limit(async () => {
            if (episodeSignal.aborted) return;
            let result: Trajectory;
            try {
              result = execute
                ? await execute(task, sample, `${spec.name}/${spec.taskId(task)}/${sample}`, episodeSignal)
                : await runEpisode({
                    spec,
                    backend,
                    task,
                    model,
                    sample,
                    temperature,
                    maxTurns,
                    maxTokens,
                    history,
                    infrastructureFailures: "throw",
                    signal: episodeSignal,
                    ...(actionFormat ? { actionFormat } : {}),
                  });
            } catch (error) {
              if (!InfrastructureFailure.isInstance(error)) throw error;
              if (!episodeSignal.aborted) {
                failed(error);
                onProgress?.(progress);
              }
              return; // not a result: retried when the run is resumed
            }
            if (episodeSignal.aborted) return; // cancelled mid-episode: leave it for the resumed run
            if (finished.has(result.id)) return; // a job that ran twice: its episode is recorded once
            finished.add(result.id);
            inARow = 0;
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
      errorLog?.close();
    }
    const taskMap = new Map(tasks.map((t) => [spec.taskId(t), t]));
    // a resumed dir may hold episodes of tasks outside this run's selection
    const selected = results.filter((r) => taskMap.has(r.taskId));
    const pending = tasks.length * samples - selected.length;
    const incomplete =
      pending <= 0
        ? undefined
        : {
            reason: stopReason
              ? `stopped: ${stopReason}`
              : signal?.aborted
                ? "interrupted"
                : `${progress.failed} episodes failed on infrastructure (last: ${lastFailure?.message}); re-run to retry them`,
            pending,
            stopped: stopReason !== undefined,
          };
    const summary = summarize({
      spec,
      backend: backend.name,
      model: model.id,
      protocol,
      prompts: typeof prompts === "function" ? prompts() : prompts,
      results: selected,
      tasks: taskMap,
      durationMs: Date.now() - started,
      complete: incomplete === undefined,
      ...(incomplete ? { incomplete } : {}),
    });
    writeSummary(join(outDir, "summary.json"), summary);
    return summary;
  }
}

/** --force-new: keep the old run (renamed), never delete it; refuses while another run writes there. */
function moveAside(dir: string): void {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return;
  RunLock.acquire(dir).release();
  const aside = `${dir}.replaced-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  renameSync(dir, aside);
  process.stderr.write(`agenttune: --force-new: the previous run in ${dir} is now ${aside}\n`);
}
