// AgentBench.old's two scripted opponents (AI_SDK/Python/action1.py, action2.py) over the SDK view.
// Their randomness (Python's random, the SDK's time-seeded shuffles) draws from one seeded stream.
import type { PythonRandom } from "../lib/python-random.js";
import type { ActionOp, GuessOp } from "./game-types.js";
import { type PlayerView, passiveTypeName, SdkAction } from "./sdk.js";

export const baselineNames = ["baseline1", "baseline2"] as const;
export type BaselineName = (typeof baselineNames)[number];

/** A scripted player: its view is updated by the caller before each decision. */
export interface ScriptedPlayer {
  pick(): number[];
  guess(): GuessOp;
  act(): ActionOp;
}

export function createBaseline(name: BaselineName, view: PlayerView): ScriptedPlayer {
  return name === "baseline1" ? new Baseline1(view) : new Baseline2(view);
}

const randint = (rng: PythonRandom, low: number, high: number) => low + rng.randbelow(high - low + 1);
const choice = <T>(rng: PythonRandom, items: readonly T[]) => items[rng.randbelow(items.length)] as T;
/** Python's list[i] with a negative index. */
const at = <T>(items: readonly T[], i: number) => items[i < 0 ? items.length + i : i] as T;

/** AIClient.auto_valid_action: a normal attack 30% of the time, else the fish's active skill if it has a target. */
function autoValidAction(view: PlayerView, pos: number, action: SdkAction): SdkAction {
  // get_my_id is negative for a revealed fish, which then matches no skill
  const id = view.getMyId(pos);
  if (view.rng.random() < 0.3) {
    action.setActionType(0);
    action.setEnemyTarget(view.enemyLiving()[0] as number);
    return action;
  }
  let skilled = false;
  if (id === 1 || id === 3) {
    skilled = true;
    action.setActionType(1);
    action.setEnemyTarget(-2);
  } else if (id === 2 || id === 4) {
    const allies = view.myLivingAllies(pos);
    if (allies.length > 0) {
      skilled = true;
      action.setActionType(1);
      action.setFriendTarget(allies[0] as number);
    }
  }
  if (!skilled) {
    action.setActionType(0);
    action.setEnemyTarget(view.enemyLiving()[0] as number);
  }
  return action;
}

/** action1.py: a random living fish, auto_valid_action, random guesses. */
class Baseline1 implements ScriptedPlayer {
  constructor(private readonly view: PlayerView) {}

  pick(): number[] {
    return this.view.rng.shuffle([1, 2, 3, 4]);
  }

  guess(): GuessOp {
    const target = this.view.enemyLiving()[0] as number;
    return this.view.guessOp([target, randint(this.view.rng, 1, 4)]);
  }

  act(): ActionOp {
    const action = new SdkAction(this.view);
    const pos = this.view.myLiving()[0] as number;
    action.setActionFish(pos);
    return this.view.actionOp(autoValidAction(this.view, pos, action));
  }
}

/**
 * action2.py: guesses from what the enemy's actions showed (an AOE or infight, a counter or
 * deflect), a kill shot when its strongest fish can finish the weakest enemy, else an AOE, else an
 * attack on the fish that last attacked.
 */
class Baseline2 implements ScriptedPlayer {
  private readonly hasFailed = [0, 1, 2, 3].map(() => [false, false, false, false, false]);
  private lastFish = -1;
  private lastType = -1;
  /** Per enemy position: skill 0 aoe / 1 infight, passive 0 counter / 1 deflect, -1 unknown. */
  private readonly toAssert = [0, 1, 2, 3].map(() => ({ skill: -1, passive: -1 }));

  constructor(private readonly view: PlayerView) {}

  pick(): number[] {
    return this.view.rng.shuffle([1, 2, 3, 4]);
  }

  private addPossible(fish: number, kind: "skill" | "passive", value: number): void {
    if (this.view.getEnemyId(fish) !== -1) return;
    const entry = at(this.toAssert, fish);
    entry[kind] = value;
  }

  private ass(fish: number, type: number): GuessOp {
    this.lastFish = fish;
    this.lastType = type;
    return this.view.guessOp([fish, type]);
  }

