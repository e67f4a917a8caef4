// Runs a model on one env's task file (evaluation and data collection): load tasks, open the backend,
// run resumably, summarize, close.

import { resolve } from "node:path";
import { resolveModel } from "../agent/index.js";
import { InputError } from "../core/index.js";
import { defaultProtocol, type EnvSpec, envsThatRead, getEnvSpec, type Protocol } from "../envs/index.js";
import type { ChatModel, ParseModelOptions } from "../models/index.js";
import { type BackendSpec, openBackend, promptSourceOf } from "./open-backend.js";
import { createProgressDisplay } from "./progress.js";
import { type EpisodeJobData, queueExecutor, runKeyOf } from "./queue.js";
import { taskFileIdentity } from "./run-identity.js";
import { runTasks } from "./run-tasks.js";
import type { RunSummary } from "./summary.js";

export interface RunEnvTasksOptions {
  /** Env name, e.g. "db". */
  env: string;
  /** Task file in the env's own format. */
  tasks: string;
  /** Folder of scripts the task file refers to (os). */
  scripts?: string;
  /** Model spec (see parseModel) or "oracle", or a ready ChatModel. */
  model: string | ChatModel;
  /** Timeouts and retries for HTTP model specs. */
  modelOptions?: ParseModelOptions;
  /** Output directory (results.jsonl, summary.json); re-running resumes. */
  out: string;
  /** Backend selector of the env, e.g. "sqlite" or a mysql:// URL for db. */
  backend?: string;
  /** The AgentBench version the held-in envs reproduce (default agentbench-old). */
  protocol?: Protocol;
  /** The user's AgentBench checkout: its prompts replace agenttune's wording (default $AGENTBENCH_DIR). */
  agentbench?: string;
  /** An AgentTuning checkout, whose held-out prompts the held-out envs then use. */
  agenttuning?: string;
  /** More corpus files for envs that build one (hotpotqa). */
  corpus?: string[];
  /** Model spec of the judge, for envs scored by an LLM judge (rewoo). */
  judge?: string;
  /** The judge's grading prompt file (rewoo). */
  judgePrompt?: string;
  /** rewoo: model spec behind the LLM tool (default: the model under test). */
  toolModel?: string;
  /** Draw this many tasks as the original harness samples them (rewoo), with `sampleSeed` (default 2024). */
  sample?: number;
  sampleSeed?: number;
  /** Episodes per task where the task file lists tasks, not episodes (miniwob, default 10). */
  episodes?: number;
  /** miniwob: MiniWoB++'s html folder. */
  miniwob?: string;
  /** miniwob: the RCI agent's prompt folder. */
  prompts?: string;
  /** webarena: site URLs, "shopping=URL,gitlab=URL". */
  sites?: string;
  /** sciworld: the ScienceWorld server and its API dialect. */
  sciworld?: string;
  sciworldApi?: "agentgym" | "agenttune";
  concurrency?: number;
  /** Run only the first N tasks. */
  limit?: number;
  roundLimit?: number;
  /** Samples per task (data collection). */
  samples?: number;
  /** Sampling temperature (0 = greedy, as AgentTuning evaluated). */
  temperature?: number;
  /** New tokens per model reply (default: the env's, as its original harness generated). */
  maxTokens?: number;
  /** Name of the trajectory file in `out`. */
  resultsFile?: string;
  /** Drop the oldest turns after the protocol prefix to fit this many (estimated) prompt tokens. */
  maxPromptTokens?: number;
  /** Show progress on stderr. */
  progress?: boolean;
  /** Move an existing run in `out` aside and start over instead of resuming it. */
  forceNew?: boolean;
  /** Stop after this many infrastructure failures in a row (default 5). */
  maxConsecutiveFailures?: number;
  signal?: AbortSignal;
  /** redis://host:port/db: run the episodes on `agenttune worker` processes through this BullMQ queue. */
  queue?: string;
  /** The queue's name (default "agenttune"). */
  queueName?: string;
  /** With a queue: episodes started per minute (or per `rateWindowMs`) across all workers. */
  rateLimit?: number;
  rateWindowMs?: number;
  /** "tools": the model acts through function calls on the env's actions (default "react": text). */
  actionFormat?: "react" | "tools";
}

