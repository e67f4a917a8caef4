// The paper's analyses as datasets: an eta sweep, and leave-one-env-out mixes at a fixed eta.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Conversation } from "./conversation.js";
import { type MixBy, type MixManifest, mixConversations, writeMix } from "./mix.js";

export interface AblationOptions {
  agent: readonly Conversation[];
  general: readonly Conversation[];
  out: string;
  etas?: readonly number[];
  /** eta of the leave-one-env-out mixes. */
  eta?: number;
  by?: MixBy;
  seed?: number;
}

export interface Ablation {
  name: string;
  kind: "eta" | "leave-one-env-out";
  dir: string;
  manifest?: MixManifest;
  /** Why no dataset was written. */
  skipped?: string;
}

export function buildAblations({
  agent,
  general,
  out,
  etas = [0, 0.2, 0.5, 1],
  eta = 0.2,
  by = "examples",
  seed = 1,
}: AblationOptions): Ablation[] {
  const ablations: Ablation[] = [];
  for (const value of etas) {
    const dir = join(out, `eta-${value}`);
    const mix = mixConversations({ agent, general, eta: value, by, seed });
    writeMix(dir, mix);
    ablations.push({ name: `eta-${value}`, kind: "eta", dir, manifest: mix.manifest });
  }
  const envs = [...new Set(agent.map((c) => c.env ?? "unknown"))].sort();
  for (const env of envs) {
    const dir = join(out, `without-${env}`);
    const rest = agent.filter((c) => (c.env ?? "unknown") !== env);
    if (rest.length === 0) {
      ablations.push({
        name: `without-${env}`,
        kind: "leave-one-env-out",
        dir,
        skipped: `${env} is the only env in the agent data`,
      });
      continue;
    }
    const mix = mixConversations({ agent: rest, general, eta, by, seed });
    writeMix(dir, mix);
    ablations.push({ name: `without-${env}`, kind: "leave-one-env-out", dir, manifest: mix.manifest });
  }
  writeFileSync(
    join(out, "ablations.yaml"),
    stringify({
      by,
      seed,
      runs: ablations.map((a) => ({
        name: a.name,
        kind: a.kind,
        data: join(a.dir, "mixed.jsonl"),
        ...(a.skipped ? { skipped: a.skipped } : { counts: a.manifest?.counts }),
      })),
    }),
  );
  return ablations;
}
