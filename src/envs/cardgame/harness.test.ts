// The LLM's side of AgentBench.old's card game, against its Python: the prompts AI_En.py builds from
// the SDK's arrays (stale slots included), the reply decoding and validation of _decode_move and
// _decode_guess, client.py's message order, and Session.filter_messages. The expected texts are
// written from reading that code, not from agenttune's output.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendAvailable } from "../../../test/helpers/backends.js";
import { PythonRandom } from "../lib/python-random.js";
import { Aquawar } from "./engine.js";
import {
  actionPrompt,
  calcSegments,
  decisionMessages,
  decodeGuess,
  decodeMove,
  filterMessages,
  guessPrompt,
  moveToAction,
  rulesReply,
} from "./harness.js";
import { cardgameRules, ownRules, readRules } from "./rules.js";
import { PlayerView } from "./sdk.js";

/**
 * Player 0 (the LLM's line-up) AOEs with its spray; player 1 (same line-up) attacks player 0's eel;
 * player 0's view at its next guess and action.
 */
function afterOneTurnEach() {
  const game = new Aquawar();
  game.pick(0, [1, 2, 3, 4]);
  game.pick(1, [1, 2, 3, 4]);
  const view = new PlayerView(0, new PythonRandom(0));
  view.onGuessMessage(game.guessMessage());
  const firstGuess = guessPrompt(view);
  game.guess({ Action: "Null" });
  view.onActionMessage(game.actionMessage());
  const firstAction = actionPrompt(view);
  game.act({ Action: "Action", Type: 1, MyPos: 0, MyList: [], EnemyList: [0, 1, 2, 3] });
  game.guess({ Action: "Null" });
  game.act({ Action: "Action", Type: 0, MyPos: 0, EnemyPos: 2 });
  view.onGuessMessage(game.guessMessage());
  const guess = guessPrompt(view);
  game.guess({ Action: "Null" });
  view.onActionMessage(game.actionMessage());
  return { game, view, firstGuess, firstAction, guess, action: actionPrompt(view) };
}

describe("card game prompts (AI_En.py)", () => {
  it("opens with the guess prompt; the zeroed passive arrays already read as a counter at 0", () => {
    const { firstGuess, firstAction } = afterOneTurnEach();
    expect(firstGuess).toBe(
      `Previous Guess: False\nLive Enemy Fish: ['0', '1', '2', '3']\nEnemy's previous action: {'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None', 'SKILL_TYPE': 'None'}\nEnemy's previous triggered passive ability: {"Position: 0": "Counter"}\n\nPlease output your guess.`,
    );
    const full = (id: string, pos: number) =>
      `{"ID": "${id}", "POSITION": "${pos}", "HP": "400", "ATK": "200"}`;
    const hidden = (pos: number) => `{"ID": "unknown", "POSITION": "${pos}", "HP": "400", "ATK": "unknown"}`;
    expect(firstAction).toBe(
      `Following is the current game state:\n{"You": [${["spray", "flame", "eel", "sunfish"].map(full).join(", ")}], "Enemy": [${[0, 1, 2, 3].map(hidden).join(", ")}]}\n\nYour previous action: {'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None'}\nEnemy's previous action: {'ACTION_FISH': 'None', 'ATK': 'None', 'TARGET': 'None'}\n\nPlease Output your next action.`,
    );
  });

  it("reports actions as the SDK's arrays give them: slot numbers of non-zero targets, the first slot's damage", () => {
    const { guess, action } = afterOneTurnEach();
    // the enemy hit position 2: enemy_targets = [2, 0, …] → non-zero slot [0]; the deflects of the
    // enemy's eel and sunfish (my AOE) come first, then the zero slots as a counter at 0
    expect(guess).toBe(
      `Previous Guess: False\nLive Enemy Fish: ['0', '1', '2', '3']\nEnemy's previous action: {'ACTION_FISH': '0', 'ATK': '100', 'TARGET': '[0]', 'SKILL_TYPE': 'Normal'}\nEnemy's previous triggered passive ability: {"Position: 2": "Deflect", "Position: 3": "Deflect", "Position: 0": "Counter"}\n\nPlease output your guess.`,
    );
    // my AOE hit positions 0-3: slots 1-3 are non-zero; my eel kept 70 and passed 10 to each teammate
    expect(action).toContain(
      `{"ID": "spray", "POSITION": "0", "HP": "390", "ATK": "200"}, {"ID": "flame", "POSITION": "1", "HP": "390", "ATK": "200"}, {"ID": "eel", "POSITION": "2", "HP": "330", "ATK": "200"}`,
    );
    expect(action).toContain(`{"ID": "unknown", "POSITION": "3", "HP": "344", "ATK": "unknown"}`);
    expect(action).toContain(
      `Your previous action: {'ACTION_FISH': '0', 'ATK': '70', 'TARGET': '[1, 2, 3]'}\nEnemy's previous action: {'ACTION_FISH': '0', 'ATK': '100', 'TARGET': '[0]'}`,
    );
  });

  it("shows a revealed enemy by name and a right guess as True", () => {
    const { game, view } = afterOneTurnEach();
    game.act({ Action: "Action", Type: 0, MyPos: 1, EnemyPos: 0 });
    game.guess({ Action: "Assert", Pos: 0, ID: 1 });
    game.act({ Action: "Action", Type: 0, MyPos: 0, EnemyPos: 1 });
    view.onGuessMessage(game.guessMessage());
    game.guess({ Action: "Assert", Pos: 1, ID: 2 });
    view.onActionMessage(game.actionMessage());
    expect(actionPrompt(view)).toContain(`"Enemy": [{"ID": "unknown", "POSITION": "0"`);
    expect(actionPrompt(view)).toContain(`{"ID": "flame", "POSITION": "1", "HP": "`);
    view.onGuessMessage(game.guessMessage());
    expect(guessPrompt(view)).toMatch(/^Previous Guess: True\n/);
  });
});

