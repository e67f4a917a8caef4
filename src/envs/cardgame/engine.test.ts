// The Aquawar engine against AgentBench.old's C++ logic (logic/src/fish.cpp, fishset.cpp,
// aqua_sdk.cpp), each rule on a board whose result is worked out by hand from that code.
import { describe, expect, it } from "vitest";
import { PythonRandom } from "../lib/python-random.js";
import { Aquawar, legalActions } from "./engine.js";
import type { ActionOp, Fish } from "./game-types.js";

/** A game past the picks: player 0 fields `mine` (ids by position), player 1 `theirs`; player 0 to act. */
function board(mine = [1, 2, 3, 4], theirs = [1, 2, 3, 4]): Aquawar {
  const game = new Aquawar();
  game.pick(0, mine);
  game.pick(1, theirs);
  game.phase = "action";
  return game;
}
const hp = (game: Aquawar, player: number) => game.side(player).map((f) => f.hp);
const fish = (game: Aquawar, player: number, pos: number) => game.side(player)[pos] as Fish;
const attack = (MyPos: number, EnemyPos: number): ActionOp => ({
  Action: "Action",
  Type: 0,
  MyPos,
  EnemyPos,
});
const skill = (MyPos: number, MyList: number[], EnemyList: number[]): ActionOp => ({
  Action: "Action",
  Type: 1,
  MyPos,
  MyList,
  EnemyList,
});