export async function runEnvTasks({
  env,
  tasks: taskFile,
  scripts,
  model: modelSpec,
  modelOptions,
  out,
  backend: backendSpec,
  protocol = defaultProtocol,
  agentbench = process.env.AGENTBENCH_DIR || undefined,
  agenttuning = process.env.AGENTTUNING_DIR || undefined,
  corpus,
  judge: judgeSpec,
  judgePrompt,
  toolModel: toolModelSpec,
  sample,
  sampleSeed,
  episodes,
  miniwob,
  prompts,
  sites,
  sciworld,
  sciworldApi,
  concurrency = 4,
  limit,
  roundLimit,
  maxPromptTokens,
  samples,
  temperature,
  maxTokens,
  resultsFile,
  progress = true,
  forceNew,
  maxConsecutiveFailures,
  signal,
  queue,
  queueName,
  rateLimit,
  rateWindowMs,
  actionFormat,
}: RunEnvTasksOptions): Promise<RunSummary> {
  const spec = getEnvSpec(env);
  if (protocol === "agentbench-fc" && !spec.callingOracle)
    throw new InputError(
      `--protocol agentbench-fc: ${env} is not part of it (AgentBench's function-calling tasks are db, os, kg, alfworld and webshop)`,
    );
  if (actionFormat === "tools" && !spec.actions?.length && protocol !== "agentbench-fc")
    throw new InputError(`--action-format tools: ${env} declares no actions as tools yet (use react)`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new InputError(`--limit ${limit}: expected a positive whole number`);
  }
  const tasks: unknown[] = [];
  const skipped = new Map<string, number>();
  const onSkip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  try {
    for await (const task of spec.loadTasks(taskFile, {
      scripts,
      sample,
      seed: sampleSeed,
      episodes,
      sites,
      onSkip,
    })) {
      if (limit !== undefined && tasks.length >= limit) break;
      tasks.push(task);
    }
  } catch (error) {
    if (!InputError.isInstance(error) || tasks.length > 0) throw error;
    // the first record already failed: perhaps the file is another env's
    const fits = await envsThatRead(taskFile, env);
    if (fits.length === 0) throw error;
    throw new InputError(
      `${error.message} (this looks like a task file of ${fits.map((f) => `--env ${f}`).join(" or ")}, not --env ${env})`,
    );
  }
  if (skipped.size)
    process.stderr.write(
      `agenttune: ${env}: skipped ${[...skipped.values()].reduce((a, b) => a + b, 0)} tasks (${[...skipped.entries()].map(([why, n]) => `${n} × ${why}`).join("; ")})\n`,
    );
  if (tasks.length === 0)
    throw new InputError(`${taskFile}: no tasks${skipped.size ? " left after the skips above" : ""}`);
  if (modelSpec === "oracle") {
    const notice = oracleGaps(spec, tasks);
    if (notice) process.stderr.write(`agenttune: ${env}: ${notice}\n`);
  }
  const identity = {
    ...(await taskFileIdentity(taskFile)),
    scripts,
    limit,
    roundLimit,
    backend: backendSpec,
    protocol,
    agentbench: agentbench ? resolve(agentbench) : undefined,
    agenttuning: agenttuning ? resolve(agenttuning) : undefined,
    corpus: corpus?.map((f) => resolve(f)).join(","),
    judge: judgeSpec,
    judgePrompt: judgePrompt ? resolve(judgePrompt) : undefined,
    toolModel: toolModelSpec,
    sample,
    sampleSeed,
    episodes,
    miniwob: miniwob ? resolve(miniwob) : undefined,
    prompts: prompts ? resolve(prompts) : undefined,
    sites,
    sciworld,
    sciworldApi,
    actionFormat: actionFormat === "tools" ? actionFormat : undefined,
    // more samples or another temperature is another experiment, not a resume
    samples: samples && samples > 1 ? samples : undefined,
    temperature: temperature ? temperature : undefined,
    maxTokens,
  };
  const opening: BackendSpec = {
    backend: backendSpec,
    roundLimit,
    protocol,
    agentbench,
    agenttuning,
    taskFiles: [resolve(taskFile)],
    corpus: corpus?.map((f) => resolve(f)),
    judge: judgeSpec,
    judgePrompt: judgePrompt ? resolve(judgePrompt) : undefined,
    toolModel: toolModelSpec,
    miniwob: miniwob ? resolve(miniwob) : undefined,
    prompts: prompts ? resolve(prompts) : undefined,
    sites,
    sciworld,
    sciworldApi,
  };
  // what a run is, wherever its episodes run
  const runOptions = {
    spec,
    tasks,
    outDir: out,
    samples,
    temperature,
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    resultsFile,
    signal,
    history: { maxPromptTokens },
    identity,
    protocol,
    forceNew,
    maxConsecutiveFailures,
    ...(actionFormat ? { actionFormat } : {}),
  };
  if (queue) {
    if (typeof modelSpec !== "string")
      throw new InputError("--queue: the model must be a spec string the workers can open");
    return runOnQueue({ queue, queueName, rateLimit, opening, modelSpec });
  }
  const model = typeof modelSpec === "string" ? await resolveModel(modelSpec, spec, modelOptions) : modelSpec;
  const opened = await openBackend(env, opening, modelOptions).catch(async (error) => {
    await model.close?.();
    throw error;
  });
  const backend = opened.backend;
  let display: ReturnType<typeof createProgressDisplay> | undefined;
  try {
    const warning = await backend.preflight?.(tasks);
    if (warning) process.stderr.write(`agenttune: ${warning}\n`);
    display = progress ? createProgressDisplay(`${env} × ${model.id}`) : undefined;
    return await runTasks({
      ...runOptions,
      backend,
      model,
      concurrency,
      // the env says whether it read the checkout (an env without AgentBench prompts keeps its own)
      prompts: promptSourceOf(backend),
      onProgress: display?.update,
    });
  } finally {
    display?.stop();
    await opened.close();
    await model.close?.();
  }

  /** The same run with the episodes on the queue's workers; this process records their results. */
  async function runOnQueue(q: {
    queue: string;
    queueName: string | undefined;
    rateLimit: number | undefined;
    opening: BackendSpec;
    modelSpec: string;
  }): Promise<RunSummary> {
    const model = await resolveModel(q.modelSpec, spec, modelOptions);
    const reported = { name: `queue ${q.queue}`, prompts: undefined as string | undefined };
    const executor = await queueExecutor(
      { url: q.queue, ...(q.queueName ? { name: q.queueName } : {}) },
      runKeyOf(resolve(out), identity),
      q.rateLimit ? { rateLimit: q.rateLimit, ...(rateWindowMs ? { rateWindowMs } : {}) } : {},
    );
    const base: Omit<EpisodeJobData, "task" | "sample"> = {
      env,
      backend: q.opening,
      model: q.modelSpec,
      ...(modelOptions ? { modelOptions } : {}),
      ...(temperature ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(maxPromptTokens ? { maxPromptTokens } : {}),
      ...(actionFormat ? { actionFormat } : {}),
    };
    const display = progress ? createProgressDisplay(`${env} × ${model.id} (queue)`) : undefined;
    try {
      return await runTasks({
        ...runOptions,
        backend: {
          get name() {
            return reported.name;
          },
          create: async () => {
            throw new Error("a queued run's episodes run on its workers");
          },
          close: async () => {},
        },
        model,
        // every pending episode is a job at once; the workers' concurrency is the run's
        concurrency: Number.POSITIVE_INFINITY,
        prompts: () => reported.prompts,
        onProgress: display?.update,
        execute: async (task, sample, episodeId) => {
          const result = await executor.run(base, task, sample, episodeId);
          reported.name = result.backendName;
          reported.prompts = result.prompts;
          return result.trajectory;
        },
      });
    } finally {
      display?.stop();
      await executor.close();
      await model.close?.();
    }
  }
}

/**
 * What the oracle will fail and why, said before the run so that its score is read right: "the oracle
 * fails 60 of 460 tasks (no scripted solver: click-menu, …)".
 */
export function oracleGaps<Task>(spec: EnvSpec<Task>, tasks: readonly Task[]): string | undefined {
  const byReason = new Map<string, Set<string>>();
  let failing = 0;
  for (const task of tasks) {
    const reason = spec.oracle(task).unsolved;
    if (!reason) continue;
    failing++;
    const text = spec.taskText(task);
    const names = byReason.get(reason) ?? new Set<string>();
    names.add(text.length > 40 ? `${text.slice(0, 40)}…` : text);
    byReason.set(reason, names);
  }
  if (failing === 0) return undefined;
  const reasons = [...byReason].map(([reason, names]) => `${reason}: ${[...names].sort().join(", ")}`);
  return `the oracle fails ${failing} of ${tasks.length} tasks (${reasons.join("; ")}); the rest is its bar`;
}
