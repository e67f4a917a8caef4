// `tasks generate`: an env's generator (task derivation + self-instruct), near-duplicates dropped,
// every kept task verified by its oracle reaching reward 1 on the real backend; written atomically.
import { renameSync, rmSync } from "node:fs";
import { oracleModel, runEpisode } from "../agent/index.js";
import { AppendLog, EnvError, InputError } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";
import { NearDuplicateIndex, type NearDuplicateOptions } from "./near-duplicates.js";

export interface GenerateTasksReport {
  env: string;
  /** Tasks the generator proposed. */
  generated: number;
  /** Kept: new and solved by the oracle. */
  verified: number;
  /** Same normalized text as a kept task. */
  duplicates: number;
  /** Word n-gram Jaccard similarity to a kept task at or above the threshold. */
  nearDuplicates: number;
  /** The oracle did not reach reward 1 on the backend. */
  unverified: number;
  /** Why proposals were dropped, with counts (generator rejections and failed oracle checks). */
  rejected: Record<string, number>;
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
  /** Task derivation from an existing task file. */
  source?: string;
  dedup?: NearDuplicateOptions;
  /** Called after each verified task (generation verifies on the real backend: minutes for os). */
  onProgress?: (report: Readonly<GenerateTasksReport>) => void;
}

export async function generateTasksFile({
  env,
  count,
  out,
  seed = 1,
  model,
  backend: backendSpec,
  source,
  dedup,
  onProgress,
}: GenerateTasksFileOptions): Promise<GenerateTasksReport> {
  const spec = getEnvSpec(env);
  if (!spec.generateTasks) throw new InputError(`env "${env}" has no task generator`);
  if (!Number.isInteger(count) || count < 1)
    throw new InputError(`--count ${count}: expected a positive whole number`);
  const backend = await spec.open({ backend: backendSpec });
  const oracle = oracleModel(spec);
  const index = new NearDuplicateIndex(dedup);
  // Written beside, then renamed: a reader of `out` never sees a half-written task file, and a
  // killed run simply starts again (generation is deterministic by seed).
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  const log = new AppendLog(partial);
  const report: GenerateTasksReport = {
    env,
    generated: 0,
    verified: 0,
    duplicates: 0,
    nearDuplicates: 0,
    unverified: 0,
    rejected: {},
    out,
  };
  const reject = (reason: string) => {
    report.rejected[reason] = (report.rejected[reason] ?? 0) + 1;
  };
  try {
    // ask for more than needed: duplicates and unverified tasks are dropped
    const stream = spec.generateTasks({ count: count * 3, seed, model, source, onReject: reject });
    for await (const task of stream) {
      report.generated++;
      const verdict = index.add(spec.taskText(task));
      if (verdict.kind === "duplicate") report.duplicates++;
      else if (verdict.kind === "near-duplicate") report.nearDuplicates++;
      else {
        const check = await runEpisode({ spec, backend, task, model: oracle });
        // the oracle never fails by its own doing: a broken backend is not an unverified task
        if (check.failure === "env_error" || check.failure === "model_error")
          throw new EnvError(
            `${env}: the backend failed while verifying a generated task: ${check.error ?? check.failure}`,
          );
        if (check.success) {
          log.append(task);
          report.verified++;
          onProgress?.(report);
          if (report.verified >= count) break;
        } else {
          report.unverified++;
          reject(`the oracle did not solve it (${check.failure ?? `reward ${check.reward}`})`);
        }
      }
    }
  } finally {
    log.close();
    await backend.close();
  }
  if (report.verified === 0) {
    rmSync(partial, { force: true });
    throw new InputError(
      `${env}: no task verified out of ${report.generated} proposed${formatRejected(report)}; nothing written to ${out}`,
    );
  }
  renameSync(partial, out);
  return report;
}

/** "; dropped: reason ×n, …" (most frequent first), or "" when nothing was dropped. */
export function formatRejected(r: Pick<GenerateTasksReport, "rejected">): string {
  const reasons = Object.entries(r.rejected).sort((a, b) => b[1] - a[1]);
  return reasons.length ? `; dropped: ${reasons.map(([why, n]) => `${why} ×${n}`).join(", ")}` : "";
}

export function formatGenerateReport(r: GenerateTasksReport): string {
  return `${r.env}: ${r.generated} generated, ${r.verified} verified, ${r.duplicates} duplicates, ${r.nearDuplicates} near-duplicates, ${r.unverified} unverified → ${r.out}${formatRejected(r)}`;
}
