// A run spread over machines with BullMQ on Redis. The coordinator (eval/collect --queue) adds one job
// per (task, sample), its id the episode's, and appends each job's trajectory to results.jsonl as the
// job completes; any number of workers (`agenttune worker --queue`) run the episodes, each opening an
// env's backend once. A worker that dies mid-episode loses its lock; the job goes back to the queue and
// another worker runs it. The coordinator appends an episode id once, however often its job ran.
import { createHash } from "node:crypto";
import { type Job, Queue, QueueEvents, UnrecoverableError, Worker } from "bullmq";
import { resolveModel, runEpisode } from "../agent/index.js";
import { InfrastructureFailure, InputError, type Trajectory } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import type { ChatModel, ParseModelOptions } from "../models/index.js";
import { type BackendSpec, type OpenedBackend, openBackend, promptSourceOf } from "./open-backend.js";

export const defaultQueueName = "agenttune";

/** What a worker needs to run one episode: plain data, no live objects. */
export interface EpisodeJobData {
  env: string;
  backend: BackendSpec;
  task: unknown;
  sample: number;
  model: string;
  modelOptions?: ParseModelOptions;
  maxTurns?: number;
  maxTokens?: number;
  temperature?: number;
  maxPromptTokens?: number;
  actionFormat?: "react" | "tools";
}

export interface EpisodeJobResult {
  trajectory: Trajectory;
  /** The backend's name and prompt source where the worker opened it (for the run's summary). */
  backendName: string;
  prompts: string;
}

/** redis://[user:pass@]host:port[/db] as ioredis options (BullMQ's connection). */
export function redisConnection(url: string): {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  maxRetriesPerRequest: null;
} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--queue ${url}: not a URL (redis://host:port/db)`);
  }
  if (parsed.protocol !== "redis:") throw new InputError(`--queue ${url}: expected redis://host:port/db`);
  const db = parsed.pathname.replace(/^\//, "");
  if (db && !/^\d+$/.test(db)) throw new InputError(`--queue ${url}: the database (${db}) must be a number`);
  return {
    host: parsed.hostname || "127.0.0.1",
    port: Number(parsed.port || 6379),
    db: db ? Number(db) : 0,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    // workers block on Redis; BullMQ requires this
    maxRetriesPerRequest: null,
  };
}

export interface QueueOptions {
  url: string;
  /** The queue's name (several runs may share one; their job ids never collide). */
  name?: string;
}

export interface QueueExecutor {
  /** Runs one episode through the queue; resolves with its trajectory, throws an InfrastructureFailure when its job failed. */
  run(
    job: Omit<EpisodeJobData, "sample" | "task">,
    task: unknown,
    sample: number,
    episodeId: string,
  ): Promise<EpisodeJobResult>;
  close(): Promise<void>;
}

/**
 * The coordinator's side. `runKey` tells this run's jobs from other runs' on the same queue;
 * `rateLimit` (episodes started per window, a minute by default) is set on the queue, so that it
 * holds across every worker.
 */
