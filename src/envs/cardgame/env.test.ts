// The card game as episodes: the messages each model call gets (AI_En.py's windows), the 5 tries per
// decision and what follows when they run out, the oracle and the baselines over the 200 seeded games
// of AgentBench.old's ext split, through the eval runner.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runEpisode } from "../../agent/index.js";
import type { Message } from "../../core/index.js";
import { runEval } from "../../eval/index.js";
import type { ChatModel } from "../../models/index.js";
import { rulesReply } from "./harness.js";
import { playScripted } from "./match.js";
import { cardgameOracle } from "./oracle.js";
import { ownRules } from "./rules.js";
import { cardgameSpec } from "./spec.js";
import { type CardgameTask, extendSplit } from "./tasks.js";

const task: CardgameTask = { opponent: "baseline2", seat: 0, game: 0, seed: 0 };

/** A model that answers every guess with `guess` and every action as the oracle would; records each call. */
function recordingModel(guess: (prompt: string) => string, calls: Message[][]): ChatModel {
  const oracle = cardgameOracle(task);
  return {
    id: "recording",
    async complete(messages) {
      calls.push(messages);
      const prompt = messages.at(-1)?.content ?? "";
      return { text: prompt.startsWith("Previous Guess:") ? guess(prompt) : oracle.reply(messages) };
    },
  };
}

async function play(model: ChatModel, agenttuning?: string) {
  const backend = await cardgameSpec.open(agenttuning ? { agenttuning } : {});
  return runEpisode({ spec: cardgameSpec, backend, task, model });
}

describe("cardgame episodes", () => {
  it("asks each decision up to 5 times; a guess that never decodes is skipped, the game goes on", async () => {
    const calls: Message[][] = [];
    const t = await play(
      recordingModel(() => "I cannot tell.", calls),
      "test/fixtures/agenttuning",
    );
    const guesses = calls.filter((c) => c.at(-1)?.content.startsWith("Previous Guess:"));
    const actions = calls.filter((c) => c.at(-1)?.content.startsWith("Following is the current game state:"));
    expect(t.info).toMatchObject({
      skippedGuesses: guesses.length / 5,
      retries: guesses.length - guesses.length / 5,
    });
    // no guess ever succeeded: each guess call is the guess rules turn, its answer, the prompt
    for (const call of guesses) {
      expect(call).toHaveLength(3);
      expect(call[0]?.content).toMatch(/^Fixture guessing rules/);
      expect(call[1]).toEqual({ role: "assistant", content: rulesReply });
    }
    // actions: the last 2 successful (prompt, reply) pairs, then the action rules turn, then the prompt
    actions.forEach((call, i) => {
      const pairs = Math.min(i, 2);
      expect(call).toHaveLength(2 * pairs + 3);
      expect(call[2 * pairs]?.content).toMatch(/^Fixture rules for a fish battle/);
      if (pairs) expect(call[0]?.content).toBe(actions[i - pairs]?.at(-1)?.content);
    });
    // the trajectory holds every call's prompt and reply once, after the first call's rules turn
    expect(t.turns).toBe(calls.length);
    expect(t.messages[0]?.content).toMatch(/^Fixture guessing rules/);
    expect(t.messages.filter((m) => m.role === "assistant")).toHaveLength(calls.length + 1);
  });

  it("keeps the last 3 successful guesses before the rules turn", async () => {
    const calls: Message[][] = [];
    // a guess that decodes, though rarely right: position of the first living enemy, always a spray
    const t = await play(
      recordingModel((prompt) => {
        const live = /Live Enemy Fish: \['(\d)'/.exec(prompt)?.[1] ?? "0";
        return `{"guess_type": "spray", "target_position": ${live}}`;
      }, calls),
    );
    const guesses = calls.filter((c) => c.at(-1)?.content.startsWith("Previous Guess:"));
    guesses.forEach((call, i) => {
      expect(call).toHaveLength(2 * Math.min(i, 3) + 3);
      expect(call.at(-3)?.content).toBe(ownRules.guess);
    });
    expect(t.info).toMatchObject({ skippedGuesses: 0, retries: 0 });
    expect(guesses.length).toBeGreaterThan(3);
  });

  it("an action that never decodes loses the game after 5 tries", async () => {
    const never: ChatModel = { id: "never", complete: async () => ({ text: "Let me think about it." }) };
    const t = await play(never);
    // seat 0: the guess (5 tries, skipped), then the action (5 tries, lost)
    expect(t.turns).toBe(10);
    expect(t.reward).toBe(0);
    expect(t.failure).toBe("invalid_action");
    expect(t.info).toMatchObject({
      won: false,
      winner: 1,
      end: "invalid-move",
      invalidMove: "no valid action in 5 replies",
    });
  });

  it("the oracle wins at least 90% against each baseline over the 200 seeded games (AgentBench.old's ext split)", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "cardgame-")), "out");
    const summary = await runEval({
      env: "cardgame",
      tasks: "agentbench-ext",
      model: "oracle",
      out,
      progress: false,
    });
    expect(summary.tasks).toBe(200);
    expect(summary.metrics).toEqual({
      win_rate: 95.5,
      games: 200,
      wins: 191,
      win_rate_baseline1: 100,
      win_rate_baseline2: 91,
    });
    // fewer games per pairing with --games (episodes)
    const few = await runEval({
      env: "cardgame",
      tasks: "agentbench-ext",
      episodes: 2,
      model: "oracle",
      out: `${out}-few`,
      progress: false,
    });
    expect(few.tasks).toBe(8);
  });

  it("baseline2 beats baseline1 at a stable rate, the same for the same seeds", () => {
    const rate = () => {
      let wins = 0;
      for (const { seed, seat } of extendSplit(50)) {
        const seats =
          seat === 0 ? (["baseline2", "baseline1"] as const) : (["baseline1", "baseline2"] as const);
        if (playScripted(seats, seed).winner === seat) wins++;
      }
      return wins / 200;
    };
    const first = rate();
    expect(first).toBeGreaterThan(0.9);
    expect(rate()).toBe(first);
  });
});