describe("Aquawar rules (stage 2)", () => {
  it("starts with player 0's guess after both picks, four fish of 400 hp and 200 attack", () => {
    const game = new Aquawar();
    game.pick(0, [1, 2, 3, 4]);
    expect(game.phase).toBe("pick");
    game.pick(1, [4, 3, 2, 1]);
    expect([game.phase, game.turn, game.state]).toEqual(["guess", 0, 3]);
    expect(game.side(1).map((f) => [f.id, f.pos, f.hp, f.atk])).toEqual([
      [4, 0, 400, 200],
      [3, 1, 400, 200],
      [2, 2, 400, 200],
      [1, 3, 400, 200],
    ]);
  });

  it("a normal attack deals half the attack points, truncated (Fish::attack)", () => {
    const game = board();
    fish(game, 0, 0).atk = 245;
    game.act(attack(0, 0)); // enemy spray
    expect(hp(game, 1)).toEqual([278, 400, 400, 400]);
    expect(game.lastAction[0]).toEqual({
      hit: [{ target: 0, player: 1, value: 122, traceable: true }],
      passive: [],
      skill: { type: "normalattack", isSkill: false, targets: [{ pos: 0, player: 1, value: 122 }] },
      ActionFish: 0,
    });
    expect([game.phase, game.turn]).toEqual(["guess", 1]);
  });

  it("spray's AOE deals a flat 70 to every living enemy; eel's 35% of its attack, truncated", () => {
    const game = board();
    for (const pos of [2, 3]) Object.assign(fish(game, 1, pos), { hp: 0, dead: true });
    fish(game, 0, 0).atk = 340; // spray's attack points do not change its AOE
    game.act(skill(0, [], [0, 1]));
    expect(hp(game, 1)).toEqual([330, 330, 0, 0]);
    const eel = board();
    for (const pos of [2, 3]) Object.assign(fish(eel, 1, pos), { hp: 0, dead: true });
    fish(eel, 0, 2).atk = 243; // 243 * 0.35 = 85.05
    eel.act(skill(2, [], [0, 1]));
    expect(hp(eel, 1)).toEqual([315, 315, 0, 0]);
    // every living enemy, in position order, each hit through its own passives: the eel at 2 and
    // the sunfish at 3 keep 49 of 70 and pass 21 / 3 = 7 to each living teammate
    const all = board();
    all.act(skill(0, [], [0, 1, 2, 3]));
    expect(hp(all, 1)).toEqual([316, 316, 344, 344]);
    expect(fish(all, 1, 2).wound).toBe(56);
    // an AOE must name every living enemy: two of four breaks the rules, and the game is lost
    const partial = board();
    partial.act(skill(0, [], [0, 1]));
    expect([partial.phase, partial.winner, partial.endReason, partial.invalidMove]).toEqual([
      "over",
      1,
      "invalid-move",
      "spray's skill: an AOE must target every living enemy",
    ]);
  });

  it("flame's and sunfish's infight: 75 to a living teammate (no deflect), +140 attack; never itself", () => {
    const game = board();
    game.act(skill(1, [3], [])); // flame hits the sunfish at 3
    expect(hp(game, 0)).toEqual([400, 400, 400, 325]);
    expect(fish(game, 0, 1).atk).toBe(340);
    expect(game.lastAction[0]?.skill).toEqual({
      type: "infight",
      isSkill: true,
      targets: [{ pos: 3, player: 0, value: 75 }],
    });
    const self = board();
    self.act(skill(3, [3], []));
    expect([self.winner, self.invalidMove]).toEqual([
      1,
      "sunfish's skill: infight cannot hit the fish itself",
    ]);
    const dead = board();
    fish(dead, 0, 0).hp = 0;
    fish(dead, 0, 0).dead = true;
    dead.act(skill(1, [0], []));
    expect([dead.winner, dead.invalidMove]).toEqual([1, "action with a dead fish"]);
  });

  it("deflect: an attacked eel keeps 70%, its living teammates share 30% (Eel::take_damage)", () => {
    const game = board();
    game.act(attack(0, 2)); // 100 on the enemy eel: 70 kept, 30 / 3 = 10 to each teammate
    expect(hp(game, 1)).toEqual([390, 390, 330, 390]);
    expect(game.lastAction[0]?.passive).toEqual([{ type: "deflect", source: 2, player: 1, value: 70 }]);
    // teammates' hits first (untraceable), then the eel's own
    expect(game.lastAction[0]?.hit.map((h) => [h.target, h.value, h.traceable])).toEqual([
      [0, 10, false],
      [1, 10, false],
      [3, 10, false],
      [2, 70, true],
    ]);
    // alone, the eel takes it all; two teammates split 30 into 15 each
    const alone = board();
    for (const pos of [0, 1, 3]) Object.assign(fish(alone, 1, pos), { hp: 0, dead: true });
    alone.act(attack(0, 2));
    expect(fish(alone, 1, 2).hp).toBe(300);
    const two = board();
    Object.assign(fish(two, 1, 0), { hp: 0, dead: true });
    fish(two, 0, 0).atk = 210; // 105: 73 kept (105 * 0.7 = 73.5), 31 shared (31.5) → 15 each
    two.act(attack(0, 2));
    expect(hp(two, 1)).toEqual([0, 385, 327, 385]);
  });

  it("eel and sunfish gain 40 attack per 200 damage taken, the remainder carried", () => {
    const game = board();
    const eel = fish(game, 1, 2);
    fish(game, 0, 0).atk = 600; // 300 a hit: 210 kept → +40, wound 10
    game.act(attack(0, 2));
    expect([eel.hp, eel.atk, eel.wound]).toEqual([190, 240, 10]);
    // shared damage counts too: the enemy sunfish took 30 of it
    expect(fish(game, 1, 3).wound).toBe(30);
  });

  it("counter: each other living spray and flame deals 30 to an attacker that leaves a fish under 30%", () => {
    const game = board();
    fish(game, 1, 1).hp = 200; // enemy flame: 100 leaves it at 100 < 120
    game.act(attack(0, 1));
    // the enemy spray counters (the hit flame itself does not); eel and sunfish do not counter
    expect(fish(game, 0, 0).hp).toBe(370);
    expect(game.lastAction[0]?.passive).toEqual([{ type: "counter", source: 1, player: 1, value: 30 }]);
    const both = board();
    fish(both, 1, 2).hp = 100; // the enemy eel, deflecting: keeps 70 → 30 < 120
    both.act(attack(0, 2));
    expect(fish(both, 0, 0).hp).toBe(340); // spray and flame both counter
    // an attacking eel countered takes its counters as untraceable hits, no deflect
    const eel = board();
    fish(eel, 1, 0).hp = 150;
    eel.act(attack(2, 0)); // the eel hits the enemy spray: 50 left, flame counters
    expect(hp(eel, 0)).toEqual([400, 400, 370, 400]);
  });

  it("a right guess reveals the fish and takes 50 from every enemy fish; a wrong one costs nothing", () => {
    const game = board([1, 2, 3, 4], [3, 1, 4, 2]);
    game.phase = "guess";
    fish(game, 1, 3).hp = 40;
    game.guess({ Action: "Assert", Pos: 1, ID: 1 });
    expect(hp(game, 1)).toEqual([350, 350, 350, 0]);
    expect(fish(game, 1, 1).exposed).toBe(true);
    expect(fish(game, 1, 3).dead).toBe(true); // a guess can kill
    expect(game.lastAssert).toEqual({ AssertPos: 1, AssertContent: 1, AssertResult: true });
    expect(game.phase).toBe("action");
    const wrong = board([1, 2, 3, 4], [3, 1, 4, 2]);
    wrong.phase = "guess";
    wrong.guess({ Action: "Assert", Pos: 0, ID: 1 });
    expect(hp(wrong, 1)).toEqual([400, 400, 400, 400]);
    expect(wrong.lastAssert).toEqual({ AssertPos: 0, AssertContent: 1, AssertResult: false });
    const skipped = board();
    skipped.phase = "guess";
    skipped.guess({ Action: "Null" });
    expect(skipped.lastAssert).toEqual({ AssertPos: null, AssertContent: null, AssertResult: null });
    // guessing a revealed or dead fish breaks the rules: the game is lost
    game.act(attack(0, 0));
    game.phase = "guess";
    game.turn = 0;
    game.guess({ Action: "Assert", Pos: 1, ID: 1 });
    expect([game.winner, game.invalidMove]).toEqual([1, "guess of a revealed fish at 1"]);
  });

  it("ends when a side is all dead; both at once goes to the mover", () => {
    const game = board([1, 2, 3, 4], [1, 2, 3, 4]);
    for (const pos of [2, 3]) Object.assign(fish(game, 1, pos), { hp: 0, dead: true });
    for (const pos of [1, 2, 3]) Object.assign(fish(game, 0, pos), { hp: 0, dead: true });
    fish(game, 1, 0).hp = 60;
    fish(game, 1, 1).hp = 60;
    fish(game, 0, 0).hp = 50;
    // the spray's AOE kills both; each hit triggers the other's counter (DEAD only after the action)
    game.act(skill(0, [], [0, 1]));
    expect(hp(game, 0)[0]).toBe(-10);
    expect([game.phase, game.winner, game.endReason]).toEqual(["over", 0, "all-dead"]);
  });

  it("after 128 states: more living fish, then more hp, then the higher top hp, else the second mover", () => {
    const limit = (setup: (game: Aquawar) => void) => {
      const game = board();
      setup(game);
      game.state = 127;
      game.act(attack(0, 0)); // state 128: still playing
      expect(game.phase).toBe("guess");
      game.guess({ Action: "Null" }); // state 129: the limit
      return [game.winner, game.endReason];
    };
    expect(limit((g) => Object.assign(fish(g, 1, 3), { hp: 0, dead: true }))).toEqual([0, "state-limit"]);
    expect(limit(() => {})).toEqual([0, "state-limit"]); // 1600 hp against 1500
    expect(
      limit((g) => {
        fish(g, 0, 1).hp = 300; // 1500 each, both tops 400: the second mover wins
      }),
    ).toEqual([1, "state-limit"]);
    expect(
      limit((g) => {
        fish(g, 0, 1).hp = 200;
        fish(g, 0, 2).hp = 500;
      }),
    ).toEqual([0, "state-limit"]); // equal totals, player 0's top hp 500
  });

  it("no sequence of legal moves leaves an invalid board (2,000 random games)", () => {
    const rng = new PythonRandom(7);
    const problems: string[] = [];
    for (let g = 0; g < 2000; g++) {
      const game = new Aquawar();
      game.pick(0, rng.shuffle([1, 2, 3, 4]));
      game.pick(1, rng.shuffle([1, 2, 3, 4]));
      while (game.phase !== "over") {
        if (game.phase === "guess") {
          const hidden = game.side(game.turn ^ 1).filter((f) => !f.dead && !f.exposed);
          const target = hidden[rng.randbelow(hidden.length + 1)];
          game.guess(
            target ? { Action: "Assert", Pos: target.pos, ID: 1 + rng.randbelow(4) } : { Action: "Null" },
          );
        } else {
          const moves = legalActions(game);
          game.act(moves[rng.randbelow(moves.length)] as ActionOp);
        }
        for (const side of game.sides)
          for (const f of side) {
            const where = `game ${g}, state ${game.state}, fish ${f.player}:${f.pos}`;
            if (f.hp > 400 || f.atk < 200 || f.atk % 20 !== 0)
              problems.push(`${where}: hp ${f.hp}, atk ${f.atk}`);
            if (f.dead !== f.hp <= 0) problems.push(`${where}: dead ${f.dead} at hp ${f.hp}`);
          }
        if (game.state > 129) problems.push(`game ${g}: state ${game.state}`);
      }
      if (game.endReason === "invalid-move") problems.push(`game ${g}: ${game.invalidMove}`);
      if (game.winner !== 0 && game.winner !== 1) problems.push(`game ${g}: no winner`);
    }
    expect(problems).toEqual([]);
  });
});