describe("card game reply decoding (_decode_move, _decode_guess)", () => {
  const { view } = afterOneTurnEach();
  const move = (reply: string) => {
    const decoded = decodeMove(reply, view);
    const action = decoded && moveToAction(decoded, view);
    return action ? view.actionOp(action) : undefined;
  };

  it("takes the first {…} that parses after ' → \" and passes the checks", () => {
    expect(move(`I attack.\n{'pick_fish': 'flame', 'action': 'normal', 'target_position': 2}`)).toEqual({
      Action: "Action",
      Type: 0,
      MyPos: 1,
      EnemyPos: 2,
    });
    expect(
      move(
        `{"pick_fish": "shark", "action": "normal", "target_position": 1} or {"pick_fish": "eel", "action": "normal", "target_position": "3"}`,
      ),
    ).toEqual({ Action: "Action", Type: 0, MyPos: 2, EnemyPos: 3 });
    // the non-greedy match ends at the first "}": a nested object never parses
    expect(move(`{"pick_fish": "eel", "action": "normal", "target_position": {"pos": 1}}`)).toBeUndefined();
    expect(move("I pass.")).toBeUndefined();
  });

  it("reads the target as Python does: str(), then int()", () => {
    expect(move(`{"pick_fish": "flame", "action": "normal", "target_position": 2.0}`)).toBeUndefined();
    expect(move(`{"pick_fish": "flame", "action": "normal", "target_position": "2.0"}`)).toBeUndefined();
    expect(move(`{"pick_fish": "flame", "action": "normal", "target_position": true}`)).toBeUndefined();
    expect(move(`{"pick_fish": "flame", "action": "normal", "target_position": " +2 "}`)?.Type).toBe(0);
    expect(move(`{"pick_fish": "flame", "action": "normal", "target_position": 7}`)).toBeUndefined();
    // a fish name, or its position as a string; a number is no key of name_to_pos
    expect(move(`{"pick_fish": "2", "action": "normal", "target_position": 0}`)).toMatchObject({ MyPos: 2 });
    expect(move(`{"pick_fish": 2, "action": "normal", "target_position": 0}`)).toBeUndefined();
  });

  it("sends an AOE to every living enemy whatever the target; infight on a living teammate, never itself", () => {
    expect(move(`{"pick_fish": "spray", "action": "active", "target_position": [9]}`)).toEqual({
      Action: "Action",
      Type: 1,
      MyPos: 0,
      MyList: [],
      EnemyList: [0, 1, 2, 3],
    });
    expect(move(`{"pick_fish": "flame", "action": "active", "target_position": 3}`)).toMatchObject({
      MyPos: 1,
      MyList: [3],
      EnemyList: [],
    });
    expect(move(`{"pick_fish": "flame", "action": "active", "target_position": 1}`)).toBeUndefined();
    // by position, flame's skill goes through set_enemy_target, which the SDK refuses for flame
    expect(move(`{"pick_fish": "1", "action": "active", "target_position": 3}`)).toBeUndefined();
    // by position, spray's active skill is still an AOE (the SDK looks the fish up)
    expect(move(`{"pick_fish": "0", "action": "active", "target_position": 3}`)).toMatchObject({
      Type: 1,
      EnemyList: [0, 1, 2, 3],
    });
  });

  it("accepts a guess only with a target string '0'…'3' or an int, of a living enemy", () => {
    expect(decodeGuess(`{"guess_type": "eel", "target_position": 2}`, view)).toEqual({ target: 2, fish: 3 });
    expect(decodeGuess(`{'guess_type': 'spray', 'target_position': '0'}`, view)).toEqual({
      target: 0,
      fish: 1,
    });
    expect(decodeGuess(`{"guess_type": "eel", "target_position": " 2"}`, view)).toBeUndefined();
    expect(decodeGuess(`{"guess_type": "eel", "target_position": 2.0}`, view)).toBeUndefined();
    expect(decodeGuess(`{"guess_type": "shark", "target_position": 2}`, view)).toBeUndefined();
    expect(decodeGuess(`{"guess_type": "eel"}`, view)).toBeUndefined();
  });
});

