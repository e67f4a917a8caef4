// Aquawar, stage 2, as AgentBench.old's C++ logic plays it (src/tasks/card_game/logic/src: fish.cpp,
// fishset.cpp, aqua_sdk.cpp): four fish a side, a guess phase then an action phase per turn, one round
// per game. Integer arithmetic follows the C++ (int * double truncates), and the events an action
// produces (skill, hit, passive) come in the order the C++ appends them, because players read them.
import {
  type ActionEvents,
  type ActionMessage,
  type ActionOp,
  type AssertRecord,
  type EndReason,
  type Fish,
  fishName,
  type GameInfo,
  type GuessMessage,
  type GuessOp,
  startAtk,
  startHp,
  stateLimit,
} from "./game-types.js";

const emptyEvents = (): Omit<ActionEvents, "ActionFish"> => ({ hit: [], passive: [] });
function addEvents(into: Omit<ActionEvents, "ActionFish">, from: Omit<ActionEvents, "ActionFish">): void {
  into.passive.push(...from.passive);
  into.hit.push(...from.hit);
}

/** One game. Players 0 and 1; player 0 moves first (aqua_sdk.cpp run: first_mover = 0). */
export class Aquawar {
  readonly sides: [Fish[], Fish[]] = [[], []];
  phase: "pick" | "guess" | "action" | "over" = "pick";
  /** cur_turn: whose move it is. */
  turn = 0;
  /** game.state: 1 + the moves read so far. */
  state = 1;
  winner: number | undefined;
  endReason: EndReason | undefined;
  /** Why a move was rejected, when one was. */
  invalidMove: string | undefined;
  readonly lastAction: [ActionEvents | null, ActionEvents | null] = [null, null];
  lastAssert: AssertRecord = null;

  /** PICK: four distinct fish ids in position order, player 0 first. */
  pick(player: number, ids: readonly number[]): void {
    if (this.phase !== "pick" || player !== this.turn) throw new Error(`not player ${player}'s pick`);
    const valid =
      ids.length === 4 && new Set(ids).size === 4 && ids.every((id) => fishName(id) !== undefined);
    if (!valid) {
      this.reject(`pick ${JSON.stringify(ids)}: four distinct fish of 1-4`);
      return;
    }
    this.sides[player] = ids.map((id, pos) => ({
      id,
      pos,
      hp: startHp,
      maxHp: startHp,
      atk: startAtk,
      wound: 0,
      dead: false,
      exposed: false,
      player,
    }));
    if (this.afterMove()) return;
    if (player === 1) this.phase = "guess";
    this.turn ^= 1;
  }

  info(player: number): GameInfo {
    const mine = this.side(player);
    const theirs = this.side(player ^ 1);
    return {
      EnemyFish: theirs.map((f) => (f.exposed ? f.id : -1)),
      EnemyHP: theirs.map((f) => (f.dead ? 0 : f.hp)),
      MyFish: mine.map((f) => (f.exposed ? -f.id : f.id)),
      MyHP: mine.map((f) => (f.dead ? 0 : f.hp)),
      MyATK: mine.map((f) => f.atk),
    };
  }

  /** The guess phase's message to the player whose turn it is. */
  guessMessage(): GuessMessage {
    return {
      EnemyAssert: this.lastAssert,
      EnemyAction: this.lastAction[this.turn ^ 1] ?? null,
      MyAction: this.lastAction[this.turn] ?? null,
      GameInfo: this.info(this.turn),
    };
  }

  actionMessage(): ActionMessage {
    return { AssertReply: this.lastAssert, GameInfo: this.info(this.turn) };
  }

  /** ASSERT: a right guess reveals the fish and takes 50 hp from every enemy fish; a wrong one costs nothing. */
  guess(op: GuessOp): void {
    if (this.phase !== "guess") throw new Error("not a guess phase");
    const player = this.turn;
    if (op.Action === "Null") {
      this.lastAssert = { AssertPos: null, AssertContent: null, AssertResult: null };
    } else {
      if (!inRange(op.Pos, 0, 3) || !inRange(op.ID, 1, 12)) {
        this.reject(`guess position ${op.Pos}, fish ${op.ID}: out of range`);
        return;
      }
      const target = this.side(player ^ 1)[op.Pos] as Fish;
      if (target.dead || target.exposed) {
        this.reject(`guess of a ${target.dead ? "dead" : "revealed"} fish at ${op.Pos}`);
        return;
      }
      const right = target.id === op.ID;
      if (right) {
        target.exposed = true;
        for (const fish of this.side(player ^ 1)) fish.hp = Math.max(fish.hp - 50, 0);
      } else {
        // hp_debuff(0) on the guesser's own fish: only a negative hp changes (to 0)
        for (const fish of this.side(player)) fish.hp = Math.max(fish.hp, 0);
      }
      this.lastAssert = { AssertPos: op.Pos, AssertContent: op.ID, AssertResult: right };
    }
    this.updateStates();
    if (this.afterMove()) return;
    if (!this.endIfAllDead()) this.phase = "action";
  }

