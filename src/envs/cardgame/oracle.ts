// The card game's oracle: a scripted player that answers the harness's prompts in its JSON format.
// Like other oracles it knows what the task hides: the opponent's line-up, replayed from the task's
// seed, so every guess is right. Each action is the best of every legal move by a one-move search on
// the engine, from the board the prompt shows (enemy attack points, never shown, taken as 200).
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import { Aquawar, legalActions } from "./engine.js";
import { type ActionOp, type Fish, fishName, startAtk } from "./game-types.js";
import { Match } from "./match.js";
import type { CardgameTask } from "./tasks.js";

const stateSchemaLine = /^Following is the current game state:\n(.*)$/m;

interface ShownFish {
  ID: string;
  POSITION: string;
  HP: string;
  ATK: string;
}

export function cardgameOracle(task: CardgameTask): OracleSolver {
  const seats =
    task.seat === 0 ? (["external", task.opponent] as const) : ([task.opponent, "external"] as const);
  const lineup = new Match(seats, task.seed).game.side(task.seat ^ 1).map((f) => f.id);
  const guessed = new Set<number>();
  return {
    reply(messages: readonly Message[]): string {
      const prompt = messages.at(-1)?.content ?? "";
      if (prompt.startsWith("Previous Guess:")) {
        const live = /^Live Enemy Fish: \[(.*)\]$/m.exec(prompt)?.[1] ?? "";
        const positions = [...live.matchAll(/'(\d)'/g)].map((m) => Number(m[1]));
        const target = positions.find((p) => !guessed.has(p)) ?? positions[0] ?? 0;
        guessed.add(target);
        const name = fishName(lineup[target] as number);
        return `The fish at position ${target} is a ${name}.\n{"guess_type": "${name}", "target_position": ${target}}`;
      }
      const json = stateSchemaLine.exec(prompt)?.[1];
      if (!json) return "I cannot read the game state.";
      const state = JSON.parse(json) as { You: ShownFish[]; Enemy: ShownFish[] };
      const best = bestMove(state, lineup);
      const picked = fishName(best.MyPos + 1) as string;
      const target =
        best.Type === 0 && "EnemyPos" in best ? best.EnemyPos : "MyList" in best ? (best.MyList[0] ?? 0) : 0;
      const action = best.Type === 0 ? "normal" : "active";
      return `${picked} makes the move that leaves the board best.\n{"pick_fish": "${picked}", "action": "${action}", "target_position": ${target}}`;
    },
  };
}

/** The board as the prompt shows it, with the hidden enemy types filled in from the line-up. */
function boardFrom(state: { You: ShownFish[]; Enemy: ShownFish[] }, lineup: readonly number[]): Aquawar {
  const game = new Aquawar();
  const fish = (shown: ShownFish, pos: number, player: number, id: number): Fish => {
    const hp = Number(shown.HP);
    return {
      id,
      pos,
      hp,
      maxHp: 400,
      atk: shown.ATK === "unknown" ? startAtk : Number(shown.ATK),
      wound: 0,
      dead: hp <= 0,
      exposed: false,
      player,
    };
  };
  game.sides[0] = state.You.map((f, pos) => fish(f, pos, 0, pos + 1));
  game.sides[1] = state.Enemy.map((f, pos) => fish(f, pos, 1, lineup[pos] as number));
  game.phase = "action";
  game.turn = 0;
  return game;
}

/** Living fish count most; then health, and a little for attack points (they pay off later). */
function value(game: Aquawar): number {
  if (game.phase === "over") return game.winner === 0 ? 1e6 : -1e6;
  const side = (player: number) =>
    game.side(player).reduce((sum, f) => sum + (f.hp > 0 ? 600 + f.hp + 0.5 * f.atk : 0), 0);
  return side(0) - side(1);
}

/** A copy of a board to try a move on. */
function copy(game: Aquawar): Aquawar {
  const next = new Aquawar();
  next.sides[0] = game.side(0).map((f) => ({ ...f }));
  next.sides[1] = game.side(1).map((f) => ({ ...f }));
  next.phase = game.phase;
  next.turn = game.turn;
  return next;
}

/** The move whose worst answer (the enemy's next action, its guess left out) leaves the best board. */
function bestMove(state: { You: ShownFish[]; Enemy: ShownFish[] }, lineup: readonly number[]): ActionOp {
  const start = boardFrom(state, lineup);
  let best: ActionOp | undefined;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const move of legalActions(start)) {
    const after = copy(start);
    after.act(move);
    let worst = value(after);
    if (after.phase === "guess") {
      after.phase = "action";
      for (const answer of legalActions(after)) {
        const reply = copy(after);
        reply.act(answer);
        worst = Math.min(worst, value(reply));
      }
    }
    if (worst > bestValue) {
      bestValue = worst;
      best = move;
    }
  }
  return best ?? { Action: "Action", Type: 0, MyPos: 0, EnemyPos: 0 };
}
