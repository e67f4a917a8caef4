// Hybrid instruction tuning data (AgentTuning): agent trajectories mixed with general chat so that the
// agent data makes up the share eta of the training set, by examples (default) or by tokens.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, mulberry32 } from "../core/index.js";
import type { Conversation } from "./conversation.js";
import { writeConversations } from "./conversation.js";

export type MixBy = "examples" | "tokens";

export interface MixOptions {
  agent: readonly Conversation[];
  general: readonly Conversation[];
  /** Share of agent data in the mix, 0..1 (AgentTuning: 0.2 worked best). */
  eta: number;
  /** What the share counts: training examples, or (approximate) tokens. */
  by?: MixBy;
  seed?: number;
}

export interface MixManifest {
  eta: number;
  by: MixBy;
  seed: number;
  counts: { agent: number; general: number; total: number };
  /** Examples given, before eta picked from them. */
  available: { agent: number; general: number };
  /** Approximate tokens (four characters a token) of each part. */
  tokens: { agent: number; general: number };
  /** The agent share actually reached, in the unit of `by`. */
  agentShare: number;
  /** Agent examples per env. */
  envs: Record<string, number>;
  /** Set when a part had too little data for eta and the other part was cut instead. */
  limitedBy?: "agent" | "general";
  sources?: { agent: string; general: string };
}

export const approxTokens = (c: Conversation) =>
  c.messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);

/** mulberry32-driven Fisher–Yates shuffle: the same seed gives the same order everywhere. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Takes items in order until their measure reaches `budget` (at least one when budget > 0). */
function takeUntil(
  items: readonly Conversation[],
  budget: number,
  measure: (c: Conversation) => number,
): Conversation[] {
  const taken: Conversation[] = [];
  let used = 0;
  for (const item of items) {
    if (used >= budget) break;
    taken.push(item);
    used += measure(item);
  }
  return taken;
}

export function mixConversations({ agent, general, eta, by = "examples", seed = 1 }: MixOptions): {
  conversations: Conversation[];
  manifest: MixManifest;
} {
  if (!(eta >= 0 && eta <= 1)) throw new InputError(`--eta ${eta}: expected a number from 0 to 1`);
  if (eta > 0 && agent.length === 0) throw new InputError("agent data is empty but eta > 0");
  if (eta < 1 && general.length === 0) throw new InputError("general data is empty but eta < 1");
  const measure = by === "tokens" ? approxTokens : () => 1;
  const total = (list: readonly Conversation[]) => list.reduce((n, c) => n + measure(c), 0);
  const agentPool = seededShuffle(agent, seed);
  const generalPool = seededShuffle(general, seed + 1);
  let pickedAgent: Conversation[] = eta > 0 ? agentPool : [];
  let pickedGeneral: Conversation[] = eta < 1 ? generalPool : [];
  let limitedBy: MixManifest["limitedBy"];
  if (eta > 0 && eta < 1) {
    // all agent data, and general data for the rest: general = agent · (1 − eta) / eta
    const generalWanted = (total(agentPool) * (1 - eta)) / eta;
    if (generalWanted <= total(generalPool)) pickedGeneral = takeUntil(generalPool, generalWanted, measure);
    else {
      // not enough general data: keep all of it and cut the agent data instead
      limitedBy = "general";
      pickedAgent = takeUntil(agentPool, (total(generalPool) * eta) / (1 - eta), measure);
    }
  }
  const conversations = seededShuffle([...pickedAgent, ...pickedGeneral], seed + 2);
  const envs: Record<string, number> = {};
  for (const c of pickedAgent) envs[c.env ?? "unknown"] = (envs[c.env ?? "unknown"] ?? 0) + 1;
  const agentMeasure = total(pickedAgent);
  const generalMeasure = total(pickedGeneral);
  return {
    conversations,
    manifest: {
      eta,
      by,
      seed,
      counts: { agent: pickedAgent.length, general: pickedGeneral.length, total: conversations.length },
      available: { agent: agent.length, general: general.length },
      tokens: {
        agent: pickedAgent.reduce((n, c) => n + approxTokens(c), 0),
        general: pickedGeneral.reduce((n, c) => n + approxTokens(c), 0),
      },
      agentShare: agentMeasure + generalMeasure ? agentMeasure / (agentMeasure + generalMeasure) : 0,
      envs,
      ...(limitedBy ? { limitedBy } : {}),
    },
  };
}

/** Writes `<dir>/mixed.jsonl` and `<dir>/manifest.json`. */
export function writeMix(
  dir: string,
  mix: { conversations: Conversation[]; manifest: MixManifest },
): { file: string } {
  const file = join(dir, "mixed.jsonl");
  writeConversations(file, mix.conversations);
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(mix.manifest, null, 2)}\n`);
  return { file };
}