  /** ACTION: a normal attack or an active skill; a move the rules forbid loses the game. */
  act(op: ActionOp): void {
    if (this.phase !== "action") throw new Error("not an action phase");
    const player = this.turn;
    const mine = this.side(player);
    const theirs = this.side(player ^ 1);
    if (!inRange(op.MyPos, 0, 3)) {
      this.reject(`action fish ${op.MyPos}: out of range`);
      return;
    }
    const actor = mine[op.MyPos] as Fish;
    let events: Omit<ActionEvents, "ActionFish"> | undefined;
    if (op.Type === 0 && "EnemyPos" in op) {
      if (!inRange(op.EnemyPos, 0, 3)) {
        this.reject(`attack target ${op.EnemyPos}: out of range`);
        return;
      }
      const target = theirs[op.EnemyPos] as Fish;
      if (actor.dead || target.dead) {
        this.reject("action with a dead fish");
        return;
      }
      events = this.attack(actor, target);
    } else if (op.Type === 1 && "MyList" in op) {
      const lists = [op.MyList, op.EnemyList];
      if (lists.some((l) => l.some((p) => !inRange(p, 0, 3)) || new Set(l).size !== l.length)) {
        this.reject("skill targets out of range or repeated");
        return;
      }
      // to_vector sorts the positions
      const friends = [...op.MyList].sort((a, b) => a - b).map((p) => mine[p] as Fish);
      const enemies = [...op.EnemyList].sort((a, b) => a - b).map((p) => theirs[p] as Fish);
      if (actor.dead || friends.some((f) => f.dead) || enemies.some((f) => f.dead)) {
        this.reject("action with a dead fish");
        return;
      }
      const result = this.skill(actor, friends, enemies);
      if (typeof result === "string") {
        this.updateStates();
        this.reject(`${fishName(actor.id)}'s skill: ${result}`);
        return;
      }
      events = result;
    } else {
      this.reject(`action type ${op.Type}: neither 0 (normal) nor 1 (active)`);
      return;
    }
    this.lastAction[player] = { ...events, ActionFish: op.MyPos };
    this.updateStates();
    if (this.afterMove()) return;
    if (!this.endIfAllDead()) {
      this.phase = "guess";
      this.turn ^= 1;
    }
  }

  /** A player that crashed or never answered loses (invalid_operation). */
  forfeit(player: number, why: string): void {
    this.turn = player;
    this.reject(why);
  }

  side(player: number): Fish[] {
    return this.sides[player === 0 ? 0 : 1];
  }

  /** count_live_fish: fish not in the DEAD state. */
  private living(player: number): number {
    return this.side(player).filter((f) => !f.dead).length;
  }

  private updateStates(): void {
    for (const side of this.sides) for (const fish of side) if (fish.hp <= 0) fish.dead = true;
  }

  private reject(why: string): void {
    this.invalidMove = why;
    this.end(this.turn ^ 1, "invalid-move");
  }

  private end(winner: number, reason: EndReason): void {
    this.winner = winner;
    this.endReason = reason;
    this.phase = "over";
  }

  /** game.state++ and the state limit, checked after each move before the all-dead check. */
  private afterMove(): boolean {
    this.state++;
    if (this.state <= stateLimit) return false;
    this.end(this.tieBreak(), "state-limit");
    return true;
  }

  /** state_limit_exceeded: more living fish, then more total hp, then the higher top hp, else the second mover. */
  private tieBreak(): number {
    const measures = [
      (side: Fish[]) => side.filter((f) => f.hp > 0).length,
      (side: Fish[]) => side.reduce((sum, f) => sum + Math.max(f.hp, 0), 0),
      (side: Fish[]) => side.reduce((max, f) => Math.max(max, f.hp), 0),
    ];
    for (const measure of measures) {
      const [a, b] = [measure(this.sides[0]), measure(this.sides[1])];
      if (a !== b) return b > a ? 1 : 0;
    }
    return 1;
  }

  private endIfAllDead(): boolean {
    for (const i of [0, 1]) {
      if (this.living(i) > 0) continue;
      this.end(this.living(i ^ 1) === 0 ? this.turn : i ^ 1, "all-dead");
      return true;
    }
    return false;
  }

  /** Fish::attack: half the attack points, through the target side's on_damaged. */
  private attack(actor: Fish, target: Fish): Omit<ActionEvents, "ActionFish"> {
    const dmg = Math.trunc(actor.atk / 2);
    const events = this.onDamaged(actor, target, dmg);
    events.skill = {
      type: "normalattack",
      isSkill: false,
      targets: [{ pos: target.pos, player: target.player, value: dmg }],
    };
    return events;
  }

