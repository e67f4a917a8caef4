// One card game as an episode. Each model call is one decision (a guess or an action) and gets the
// messages AgentBench.old's harness sends: the recent successful pairs of that kind, the rules turn,
// the decision's prompt, cut by filter_messages. A reply that does not decode is asked again, up to 5
// times; then a guess is skipped and an action loses the game. Reward 1 for a win.
import type { Message, StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import {
  actionPrompt,
  type CardgameRules,
  type Decision,
  decisionMessages,
  decodeGuess,
  decodeMove,
  guessPrompt,
  moveToAction,
  pairsKept,
  triesPerDecision,
} from "./harness.js";
import { Match } from "./match.js";
import type { CardgameTask } from "./tasks.js";

export class CardgameEnvironment implements Environment {
  private readonly match: Match;
  private decision: Decision | undefined;
  private prompt = "";
  private tries = 0;
  private readonly pairs: Record<Decision, [string, string][]> = { guess: [], action: [] };
  private readonly counts = { guesses: 0, rightGuesses: 0, skippedGuesses: 0, actions: 0, retries: 0 };

  constructor(
    private readonly task: CardgameTask,
    private readonly rules: CardgameRules,
  ) {
    const seats =
      task.seat === 0 ? (["external", task.opponent] as const) : ([task.opponent, "external"] as const);
    this.match = new Match(seats, task.seed);
  }

  async reset(): Promise<{ messages: Message[]; finished?: StepResult }> {
    const finished = this.next();
    if (finished) return { messages: [], finished };
    return { messages: this.window() };
  }

  /** The harness's messages for the current decision (runEpisode sends these, not the whole trajectory). */
  trimHistory(): Message[] {
    return this.window();
  }

  async step(reply: string): Promise<StepResult> {
    const view = this.match.views[this.task.seat];
    if (this.decision === "guess") {
      const guess = decodeGuess(reply, view);
      if (!guess && ++this.tries < triesPerDecision) return this.askAgain();
      this.counts.guesses++;
      if (guess) {
        this.pairs.guess.push([this.prompt, reply]);
        const op = view.guessOp([guess.target, guess.fish]);
        this.match.guess(op);
        if (this.match.game.lastAssert?.AssertResult) this.counts.rightGuesses++;
      } else {
        this.counts.skippedGuesses++;
        this.match.guess({ Action: "Null" });
      }
    } else {
      const move = decodeMove(reply, view);
      const action = move && moveToAction(move, view);
      if (!action) {
        if (++this.tries < triesPerDecision) return this.askAgain();
        // AI_En.py's Act returns '' and the SDK's call fails: the game is lost
        this.match.game.forfeit(this.task.seat, `no valid action in ${triesPerDecision} replies`);
        return this.result();
      }
      this.counts.actions++;
      this.pairs.action.push([this.prompt, reply]);
      this.match.act(view.actionOp(action));
    }
    return this.next() ?? { observation: this.prompt, reward: 0, done: false };
  }

  async close(): Promise<void> {}

  private askAgain(): StepResult {
    this.counts.retries++;
    return { observation: this.prompt, reward: 0, done: false };
  }

  /** Plays the opponent up to the LLM's next decision; the game's result when it is over. */
  private next(): StepResult | undefined {
    this.decision = this.match.advance();
    this.tries = 0;
    if (!this.decision) return this.result();
    const view = this.match.views[this.task.seat];
    this.prompt = this.decision === "guess" ? guessPrompt(view) : actionPrompt(view);
    return undefined;
  }

  private window(): Message[] {
    const kind = this.decision ?? "action";
    return decisionMessages(this.pairs[kind].slice(-pairsKept[kind]), this.rules[kind], this.prompt);
  }

  private result(): StepResult {
    const { game } = this.match;
    const won = game.winner === this.task.seat;
    const sides = game.sides.map((side) => side.map((f) => Math.max(f.hp, 0)));
    return {
      observation: "",
      reward: won ? 1 : 0,
      done: true,
      ...(won
        ? {}
        : {
            failure:
              game.endReason === "invalid-move" && game.turn === this.task.seat
                ? "invalid_action"
                : "wrong_answer",
          }),
      info: {
        won,
        winner: game.winner,
        seat: this.task.seat,
        opponent: this.task.opponent,
        seed: this.task.seed,
        end: game.endReason,
        ...(game.invalidMove ? { invalidMove: game.invalidMove } : {}),
        states: game.state,
        hp: { llm: sides[this.task.seat], opponent: sides[this.task.seat ^ 1] },
        ...this.counts,
      },
    };
  }
}