describe("card game messages (client.py, Session.filter_messages)", () => {
  it("counts segments as _calc_segments: 7-letter chunks of words, each other non-space character", () => {
    expect(calcSegments("Hello, world")).toBe(3);
    expect(calcSegments("abcdefghij")).toBe(2);
    expect(calcSegments("a\nb")).toBe(2);
    expect(calcSegments("x=1")).toBe(3);
    expect(calcSegments("Ünïcödé")).toBe(1);
  });

  it("keeps the first message, then the newest under the budget, never starting on a user turn", () => {
    const m = (content: string, i: number) => ({ role: i % 2 ? "assistant" : "user", content }) as const;
    const messages = ["a b c", "dddd", "e", "f", "g"].map(m);
    expect(filterMessages(messages, 7)).toEqual([
      { role: "user", content: "a b c\n\n[NOTICE] 2 messages are omitted." },
      { role: "assistant", content: "f" },
      { role: "user", content: "g" },
    ]);
    // a budget so small that even the prompt goes: only the first message and the notice are left
    expect(filterMessages(messages, 5)).toEqual([
      { role: "user", content: "a b c\n\n[NOTICE] 4 messages are omitted." },
    ]);
    expect(filterMessages(messages)).toEqual(messages);
  });

  it("sends the kept pairs, then the rules turn and its fixed answer, then the prompt", () => {
    const messages = decisionMessages(
      [
        ["p1", "r1"],
        ["p2", "r2"],
      ],
      "RULES",
      "now",
    );
    expect(messages.map((x) => [x.role, x.content])).toEqual([
      ["user", "p1"],
      ["assistant", "r1"],
      ["user", "p2"],
      ["assistant", "r2"],
      ["user", "RULES"],
      ["assistant", rulesReply],
      ["user", "now"],
    ]);
  });
});

describe("card game rules text (prompt/en.py)", () => {
  const fixture = "test/fixtures/agenttuning";
  const file = join(fixture, "AgentBench.old/src/tasks/card_game/AI_SDK/Python/prompt/en.py");

  it("assembles ACTION_DESCRIPTION[2] and GUESS_DESCRIPTION[2] exactly as Python does", () => {
    const python = spawnSync(
      "python3",
      ["-c", "import sys, json, en; print(json.dumps([en.ACTION_DESCRIPTION[2], en.GUESS_DESCRIPTION[2]]))"],
      {
        cwd: join(file, ".."),
        encoding: "utf8",
      },
    );
    if (!backendAvailable("python3", python.status === 0)) return;
    const [action, guess] = JSON.parse(python.stdout) as [string, string];
    expect(readRules(file)).toEqual({ action, guess });
    // found through an AgentTuning checkout; without one, agenttune's wording with the same JSON keys
    expect(cardgameRules({ agenttuning: fixture }).file).toBe(file);
    expect(cardgameRules({}).rules).toBe(ownRules);
    for (const key of ["pick_fish", "action", "target_position"])
      expect(ownRules.action).toContain(`"${key}"`);
    for (const key of ["guess_type", "target_position"]) expect(ownRules.guess).toContain(`"${key}"`);
  });

  it("reproduces AgentBench.old's card game only", () => {
    expect(() => cardgameRules({ agentbench: fixture, protocol: "agentbench-v0.2" })).toThrow(
      /only AgentBench.old's card game/,
    );
  });
});

describe("card game rules file errors", () => {
  it("names the file and the missing assignment", () => {
    const broken = join(mkdtempSync(join(tmpdir(), "cg-en-")), "en.py");
    writeFileSync(broken, 'action_format = {"pick_fish": "x"}\nfish_description = {}\n');
    expect(() => readRules(broken)).toThrow(new RegExp(`${broken}: no "ACTION_PROMPT = …" assignment`));
  });
});
