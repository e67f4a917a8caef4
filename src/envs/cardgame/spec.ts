// The cardgame environment (held-out): AgentBench.old's Digital Card Game (Aquawar, stage 2) against
// its two scripted baselines, the engine and the baselines in TypeScript, in-process. Scored as
// AgentBench.old scores it: games won / games played, in percent.
import type { EnvSpec } from "../types.js";
import { CardgameEnvironment } from "./env.js";
import { triesPerDecision } from "./harness.js";
import { cardgameOracle } from "./oracle.js";
import { cardgameRules } from "./rules.js";
import {
  builtInSet,
  type CardgameTask,
  cardgameTaskId,
  cardgameTaskSchema,
  gamesPerPairing,
  generatedGames,
  loadCardgameTasks,
} from "./tasks.js";

/** Most model calls in a game: the 128-state limit allows 63 turns of a guess and an action, each tried 5 times. */
export const maxCalls = 63 * 2 * triesPerDecision;

export const cardgameSpec: EnvSpec<CardgameTask> = {
  name: "cardgame",
  description: "AgentBench's Digital Card Game (Aquawar) against its two baseline players",
  taskSchema: cardgameTaskSchema,
  taskId: cardgameTaskId,
  taskText: (task) => `Aquawar against ${task.opponent}, seat ${task.seat}, game ${task.game}`,
  replyProblem: (reply) => (/\{[\w\W]*?\}/.test(reply) ? undefined : "no JSON move ({…}) in the reply"),
  loadTasks: (source, options = {}) => loadCardgameTasks(source, options.episodes),
  // seeded games against the baselines; generation keeps those the oracle wins
  async *generateTasks({ count, seed }) {
    yield* generatedGames(count, seed);
  },
  async open(options = {}) {
    const { rules, file } = cardgameRules(options);
    return {
      name: "Aquawar engine (in-process)",
      ...(file ? { prompts: file } : {}),
      create: async (task) => new CardgameEnvironment(task, rules),
      close: async () => {},
    };
  },
  oracle: cardgameOracle,
  gold: (task) => ({ opponent: task.opponent, seat: task.seat, seed: task.seed }),
  benchmark: { task: "Digital Card Game", category: "held-out" },
  score: (metrics) => metrics.win_rate ?? 0,
  // task.py _cal_metric: wins over the games that produced a result
  metrics: (results) => {
    const played = results.filter((r) => typeof r.info?.won === "boolean");
    const wins = played.filter((r) => r.info?.won === true).length;
    const rate = (opponent: string) => {
      const games = played.filter((r) => r.info?.opponent === opponent);
      return games.length ? (100 * games.filter((r) => r.info?.won === true).length) / games.length : 0;
    };
    return {
      win_rate: played.length ? (100 * wins) / played.length : 0,
      games: played.length,
      wins,
      win_rate_baseline1: rate("baseline1"),
      win_rate_baseline2: rate("baseline2"),
    };
  },
  // card.sh --max_new_tokens 512; a game is training data only when it was won
  defaults: { maxTurns: maxCalls, maxTokens: 512, minReward: 1 },
};

export { builtInSet, gamesPerPairing };