  guess(): GuessOp {
    const { view } = this;
    const enemyAction = view.enemyAction;
    const myAction = view.myAction;
    // on the first guess last_fish and last_type are -1: Python marks has_failed[-1][-1]
    if (view.myAssert.assertResult === false) {
      const row = at(this.hasFailed, this.lastFish);
      row[this.lastType < 0 ? row.length + this.lastType : this.lastType] = true;
    }
    const live = view.enemyLiving().sort((a, b) => a - b);
    if (view.getEnemyId(enemyAction.actionFish) === -1) {
      if (enemyAction.isSkill) {
        this.addPossible(enemyAction.actionFish, "skill", enemyAction.numFriendInjury >= 1 ? 1 : 0);
      }
      // the whole 24-slot arrays, stale slots included, as the Python zips them
      const ids = [...enemyAction.friendPassivesId, ...myAction.enemyPassivesId];
      const types = [...enemyAction.friendTypes, ...myAction.enemyTypes];
      ids.forEach((pos, i) => {
        const name = passiveTypeName(types[i] as number);
        if (name === "passive_type.counter") this.addPossible(pos, "passive", 0);
        else if (name === "passive_type.deflect") this.addPossible(pos, "passive", 1);
        else throw new Error(`baseline2: KeyError ${name}`);
      });
    }
    const unknownAlive = (i: number) => view.getEnemyId(i) === -1 && live.includes(i);
    for (let i = 0; i < 4; i++) {
      const known = this.toAssert[i] as { skill: number; passive: number };
      if (unknownAlive(i) && known.skill !== -1 && known.passive !== -1)
        return this.ass(i, known.skill + known.passive * 2 + 1);
    }
    for (let i = 0; i < 4; i++) {
      const known = this.toAssert[i] as { skill: number; passive: number };
      if (!unknownAlive(i)) continue;
      for (let k = 0; k < 2; k++)
        if (known.skill !== -1 && !at(this.hasFailed[i] as boolean[], known.skill + k * 2 + 1))
          return this.ass(i, known.skill + k * 2 + 1);
    }
    for (let i = 0; i < 4; i++) {
      const known = this.toAssert[i] as { skill: number; passive: number };
      if (!unknownAlive(i)) continue;
      for (let k = 0; k < 2; k++)
        if (known.passive !== -1 && !at(this.hasFailed[i] as boolean[], k + known.passive * 2 + 1))
          return this.ass(i, k + known.passive * 2 + 1);
    }
    const positions = [0, 1, 2, 3];
    const types = [1, 2, 3, 4];
    for (let i = 0; i < 4; i++) {
      if (view.getEnemyId(i) !== -1 || !live.includes(i)) {
        positions.splice(positions.indexOf(i), 1);
        if (view.getEnemyId(i) !== -1) {
          const index = types.indexOf(view.getEnemyId(i));
          if (index < 0) throw new Error(`baseline2: ValueError list.remove(${view.getEnemyId(i)})`);
          types.splice(index, 1);
        }
      }
    }
    if (positions.length === 0) return view.guessOp([-1, -1]);
    const fish = choice(view.rng, positions);
    return this.ass(fish, choice(view.rng, types));
  }

  act(): ActionOp {
    const { view } = this;
    const action = new SdkAction(view);
    const enemyActionFish = view.enemyAction.actionFish;
    const mine = view.myLiving();
    const theirs = view.enemyLiving();
    let strongest = -1;
    let strongestAtk = 0;
    for (const pos of mine) {
      if (strongestAtk < view.getMyAtk(pos)) {
        strongestAtk = view.getMyAtk(pos);
        strongest = pos;
      }
    }
    const weakest = view.lowestHealthEnemy();
    const normal = view.getMyAtk(strongest) * 0.5;
    if (normal >= view.getEnemyHp(weakest) && view.getEnemyHp(weakest) > 70) {
      action.setActionFish(strongest);
      action.setActionType(0);
      action.setEnemyTarget(weakest);
      return view.actionOp(action);
    }
    if (theirs.length >= 2) {
      for (const fish of mine) {
        // get_my_id is negative once the fish is revealed: a revealed spray or eel is not found
        if (view.getMyId(fish) === 1 || view.getMyId(fish) === 3) {
          action.setActionFish(fish);
          action.setActionType(1);
          action.setEnemyTarget(0);
          return view.actionOp(action);
        }
      }
    }
    action.setActionFish(strongest);
    action.setActionType(0);
    action.setEnemyTarget(theirs.includes(enemyActionFish) ? enemyActionFish : (theirs[0] as number));
    return view.actionOp(action);
  }
}