export async function queueExecutor(
  { url, name = defaultQueueName }: QueueOptions,
  runKey: string,
  {
    rateLimit,
    rateWindowMs = 60_000,
    attempts = 3,
  }: { rateLimit?: number; rateWindowMs?: number; attempts?: number } = {},
): Promise<QueueExecutor> {
  const connection = redisConnection(url);
  const queue = new Queue<EpisodeJobData, EpisodeJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  await connected(url, [queue, events]);
  // every pending episode waits on the queue at once: one listener each is intended
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  if (rateLimit) await queue.setGlobalRateLimit(rateLimit, rateWindowMs);
  return {
    async run(base, task, sample, episodeId) {
      // ':' separates Redis key parts: keep it out of the id
      const jobId = `${runKey}.${encodeURIComponent(episodeId)}`;
      const existing = await queue.getJob(jobId);
      // a job that failed in an earlier run is tried again; a finished one hands back its result
      const failedBefore = existing ? await existing.isFailed() : false;
      if (existing && failedBefore) await existing.remove();
      const job =
        existing && !failedBefore
          ? existing
          : await queue.add(
              episodeId,
              { ...base, task, sample },
              {
                jobId,
                attempts,
                backoff: { type: "exponential", delay: 1000 },
                removeOnComplete: { age: 7 * 24 * 3600 },
                removeOnFail: { age: 7 * 24 * 3600 },
              },
            );
      try {
        return (await job.waitUntilFinished(events)) as EpisodeJobResult;
      } catch (error) {
        throw new InfrastructureFailure(`${episodeId}: queue job failed: ${(error as Error).message}`, {
          source: "env",
          episodeId,
          cause: error,
        });
      }
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}

/** A stable key of one run (its output dir and what it measures). */
export function runKeyOf(outDir: string, identity: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([outDir, identity]))
    .digest("hex")
    .slice(0, 12);
}

export interface WorkerOptions extends QueueOptions {
  /** Episodes this worker runs at once. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is retried after it. */
  lockMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** `agenttune worker`: runs queued episodes until stopped; backends and models are opened once each. */
export async function runQueueWorker({
  url,
  name = defaultQueueName,
  concurrency = 4,
  lockMs = 30_000,
  log = () => {},
  signal,
}: WorkerOptions): Promise<{ processed: number; failed: number }> {
  const connection = redisConnection(url);
  const backends = new Map<string, Promise<OpenedBackend>>();
  const models = new Map<string, Promise<ChatModel>>();
  const counts = { processed: 0, failed: 0 };
  const worker = new Worker<EpisodeJobData, EpisodeJobResult>(
    name,
    async (job: Job<EpisodeJobData, EpisodeJobResult>) => {
      const data = job.data;
      const spec = getEnvSpec(data.env);
      const backendKey = JSON.stringify([data.env, data.backend, data.modelOptions]);
      let opened = backends.get(backendKey);
      if (!opened) {
        opened = openBackend(data.env, data.backend, data.modelOptions);
        backends.set(backendKey, opened);
        opened.catch(() => backends.delete(backendKey));
      }
      const { backend } = await opened;
      const modelKey = JSON.stringify([data.model, data.env, data.modelOptions]);
      let model = models.get(modelKey);
      if (!model) {
        model = resolveModel(data.model, spec, data.modelOptions);
        models.set(modelKey, model);
        model.catch(() => models.delete(modelKey));
      }
      let trajectory: Trajectory;
      try {
        trajectory = await runEpisode({
          spec,
          backend,
          task: spec.taskSchema.parse(data.task),
          model: await model,
          sample: data.sample,
          ...(data.maxTurns !== undefined ? { maxTurns: data.maxTurns } : {}),
          ...(data.maxTokens !== undefined ? { maxTokens: data.maxTokens } : {}),
          temperature: data.temperature ?? 0,
          history: { ...(data.maxPromptTokens ? { maxPromptTokens: data.maxPromptTokens } : {}) },
          infrastructureFailures: "throw",
          ...(data.actionFormat ? { actionFormat: data.actionFormat } : {}),
        });
      } catch (error) {
        counts.failed++;
        // an auth error or a missing model: retrying cannot help
        if (InfrastructureFailure.isInstance(error) && error.systematic)
          throw new UnrecoverableError(error.message);
        throw error;
      }
      counts.processed++;
      log(`${trajectory.id}: ${trajectory.success ? "success" : (trajectory.failure ?? "done")}`);
      return {
        trajectory,
        backendName: backend.name,
        prompts: promptSourceOf(backend),
      };
    },
    { connection, concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 5 },
  );
  worker.on("error", (error) => log(`worker: ${error.message}`));
  await connected(url, [worker]);
  log(`worker on ${url} (queue ${name}), ${concurrency} episodes at a time`);
  await new Promise<void>((done) => {
    if (signal?.aborted) done();
    signal?.addEventListener("abort", () => done(), { once: true });
  });
  await worker.close();
  for (const opened of backends.values()) await (await opened.catch(() => undefined))?.close();
  for (const model of models.values()) await (await model.catch(() => undefined))?.close?.();
  return counts;
}

/** `agenttune status --queue`: the queue's job counts. */
export async function queueStatus({
  url,
  name = defaultQueueName,
}: QueueOptions): Promise<Record<string, number>> {
  const queue = new Queue(name, { connection: redisConnection(url) });
  await connected(url, [queue]);
  try {
    return await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized");
  } finally {
    await queue.close();
  }
}

/**
 * Waits until BullMQ's clients reach Redis. ioredis retries a refused connection for ever: a server
 * that does not answer in `timeoutMs` is a one-line error, and the clients are closed.
 */
async function connected(
  url: string,
  clients: readonly {
    waitUntilReady(): Promise<unknown>;
    close(): Promise<void>;
    on(event: "error", listener: () => void): unknown;
    off(event: "error", listener: () => void): unknown;
  }[],
  timeoutMs = 10_000,
): Promise<void> {
  // the reconnect attempts' errors are expected until the timeout says otherwise
  const quiet = () => {};
  for (const client of clients) client.on("error", quiet);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(clients.map((c) => c.waitUntilReady())), timeout]);
  } catch (error) {
    // a client that never connected may not finish closing (QueueEvents): give it a moment, not more
    const closing = Promise.all(clients.map((c) => c.close().catch(() => {})));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    throw new InputError(`--queue ${url}: cannot reach Redis (${(error as Error).message})`);
  } finally {
    clearTimeout(timer);
    for (const client of clients) client.off("error", quiet);
  }
}
