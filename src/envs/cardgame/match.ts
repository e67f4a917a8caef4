// One game between two seats, driven as the judger drives it: each message goes to the player whose
// turn it is, and its answer is applied before the next. A scripted seat answers at once; the other
// seat (the LLM's harness) is handed each decision in turn.
import { PythonRandom } from "../lib/python-random.js";
import { type BaselineName, createBaseline, type ScriptedPlayer } from "./baselines.js";
import { Aquawar } from "./engine.js";
import type { ActionOp, GuessOp } from "./game-types.js";
import { PlayerView } from "./sdk.js";

/** The line-up AI_En.py always fields: spray, flame, eel, sunfish at positions 0-3. */
export const llmLineup = [1, 2, 3, 4];

export class Match {
  readonly game = new Aquawar();
  readonly views: [PlayerView, PlayerView];
  private readonly players: [ScriptedPlayer | undefined, ScriptedPlayer | undefined];

  /**
   * `seats[i]` is a baseline, or "external" for the seat whose decisions come from outside.
   * Each seat draws from its own stream, seeded `seed` and `seed + 1`.
   */
  constructor(seats: readonly [BaselineName | "external", BaselineName | "external"], seed: number) {
    this.views = [new PlayerView(0, new PythonRandom(seed)), new PlayerView(1, new PythonRandom(seed + 1))];
    this.players = [0, 1].map((i) => {
      const seat = seats[i] as BaselineName | "external";
      return seat === "external" ? undefined : createBaseline(seat, this.views[i] as PlayerView);
    }) as [ScriptedPlayer | undefined, ScriptedPlayer | undefined];
    for (const player of [0, 1]) this.game.pick(player, this.players[player]?.pick() ?? llmLineup);
  }

  get over(): boolean {
    return this.game.phase === "over";
  }

  /**
   * Plays scripted moves until the external seat must decide (its view updated with the message it
   * would get) or the game is over; returns the decision wanted.
   */
  advance(): "guess" | "action" | undefined {
    while (this.game.phase === "guess" || this.game.phase === "action") {
      const seat = this.game.turn;
      const view = this.views[seat] as PlayerView;
      if (this.game.phase === "guess") view.onGuessMessage(this.game.guessMessage());
      else view.onActionMessage(this.game.actionMessage());
      const player = this.players[seat];
      if (!player) return this.game.phase;
      if (this.game.phase === "guess") this.game.guess(player.guess());
      else this.game.act(player.act());
    }
    return undefined;
  }

  guess(op: GuessOp): void {
    this.game.guess(op);
  }

  act(op: ActionOp): void {
    this.game.act(op);
  }
}

/** A whole game between two baselines (the bench and the reported baseline-vs-baseline rate). */
export function playScripted(seats: readonly [BaselineName, BaselineName], seed: number): Aquawar {
  const match = new Match(seats, seed);
  match.advance();
  return match.game;
}
