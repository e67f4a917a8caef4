// The rules turns the LLM gets: read from the user's AgentBench.old (prompt/en.py, assembled with
// Python's `%` and dict reprs as the module does), else agenttune's own wording of the same rules and
// the same JSON move formats.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/index.js";
import { openAgentBenchCheckout } from "../lib/agentbench/checkout.js";
import { pythonAssignment } from "../lib/python-literal.js";
import { pythonPercentFormat, pythonRepr } from "../lib/python-repr.js";
import type { EnvOpenOptions } from "../types.js";
import type { CardgameRules } from "./harness.js";

const promptFile = join("AI_SDK", "Python", "prompt", "en.py");

/** en.py in the checkout the options name, or undefined for agenttune's wording. */
export function rulesFile({ agentbench, agenttuning, protocol }: EnvOpenOptions): string | undefined {
  if (agentbench) {
    if (protocol && protocol !== "agentbench-old")
      throw new InputError(
        "cardgame: only AgentBench.old's card game (AgentTuning's protocol) is reproduced; drop --protocol or pass agentbench-old",
      );
    const file = openAgentBenchCheckout(agentbench, "agentbench-old").taskFile("card_game", promptFile);
    if (!existsSync(file)) throw new InputError(`${file}: missing from the AgentBench checkout`);
    return file;
  }
  if (agenttuning) {
    const file = join(agenttuning, "AgentBench.old", "src", "tasks", "card_game", promptFile);
    return existsSync(file) ? file : undefined;
  }
  return undefined;
}

/** ACTION_DESCRIPTION[2] and GUESS_DESCRIPTION[2] as prompt/en.py computes them. */
export function readRules(file: string): CardgameRules {
  const source = readFileSync(file, "utf8");
  const value = (name: string) => pythonAssignment(source, name, file);
  const text = (name: string) => {
    const v = value(name);
    if (typeof v !== "string") throw new InputError(`${file}: ${name} is not a string`);
    return v;
  };
  const fishTable = pythonRepr(value("fish_description"));
  try {
    return {
      action: pythonPercentFormat(
        text("ACTION_PROMPT"),
        [text("GUESS_RULE"), fishTable, pythonRepr(value("action_format"))],
        `${file}: ACTION_PROMPT`,
      ),
      guess: pythonPercentFormat(
        text("GUESS_PROMPT"),
        [fishTable, pythonRepr(value("guess_format"))],
        `${file}: GUESS_PROMPT`,
      ),
    };
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

const ownFish = `- spray. Active "AOE": hits every living enemy for 35% of its attack. Passive "Counter": when a teammate is hit and left under 30% of its health, the attacker takes 30 damage.
- flame. Active "Infight": deals 75 damage to one living teammate (never itself) and gains 140 attack. Passive "Counter": as spray's.
- eel. Active "AOE": as spray's. Passive "Deflect": when attacked, it passes part of the damage to its living teammates; every 200 damage it has taken adds 40 to its attack.
- sunfish. Active "Infight": as flame's. Passive "Deflect": as eel's.`;

/** agenttune's wording, used without an AgentBench.old checkout. */
export const ownRules: CardgameRules = {
  action: `We play a turn-based battle game. Each side has four fish; each fish starts with 400 health and 200 attack and has an active and a passive skill.
On your turn, pick one of your living fish and either make a normal attack (half its attack, on one living enemy) or use its active skill. Passive skills trigger on their own.
Fish identities start hidden. Each turn the enemy may guess one of your fish; a right guess reveals it and deals 50 damage to each of your fish.
You win by having more fish alive at the end.

The fish types:
${ownFish}

Each turn, think it through, then give your move as JSON in this form:
{"pick_fish": "<one of your living fish: spray, flame, eel or sunfish>", "action": "<normal or active>", "target_position": "<the target's position, 0 to 3>"}

You must give a move every turn; a turn without one loses the game.`,
  guess: `We play a turn-based battle game with four fish on each side; their identities start hidden.
Each turn, guess the type of one living enemy fish. A right guess reveals it and deals 50 damage to each enemy fish. You can only guess living fish.
You win by having more fish alive at the end.

The fish types:
${ownFish}

Each turn, think it through, then give your guess as JSON in this form:
{"guess_type": "<spray, flame, eel or sunfish>", "target_position": "<the enemy fish's position, 0 to 3>"}

You must give a guess every turn.`,
};

/** The rules for a run: from the checkout the options name, else agenttune's. */
export function cardgameRules(options: EnvOpenOptions): { rules: CardgameRules; file?: string } {
  const file = rulesFile(options);
  return file ? { rules: readRules(file), file } : { rules: ownRules };
}
