// Hands training to real engines: LLaMA-Factory (a child process, output streamed, exit code reported)
// or an OpenAI-compatible fine-tuning API (upload, create the job, poll, stream events).
import { spawn } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type OpenAI from "openai";
import { z } from "zod";
import { InputError, ModelError, readYamlConfig } from "../core/index.js";

export interface LlamaFactoryLaunch {
  /** The training YAML (e.g. from `agenttune export --target llamafactory`). */
  config: string;
  /** Multi-GPU / multi-node through torchrun (LLaMA-Factory's FORCE_TORCHRUN switches). */
  nproc?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
  /** A DeepSpeed config (JSON), passed as LLaMA-Factory's `deepspeed=` override. */
  deepspeed?: string;
  /** The executable; default llamafactory-cli on PATH. */
  executable?: string;
  dryRun?: boolean;
  onOutput?: (chunk: string) => void;
}

export interface Launch {
  command: string;
  env: Record<string, string>;
  exitCode?: number;
}

export function llamaFactoryCommand({
  config,
  nproc,
  nnodes,
  nodeRank,
  masterAddr,
  masterPort,
  deepspeed,
  executable = "llamafactory-cli",
}: LlamaFactoryLaunch) {
  const env: Record<string, string> = {};
  if ((nproc ?? 1) > 1 || (nnodes ?? 1) > 1) {
    env.FORCE_TORCHRUN = "1";
    if (nproc) env.NPROC_PER_NODE = String(nproc);
    if (nnodes) env.NNODES = String(nnodes);
    if (nodeRank !== undefined) env.NODE_RANK = String(nodeRank);
    if (masterAddr) env.MASTER_ADDR = masterAddr;
    if (masterPort) env.MASTER_PORT = String(masterPort);
  }
  // LLaMA-Factory reads key=value arguments after the YAML as overrides of its keys
  return { executable, args: ["train", config, ...(deepspeed ? [`deepspeed=${deepspeed}`] : [])], env };
}

export async function launchLlamaFactory(options: LlamaFactoryLaunch): Promise<Launch> {
  if (!existsSync(options.config)) throw new InputError(`--config ${options.config}: file not found`);
  const { executable, args, env } = llamaFactoryCommand(options);
  const command = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), executable, ...args].join(" ");
  if (options.dryRun) return { command, env };
  const child = spawn(executable, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onOutput = options.onOutput ?? ((chunk: string) => process.stdout.write(chunk));
  child.stdout.setEncoding("utf8").on("data", onOutput);
  child.stderr.setEncoding("utf8").on("data", onOutput);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new InputError(
              `${executable} not found on PATH: pip install llamafactory (or pass --dry-run to print the command)`,
            )
          : error,
      ),
    );
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { command, env, exitCode };
}

export const openAiJobConfigSchema = z.strictObject({
  training_file: z.string(),
  validation_file: z.string().optional(),
  model: z.string(),
  suffix: z.string().optional(),
  /** The fine-tuning method, as the API takes it: {type: "supervised", supervised: {hyperparameters}}. */
  method: z
    .strictObject({
      type: z.literal("supervised"),
      supervised: z
        .strictObject({ hyperparameters: z.record(z.string(), z.union([z.number(), z.string()])).optional() })
        .optional(),
    })
    .optional(),
  /** Deprecated at the API: sent as method.supervised.hyperparameters. */
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});

export interface OpenAiLaunch {
  config: string;
  baseURL?: string;
  apiKey?: string;
  /** Poll interval in ms. */
  pollMs?: number;
  onEvent?: (line: string) => void;
  /** Stop polling after this long (the job goes on at the provider). */
  timeoutMs?: number;
}

export interface OpenAiJobResult {
  jobId: string;
  fileId: string;
  status: string;
  fineTunedModel?: string | null;
}

/**
 * The job's method (openai-node resources/fine-tuning/jobs/jobs.d.ts JobCreateParams.method): top-level
 * `hyperparameters` is deprecated, so a config that still has them sends them inside the method.
 */
