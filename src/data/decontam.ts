// `decontam`: finds training records that share a word n-gram (13 by default) with an evaluation task,
// reports the contaminated rate per env and writes the clean records.
import type { Trajectory } from "../core/index.js";
import { InputError, writeJsonlFile } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import { readDataset } from "./dataset.js";
import { wordNgrams } from "./near-duplicates.js";

export interface EvalSource {
  env: string;
  file: string;
}

export interface DecontamOptions {
  /** Training data: trajectories or AgentInstruct. */
  train: string;
  evals: readonly EvalSource[];
  /** Word n-gram size (13, as is usual for contamination checks). */
  n?: number;
  /** Clean records (trajectories JSONL); omit to only report. */
  out?: string;
}

export interface DecontamReport {
  n: number;
  evalTasks: number;
  perEnv: Record<string, { total: number; contaminated: number; rate: number }>;
  /** The first contaminated records with one shared n-gram each. */
  examples: { id: string; env: string; ngram: string; evalFile: string }[];
  out?: string;
}

/** "db=path" or "path" (with a default env) → EvalSource. */
export function parseEvalSources(list: string, defaultEnv?: string): EvalSource[] {
  return list
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const eq = item.indexOf("=");
      const env = eq > 0 ? item.slice(0, eq) : defaultEnv;
      if (!env) throw new InputError(`--eval "${item}": name the env as ENV=FILE or pass --env`);
      return { env, file: eq > 0 ? item.slice(eq + 1) : item };
    });
}

/** The text of a training record that may leak an eval task: what the environment said. */
function trainText(trajectory: Trajectory): string {
  return trajectory.messages
    .filter((m) => m.role !== "assistant")
    .map((m) => m.content)
    .join("\n");
}

export async function decontaminate({ train, evals, n = 13, out }: DecontamOptions): Promise<DecontamReport> {
  const evalGrams = new Map<string, string>(); // n-gram → eval file
  let evalTasks = 0;
  for (const source of evals) {
    const spec = getEnvSpec(source.env);
    for await (const task of spec.loadTasks(source.file)) {
      evalTasks++;
      for (const gram of wordNgrams(spec.taskText(task), n)) {
        // texts shorter than n words give one shorter gram; too unspecific to count as a leak
        if (gram.split(" ").length === n) evalGrams.set(gram, source.file);
      }
    }
  }
  const records = await readDataset(train);
  const report: DecontamReport = { n, evalTasks, perEnv: {}, examples: [], ...(out ? { out } : {}) };
  const clean: Trajectory[] = [];
  for (const record of records) {
    const env = report.perEnv[record.env] ?? { total: 0, contaminated: 0, rate: 0 };
    report.perEnv[record.env] = env;
    env.total++;
    let hit: string | undefined;
    for (const gram of wordNgrams(trainText(record), n)) {
      if (evalGrams.has(gram)) {
        hit = gram;
        break;
      }
    }
    if (!hit) {
      clean.push(record);
      continue;
    }
    env.contaminated++;
    if (report.examples.length < 20) {
      report.examples.push({
        id: record.id,
        env: record.env,
        ngram: hit,
        evalFile: evalGrams.get(hit) ?? "",
      });
    }
  }
  for (const env of Object.values(report.perEnv)) env.rate = env.total ? env.contaminated / env.total : 0;
  if (out) writeJsonlFile(out, clean);
  return report;
}

export function formatDecontamReport(r: DecontamReport): string {
  const lines = Object.entries(r.perEnv).map(
    ([env, s]) => `${env}: ${s.contaminated}/${s.total} contaminated (${(100 * s.rate).toFixed(1)}%)`,
  );
  return [`${r.n}-gram overlap with ${r.evalTasks} eval tasks`, ...lines].join("\n");
}