  /** Fish::skill of the four stage-2 fish; a string says why the C++ returned nullopt. */
  private skill(actor: Fish, friends: Fish[], enemies: Fish[]): Omit<ActionEvents, "ActionFish"> | string {
    const name = fishName(actor.id);
    if (name === "spray" || name === "eel") {
      if (friends.length !== 0) return "an AOE takes no teammate";
      if (enemies.length === 0) return "an AOE needs its targets";
      if (enemies.length !== this.living(actor.player ^ 1)) return "an AOE must target every living enemy";
      // Spray::special deals a flat 70; Eel::special 35% of its attack points when the skill starts
      const dmg = name === "spray" ? 70 : Math.trunc(actor.atk * 0.35);
      const events = emptyEvents();
      for (const enemy of enemies) addEvents(events, this.onDamaged(actor, enemy, dmg));
      events.skill = {
        type: "aoe",
        isSkill: true,
        targets: enemies.map((e) => ({ pos: e.pos, player: e.player, value: dmg })),
      };
      return events;
    }
    if (name === "flame" || name === "sunfish") {
      if (friends.length !== 1)
        return friends.length === 0 ? "infight needs a teammate" : "infight takes one teammate";
      if (enemies.length !== 0) return "infight takes no enemy";
      const mate = friends[0] as Fish;
      if (mate.id === actor.id) return "infight cannot hit the fish itself";
      const events = this.takeDamage(mate, undefined, 75);
      actor.atk += 140;
      events.skill = {
        type: "infight",
        isSkill: true,
        targets: [{ pos: mate.pos, player: mate.player, value: 75 }],
      };
      return events;
    }
    return "no active skill";
  }

  /** FishSet::on_damaged: the hit, then a counter of 30 from each living spray and flame beside a target left under 30%. */
  private onDamaged(src: Fish, target: Fish, dmg: number): Omit<ActionEvents, "ActionFish"> {
    const events = this.takeDamage(target, src, dmg);
    if (target.hp < target.maxHp * 0.3) {
      for (const fish of this.side(target.player)) {
        const name = fishName(fish.id);
        if ((name === "spray" || name === "flame") && !fish.dead && fish.pos !== target.pos) {
          events.passive.push({ type: "counter", source: target.pos, player: target.player, value: 30 });
          addEvents(events, this.takeDamage(src, undefined, 30));
        }
      }
    }
    return events;
  }

  /**
   * take_damage: eel and sunfish hit by an attacker with a living teammate keep 70% and share 30%
   * among the living teammates (Eel::take_damage; the rules text says the reverse), then gain 40
   * attack points per 200 damage taken.
   */
  private takeDamage(fish: Fish, src: Fish | undefined, dmg: number): Omit<ActionEvents, "ActionFish"> {
    const name = fishName(fish.id);
    if (name !== "eel" && name !== "sunfish") return this.hit(fish, src, dmg);
    const events = emptyEvents();
    if (src && this.living(fish.player) > 1) {
      const kept = Math.trunc(dmg * 0.7);
      const mates = this.side(fish.player).filter((f) => f !== fish && !f.dead);
      let shared = Math.trunc(dmg * 0.3);
      if (mates.length > 0) shared = Math.trunc(shared / mates.length);
      events.passive.push({ type: "deflect", source: fish.pos, player: fish.player, value: kept });
      for (const mate of mates) addEvents(events, this.takeDamage(mate, undefined, shared));
      addEvents(events, this.hit(fish, src, kept));
    } else {
      addEvents(events, this.hit(fish, src, dmg));
    }
    if (fish.wound >= 200) {
      fish.atk += 40 * Math.trunc(fish.wound / 200);
      fish.wound %= 200;
    }
    return events;
  }

  /** Fish::take_damage: the plain hit. */
  private hit(fish: Fish, src: Fish | undefined, dmg: number): Omit<ActionEvents, "ActionFish"> {
    if (fish.dead) throw new Error(`the engine hit the dead fish at ${fish.player}:${fish.pos}`);
    fish.hp -= dmg;
    fish.wound += dmg;
    return {
      hit: [{ target: fish.pos, player: fish.player, value: dmg, traceable: src !== undefined }],
      passive: [],
    };
  }
}

function inRange(value: unknown, low: number, high: number): value is number {
  return Number.isInteger(value) && (value as number) >= low && (value as number) <= high;
}

/** Every legal action of the player whose turn it is. */
export function legalActions(game: Aquawar): ActionOp[] {
  const moves: ActionOp[] = [];
  const mine = game.side(game.turn);
  const theirs = game.side(game.turn ^ 1).filter((f) => !f.dead);
  for (const fish of mine) {
    if (fish.dead) continue;
    for (const enemy of theirs)
      moves.push({ Action: "Action", Type: 0, MyPos: fish.pos, EnemyPos: enemy.pos });
    const name = fishName(fish.id);
    if (name === "spray" || name === "eel")
      moves.push({
        Action: "Action",
        Type: 1,
        MyPos: fish.pos,
        MyList: [],
        EnemyList: theirs.map((e) => e.pos),
      });
    else
      for (const mate of mine)
        if (!mate.dead && mate !== fish)
          moves.push({ Action: "Action", Type: 1, MyPos: fish.pos, MyList: [mate.pos], EnemyList: [] });
  }
  return moves;
}
