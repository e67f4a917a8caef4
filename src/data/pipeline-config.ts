// agenttune.yaml: the data pipeline's configuration (envs, counts, teacher, thresholds), validated by zod.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { formatZodIssue, InputError } from "../core/index.js";

export const pipelineEnvSchema = z.object({
  /** Tasks to generate and verify. */
  count: z.number().int().positive(),
  /** Trajectories per task. */
  samples: z.number().int().positive().default(1),
  temperature: z.number().min(0).max(2).default(0),
  /** Lowest reward kept (default: the env's own, 1 for pass/fail tasks). */
  minReward: z.number().optional(),
  /** Backend selector of the env (db: sqlite, mariadb, mysql://…). */
  backend: z.string().optional(),
  seed: z.number().int().optional(),
});

export const pipelineConfigSchema = z.object({
  /** Output folder; stages resume from what it holds. */
  out: z.string().default("agenttune-data"),
  /** Teacher model spec; "oracle" runs offline. */
  teacher: z.string().default("oracle"),
  /** Model that writes missing thoughts (rationale stage); skipped when absent. */
  rationale: z.string().optional(),
  seed: z.number().int().default(1),
  concurrency: z.number().int().positive().default(4),
  envs: z
    .record(z.string(), pipelineEnvSchema)
    .refine((envs) => Object.keys(envs).length > 0, "name at least one env"),
  decontam: z
    .object({
      /** Eval task files as ENV=FILE. */
      eval: z.array(z.string()).default([]),
      n: z.number().int().positive().default(13),
    })
    .optional(),
});
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

export function parsePipelineConfig(raw: unknown, where: string): PipelineConfig {
  const parsed = pipelineConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${where}: ${issue ? formatZodIssue(issue) : "invalid config"}`);
  }
  return parsed.data;
}

export function readPipelineConfig(file: string): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new InputError(`${file}: file not found`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    const e = error as { linePos?: { line: number }[]; message: string };
    const line = e.linePos?.[0]?.line;
    throw new InputError(`${file}${line ? `:${line}` : ""}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  return parsePipelineConfig(raw, file);
}
