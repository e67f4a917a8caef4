// Card game tasks: one game each, against a baseline, from one seat, with a recorded seed. The
// built-in set is AgentBench.old's Extend split (task.py get_data: stage 2 × {baseline1, baseline2}
// × seat {0, 1} × test_time games, test_time 50 in configs/tasks/card_game/ext.yaml).
import { z } from "zod";
import { readJsonl } from "../../core/index.js";
import { baselineNames } from "./baselines.js";

export const cardgameTaskSchema = z.object({
  opponent: z.enum(baselineNames),
  /** The LLM's seat: 0 moves first. */
  seat: z.union([z.literal(0), z.literal(1)]),
  game: z.number().int().nonnegative(),
  /** Seeds the opponent's randomness (the original's is unseeded). */
  seed: z.number().int().nonnegative(),
});
export type CardgameTask = z.infer<typeof cardgameTaskSchema>;

export const builtInSet = "agentbench-ext";
/** ext.yaml test_time. */
export const gamesPerPairing = 50;

export const cardgameTaskId = (task: CardgameTask) => `${task.opponent}/seat${task.seat}/${task.game}`;

/** The built-in set: every (baseline, seat) pairing × `games`. */
export function extendSplit(games = gamesPerPairing): CardgameTask[] {
  const tasks: CardgameTask[] = [];
  baselineNames.forEach((opponent, o) => {
    for (const seat of [0, 1] as const)
      for (let game = 0; game < games; game++)
        tasks.push({ opponent, seat, game, seed: 2 * (game * 4 + o * 2 + seat) });
  });
  return tasks;
}

/** "agentbench-ext" (with `games` per pairing), or a JSONL file of tasks. */
export async function* loadCardgameTasks(source: string, games?: number): AsyncIterable<CardgameTask> {
  if (source === builtInSet) {
    yield* extendSplit(games);
    return;
  }
  for await (const { value } of readJsonl(source, cardgameTaskSchema)) yield value;
}

/**
 * Games beyond the built-in set, for data runs: the four pairings in turn, game numbers from 1000 and
 * seeds drawn from `seed`, so they never repeat the ext split's games.
 */
export function* generatedGames(count: number, seed: number): Iterable<CardgameTask> {
  for (let k = 0; k < count; k++) {
    const pairing = k % 4;
    yield {
      opponent: baselineNames[pairing >> 1] as CardgameTask["opponent"],
      seat: (pairing & 1) as 0 | 1,
      game: 1000 + k,
      seed: 2 * (50_000 + seed * 10_000 + k),
    };
  }
}
