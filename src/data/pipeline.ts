// `pipeline`: the AgentInstruct chain for several envs from one config: generate + verify tasks → collect
// trajectories with the teacher → filter → (rationale) → (decontaminate) → AgentInstruct export + stats.
// Every stage writes its outputs atomically and a report last; a restarted run skips stages whose report
// exists and resumes collection where it stopped, so it ends with the same dataset as an unbroken run.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveModel } from "../agent/index.js";
import type { Trajectory } from "../core/index.js";
import { InputError } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import { type CollectSummary, collectTrajectories } from "./collect.js";
import { type DecontamReport, decontaminate, formatDecontamReport, parseEvalSources } from "./decontam.js";
import { type AgentInstructExport, exportAgentInstruct } from "./export-agentinstruct.js";
import { type FilterReport, filterTrajectories, formatFilterReport } from "./filter.js";
import { readTrajectories } from "./formats/index.js";
import { formatGenerateReport, type GenerateTasksReport, generateTasksFile } from "./generate-tasks.js";
import type { PipelineConfig } from "./pipeline-config.js";
import { addRationales, type RationaleReport } from "./rationale.js";
import { type DatasetStats, datasetStats, formatDatasetStats } from "./stats.js";

export interface PipelineOptions {
  config: PipelineConfig;
  log?: (line: string) => void;
  /** Show collection progress on stderr. */
  progress?: boolean;
  signal?: AbortSignal;
}

export interface PipelineResult {
  out: string;
  generate: Record<string, GenerateTasksReport>;
  collect: Record<string, CollectSummary>;
  filter: Record<string, FilterReport>;
  rationale?: Record<string, RationaleReport>;
  decontam?: DecontamReport;
  dataset: AgentInstructExport;
  stats: DatasetStats;
  /** False when interrupted: run again to resume. */
  complete: boolean;
}

function writeJson(file: string, value: unknown) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** Runs `stage` unless its report exists; the report is written last, so it marks a finished stage. */
async function stage<T>(reportFile: string, run: () => Promise<T>): Promise<{ report: T; skipped: boolean }> {
  if (existsSync(reportFile)) return { report: readJson<T>(reportFile), skipped: true };
  const report = await run();
  writeJson(reportFile, report);
  return { report, skipped: false };
}

export async function runPipeline({
  config,
  log = console.log,
  progress = true,
  signal,
}: PipelineOptions): Promise<PipelineResult> {
  const { out } = config;
  const reports = join(out, "reports");
  mkdirSync(reports, { recursive: true });
  for (const env of Object.keys(config.envs)) getEnvSpec(env); // unknown envs fail before any work
  const manifest = join(out, "pipeline.json");
  if (existsSync(manifest)) {
    const previous = JSON.stringify(readJson<{ config: unknown }>(manifest).config);
    if (previous !== JSON.stringify(config)) {
      throw new InputError(
        `${out}: holds a pipeline run with another config (${manifest}); use a new out folder`,
      );
    }
  } else writeJson(manifest, { config });

  const result: Omit<PipelineResult, "dataset" | "stats"> = {
    out,
    generate: {},
    collect: {},
    filter: {},
    complete: true,
  };
  const kept: Trajectory[] = [];
  for (const [env, settings] of Object.entries(config.envs)) {
    const tasksFile = join(out, "tasks", `${env}.jsonl`);
    mkdirSync(join(out, "tasks"), { recursive: true });
    const generated = await stage(join(reports, `generate-${env}.json`), () =>
      generateTasksFile({
        env,
        count: settings.count,
        seed: settings.seed ?? config.seed,
        out: tasksFile,
        backend: settings.backend,
      }),
    );
    result.generate[env] = generated.report;
    log(`${generated.skipped ? "done already: " : ""}tasks ${formatGenerateReport(generated.report)}`);

    const collectDir = join(out, "trajectories", env);
    const collectReport = join(reports, `collect-${env}.json`);
    const collected = await stage(collectReport, async () => {
      const model = await resolveModel(config.teacher, getEnvSpec(env));
      const summary = await collectTrajectories({
        env,
        tasks: tasksFile,
        model,
        out: collectDir,
        samples: settings.samples,
        temperature: settings.temperature,
        concurrency: config.concurrency,
        backend: settings.backend,
        progress,
        signal,
      });
      if (!summary.complete) throw new Interrupted(summary.incomplete?.reason ?? "interrupted");
      return summary;
    }).catch((error) => {
      if (error instanceof Interrupted) return undefined;
      throw error;
    });
    if (!collected) {
      result.complete = false;
      log(`collection of ${env} interrupted: run the same command again to resume`);
      break;
    }
    result.collect[env] = collected.report;
    const c = collected.report;
    log(
      `${collected.skipped ? "done already: " : ""}trajectories ${env}: ${c.tasks} episodes, success ${(100 * c.successRate).toFixed(1)}%${c.usage ? `, ${c.usage.promptTokens}+${c.usage.completionTokens} tokens` : ""}${c.costUsd !== undefined ? `, ~$${c.costUsd.toFixed(2)}` : ""}`,
    );

    const filteredFile = join(out, "filtered", `${env}.jsonl`);
    const filtered = await stage(join(reports, `filter-${env}.json`), () =>
      filterTrajectories({ input: collectDir, out: filteredFile, minReward: settings.minReward }),
    );
    result.filter[env] = filtered.report;
    log(`${filtered.skipped ? "done already: " : ""}filter ${env}: ${formatFilterReport(filtered.report)}`);

    let datasetFile = filteredFile;
    if (config.rationale) {
      const rationaleFile = join(out, "rationale", `${env}.jsonl`);
      const rationaleModel = config.rationale;
      const rationale = await stage(join(reports, `rationale-${env}.json`), async () =>
        addRationales({
          input: filteredFile,
          out: rationaleFile,
          model: await resolveModel(rationaleModel, getEnvSpec(env)),
        }),
      );
      result.rationale = { ...result.rationale, [env]: rationale.report };
      log(
        `rationale ${env}: ${rationale.report.rewritten} thoughts written, ${rationale.report.failed} failed`,
      );
      datasetFile = rationaleFile;
    }
    kept.push(...(await readTrajectories(datasetFile)));
  }
  if (!result.complete)
    return { ...result, dataset: { dir: join(out, "agentinstruct"), splits: {} }, stats: datasetStats([]) };

  // the closing stages are cheap and deterministic: always recomputed from the kept trajectories
  let training = kept;
  if (config.decontam && config.decontam.eval.length > 0) {
    const trainFile = join(out, "reports", "kept.jsonl");
    writeFileSync(trainFile, `${kept.map((t) => JSON.stringify(t)).join("\n")}\n`);
    const decontamOut = join(out, "decontaminated.jsonl");
    result.decontam = await decontaminate({
      train: trainFile,
      evals: parseEvalSources(config.decontam.eval.join(",")),
      n: config.decontam.n,
      out: decontamOut,
    });
    writeJson(join(reports, "decontam.json"), result.decontam);
    log(formatDecontamReport(result.decontam));
    training = await readTrajectories(decontamOut);
  }
  const dataset = exportAgentInstruct(training, join(out, "agentinstruct"));
  const stats = datasetStats(training);
  writeJson(join(reports, "stats.json"), stats);
  writeFileSync(join(reports, "stats.txt"), `${formatDatasetStats(stats)}\n`);
  log(
    `AgentInstruct dataset: ${Object.entries(dataset.splits)
      .map(([env, s]) => `${env} ${s.records}`)
      .join(", ")} → ${dataset.dir}/`,
  );
  return { ...result, dataset, stats };
}

class Interrupted extends Error {}