function supervisedMethod(job: z.infer<typeof openAiJobConfigSchema>): {
  method?: { type: "supervised"; supervised: { hyperparameters?: Record<string, number | string> } };
} {
  const hyperparameters = {
    ...(job.hyperparameters ?? {}),
    ...(job.method?.supervised?.hyperparameters ?? {}),
  };
  if (!job.method && !job.hyperparameters) return {};
  return {
    method: {
      type: "supervised",
      supervised: Object.keys(hyperparameters).length ? { hyperparameters } : {},
    },
  };
}

export async function launchOpenAiFineTuning({
  config,
  baseURL = process.env.OPENAI_BASE_URL,
  apiKey = process.env.OPENAI_API_KEY ?? "none",
  pollMs = 10_000,
  onEvent = (line) => process.stdout.write(`${line}\n`),
  timeoutMs = 24 * 3600_000,
}: OpenAiLaunch): Promise<OpenAiJobResult> {
  if (!existsSync(config)) throw new InputError(`--config ${config}: file not found`);
  const job = readYamlConfig(config, openAiJobConfigSchema);
  // paths are relative to the YAML's folder, as the export writes them
  job.training_file = resolve(dirname(config), job.training_file);
  if (job.validation_file) job.validation_file = resolve(dirname(config), job.validation_file);
  for (const key of ["training_file", "validation_file"] as const) {
    const path = job[key];
    if (path && !existsSync(path)) throw new InputError(`${config}: ${key}: ${path} not found`);
  }
  const { default: Client } = await import("openai");
  const client: OpenAI = new Client({ baseURL, apiKey, maxRetries: 3 });
  const file = await client.files.create({ file: createReadStream(job.training_file), purpose: "fine-tune" });
  onEvent(`uploaded ${job.training_file} as ${file.id}`);
  const validation = job.validation_file
    ? await client.files.create({ file: createReadStream(job.validation_file), purpose: "fine-tune" })
    : undefined;
  if (validation) onEvent(`uploaded ${job.validation_file} as ${validation.id}`);
  const created = await client.fineTuning.jobs.create({
    training_file: file.id,
    ...(validation ? { validation_file: validation.id } : {}),
    model: job.model,
    ...(job.suffix ? { suffix: job.suffix } : {}),
    ...supervisedMethod(job),
  });
  onEvent(`created fine-tuning job ${created.id} (${created.status})`);
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  let current = checkedJob(created, baseURL);
  while (!["succeeded", "failed", "cancelled"].includes(current.status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    // a reply that is no job (a proxy's page, a changed API) must end the wait, not prolong it
    current = checkedJob(await client.fineTuning.jobs.retrieve(created.id), baseURL);
    // events after the status, so the events of the final step are shown too
    const events = await client.fineTuning.jobs.listEvents(created.id, { limit: 50 });
    for (const event of [...events.data].reverse()) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      onEvent(`[${event.level}] ${event.message}`);
    }
  }
  onEvent(
    `job ${current.id}: ${current.status}${current.fine_tuned_model ? ` → ${current.fine_tuned_model}` : ""}`,
  );
  return {
    jobId: current.id,
    fileId: file.id,
    status: current.status,
    fineTunedModel: current.fine_tuned_model,
  };
}

const jobStatuses = ["validating_files", "queued", "running", "succeeded", "failed", "cancelled"];

/** The job as the API returned it, when it is one; a clear error otherwise. */
function checkedJob<Job extends { id?: unknown; status?: unknown }>(
  job: Job,
  baseURL: string | undefined,
): Job & {
  id: string;
  status: string;
} {
  if (typeof job?.id !== "string" || typeof job.status !== "string" || !jobStatuses.includes(job.status)) {
    const shown = JSON.stringify(job)?.slice(0, 200) ?? String(job);
    throw new ModelError(
      `fine-tuning API ${baseURL ?? "(OpenAI)"} returned something that is not a fine-tuning job (status one of ${jobStatuses.join(", ")}): ${shown}`,
    );
  }
  return job as Job & { id: string; status: string };
}
