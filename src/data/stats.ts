// `dataset stats`: counts per env, turns, approximate tokens and a reward histogram.
import type { Trajectory } from "../core/index.js";

export interface EnvStats {
  records: number;
  turns: { mean: number; median: number; max: number };
  /** Approximate: four characters a token. */
  tokens: { mean: number; total: number; trained: number };
  /** Ten bins of width 0.1 over [0, 1); a reward of exactly 1 counts in the last. */
  rewardHistogram: number[];
}

export interface DatasetStats {
  records: number;
  perEnv: Record<string, EnvStats>;
}

const approxTokens = (text: string) => Math.ceil(text.length / 4);

export function datasetStats(records: readonly Trajectory[]): DatasetStats {
  const byEnv = new Map<string, Trajectory[]>();
  for (const r of records) byEnv.set(r.env, [...(byEnv.get(r.env) ?? []), r]);
  const perEnv: Record<string, EnvStats> = {};
  for (const [env, list] of [...byEnv].sort(([a], [b]) => a.localeCompare(b))) {
    const turns = list
      .map((r) => r.messages.filter((m) => m.role === "assistant" && m.loss !== false).length)
      .sort((a, b) => a - b);
    const tokens = list.map((r) => r.messages.reduce((n, m) => n + approxTokens(m.content), 0));
    const trained = list.reduce(
      (n, r) =>
        n +
        r.messages
          .filter((m) => m.role === "assistant" && m.loss !== false)
          .reduce((k, m) => k + approxTokens(m.content), 0),
      0,
    );
    const histogram = Array.from({ length: 10 }, () => 0);
    for (const r of list) {
      const bin = Math.min(9, Math.max(0, Math.floor(r.reward * 10)));
      histogram[bin] = (histogram[bin] ?? 0) + 1;
    }
    const total = tokens.reduce((a, b) => a + b, 0);
    perEnv[env] = {
      records: list.length,
      turns: {
        mean: turns.reduce((a, b) => a + b, 0) / list.length,
        median: turns[Math.floor((turns.length - 1) / 2)] ?? 0,
        max: turns.at(-1) ?? 0,
      },
      tokens: { mean: total / list.length, total, trained },
      rewardHistogram: histogram,
    };
  }
  return { records: records.length, perEnv };
}

export function formatDatasetStats(stats: DatasetStats): string {
  const header =
    "env        records  turns mean/median/max  tokens mean  tokens total  trained  reward histogram (0.0–1.0)";
  const rows = Object.entries(stats.perEnv).map(([env, s]) =>
    [
      env.padEnd(9),
      String(s.records).padStart(8),
      `${s.turns.mean.toFixed(2)}/${s.turns.median}/${s.turns.max}`.padStart(21),
      s.tokens.mean.toFixed(0).padStart(12),
      String(s.tokens.total).padStart(13),
      String(s.tokens.trained).padStart(8),
      ` ${s.rewardHistogram.join(" ")}`,
    ].join(" "),
  );
  return [header, ...rows, `${stats.records} records`].join("\n");
}
