// agenttune.yaml: the data pipeline's configuration (envs, counts, teacher, thresholds), validated by zod.
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { formatZodIssue, InputError, readYamlConfig } from "../core/index.js";

export const pipelineEnvSchema = z.strictObject({
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

export const pipelineConfigSchema = z.strictObject({
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
    .strictObject({
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

/** Reads agenttune.yaml; `out` and the decontam eval files are relative to the YAML's folder. */
export function readPipelineConfig(file: string): PipelineConfig {
  const config = readYamlConfig(file, pipelineConfigSchema);
  const here = (path: string) => resolve(dirname(file), path);
  config.out = here(config.out);
  if (config.decontam) {
    config.decontam.eval = config.decontam.eval.map((entry) => {
      const at = entry.indexOf("=");
      return at > 0 ? `${entry.slice(0, at + 1)}${here(entry.slice(at + 1))}` : here(entry);
    });
  }
  return config;
}
