// Generates an env's tasks, keeps only those its oracle solves on the real backend, writes JSONL.
import { renameSync, rmSync } from "node:fs";
import { oracleModel, runEpisode } from "../agent/index.js";
import { AppendLog, InputError } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";

export interface GenerateTasksReport {
  env: string;
  generated: number;
  verified: number;
  dropped: number;
  out: string;
}

export interface GenerateTasksFileOptions {
  env: string;
  count: number;
  out: string;
  seed?: number;
  /** Self-instruct with this model; without one the env's own generator works alone. */
  model?: ChatModel;
  /** Backend the oracle verifies each task on. */
  backend?: string;
}

export async function generateTasksFile({
  env,
  count,
  out,
  seed = 1,
  model,
  backend: backendSpec,
}: GenerateTasksFileOptions): Promise<GenerateTasksReport> {
  const spec = getEnvSpec(env);
  if (!spec.generateTasks) throw new InputError(`env "${env}" has no task generator`);
  if (!Number.isInteger(count) || count < 1)
    throw new InputError(`--count ${count}: expected a positive whole number`);
  const backend = await spec.open({ backend: backendSpec });
  const oracle = oracleModel(spec);
  // Written beside, then renamed: a reader of `out` never sees a half-written task file.
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  const log = new AppendLog(partial);
  const report: GenerateTasksReport = { env, generated: 0, verified: 0, dropped: 0, out };
  try {
    for await (const task of spec.generateTasks({ count, seed, model })) {
      report.generated++;
      const episode = await runEpisode({ spec, backend, task, model: oracle });
      if (episode.success) {
        log.append(task);
        report.verified++;
      } else report.dropped++;
    }
  } finally {
    log.close();
    await backend.close();
  }
  renameSync(partial, out);
  return report;
}
