// A player's side of the game as AgentBench.old's AI SDK (AI_SDK/Python/sdk/ai_client.hpp) keeps it:
// the board from each message, the last actions parsed into fixed-size arrays, and the Action builder
// that turns a choice into the logic's message. The Python players (the LLM's harness, the baselines)
// read these arrays directly, stale slots included, so the arrays are kept as the C++ keeps them:
// overwritten slot by slot, never cleared (their first contents are taken as zeros).
import type { PythonRandom } from "../lib/python-random.js";
import type {
  ActionEvents,
  ActionMessage,
  ActionOp,
  AssertRecord,
  GameInfo,
  GuessMessage,
  GuessOp,
} from "./game-types.js";

const skillTypes = ["aoe", "infight", "crit", "subtle", "normalattack"] as const;
const passiveTypes = ["counter", "deflect", "reduce", "heal", "explode"] as const;

/** ai_client.hpp ActionInfo, the fields the players read. */
export class ActionInfoView {
  isSkill = false;
  actionFish = -1;
  /** skill_type enum value (aoe 0 … normalattack 4). */
  type = 0;
  numFriendTargets = 0;
  numEnemyTargets = 0;
  readonly friendTargets = new Array<number>(12).fill(0);
  readonly enemyTargets = new Array<number>(12).fill(0);
  readonly friendExpectedInjury = new Array<number>(12).fill(0);
  readonly enemyExpectedInjury = new Array<number>(12).fill(0);
  numFriendInjury = 0;
  numEnemyInjury = 0;
  numFriendPassives = 0;
  numEnemyPassives = 0;
  readonly friendPassivesId = new Array<number>(24).fill(0);
  readonly enemyPassivesId = new Array<number>(24).fill(0);
  /** passive_type enum values (counter 0, deflect 1, …). */
  readonly friendTypes = new Array<number>(24).fill(0);
  readonly enemyTypes = new Array<number>(24).fill(0);

  /**
   * parseEnemyActionInfo / parseMyActionInfo. An event belongs to the "enemy" slots when its fish is
   * the viewed actor's enemy: for the enemy's action, the receiver's own fish; for the receiver's own
   * action, the other side's.
   */
  parse(info: ActionEvents | null, receiver: number, actor: "enemy" | "me"): void {
    if (!info) {
      this.isSkill = false;
      this.actionFish = -1;
      this.numFriendTargets = this.numEnemyTargets = 0;
      this.numFriendInjury = this.numEnemyInjury = 0;
      this.numFriendPassives = this.numEnemyPassives = 0;
      return;
    }
    const enemySlot = (player: number) => (actor === "enemy" ? player === receiver : player !== receiver);
    this.actionFish = info.ActionFish;
    let friends = 0;
    let enemies = 0;
    if (info.skill) {
      this.type = skillTypes.indexOf(info.skill.type);
      this.isSkill = info.skill.isSkill;
      for (const target of info.skill.targets) {
        if (enemySlot(target.player)) {
          this.enemyTargets[enemies] = target.pos;
          this.enemyExpectedInjury[enemies] = target.value;
          enemies++;
        } else {
          this.friendTargets[friends] = target.pos;
          // the C++ indexes this array by the enemy count
          this.friendExpectedInjury[enemies] = target.value;
          friends++;
        }
      }
    } else {
      this.isSkill = false;
      this.actionFish = -1;
    }
    this.numFriendTargets = friends;
    this.numEnemyTargets = enemies;
    this.numEnemyInjury = info.hit.filter((h) => enemySlot(h.player)).length;
    this.numFriendInjury = info.hit.length - this.numEnemyInjury;
    let friendPassives = 0;
    let enemyPassives = 0;
    for (const passive of info.passive) {
      const type = passiveTypes.indexOf(passive.type);
      if (enemySlot(passive.player)) {
        this.enemyPassivesId[enemyPassives] = passive.source;
        this.enemyTypes[enemyPassives] = type;
        enemyPassives++;
      } else {
        this.friendPassivesId[friendPassives] = passive.source;
        this.friendTypes[friendPassives] = type;
        friendPassives++;
      }
    }
    this.numFriendPassives = friendPassives;
    this.numEnemyPassives = enemyPassives;
  }

  /** str(skill_type) as pybind11 prints it, e.g. "skill_type.aoe". */
  typeName(): string {
    return `skill_type.${skillTypes[this.type] ?? "???"}`;
  }
}

/** str(passive_type) as pybind11 prints it. */
export const passiveTypeName = (type: number) => `passive_type.${passiveTypes[type] ?? "???"}`;

export interface AssertInfoView {
  assertPos: number;
  assertContent: number;
  assertResult: boolean;
}

/** parseEnemyAssert / parseMyAssert: a skipped guess's nulls read as 0 and false. */
function parseAssert(record: AssertRecord): AssertInfoView {
  return {
    assertPos: record?.AssertPos ?? 0,
    assertContent: record?.AssertContent ?? 0,
    assertResult: record?.AssertResult ?? false,
  };
}

/** The SDK's state of one player (AIClient), updated from the logic's messages. */
export class PlayerView {
  myFish = [0, 1, 2, 3].map(() => ({ id: -1, hp: 0, atk: 0 }));
  enemyFish = [0, 1, 2, 3].map(() => ({ id: -1, hp: 0 }));
  readonly enemyAction = new ActionInfoView();
  readonly myAction = new ActionInfoView();
  enemyAssert: AssertInfoView = { assertPos: 0, assertContent: 0, assertResult: false };
  myAssert: AssertInfoView = { assertPos: 0, assertContent: 0, assertResult: false };

  constructor(
    readonly player: number,
    /** Stands in for the SDK's time-seeded shuffles and random_device draws. */
    readonly rng: PythonRandom,
  ) {}

  /** Action_Assert's parsing. */
  onGuessMessage(message: GuessMessage): void {
    this.parseGameInfo(message.GameInfo);
    this.enemyAction.parse(message.EnemyAction, this.player, "enemy");
    this.myAction.parse(message.MyAction, this.player, "me");
    this.enemyAssert = parseAssert(message.EnemyAssert);
  }

  /** Action_Action's parsing. */
  onActionMessage(message: ActionMessage): void {
    this.parseGameInfo(message.GameInfo);
    this.myAssert = parseAssert(message.AssertReply);
  }

  private parseGameInfo(info: GameInfo): void {
    this.enemyFish = info.EnemyFish.map((id, i) => ({ id, hp: info.EnemyHP[i] ?? 0 }));
    this.myFish = info.MyFish.map((id, i) => ({ id, hp: info.MyHP[i] ?? 0, atk: info.MyATK[i] ?? 0 }));
  }

  getMyId = (pos: number) => this.myFish[pos]?.id ?? -2;
  getMyHp = (pos: number) => this.myFish[pos]?.hp ?? -2;
  getMyAtk = (pos: number) => this.myFish[pos]?.atk ?? -2;
  getEnemyId = (pos: number) => this.enemyFish[pos]?.id ?? -2;
  getEnemyHp = (pos: number) => this.enemyFish[pos]?.hp ?? -2;

  /** get_enemy_living_fishes: positions with hp > 0, shuffled. */
  enemyLiving(): number[] {
    return this.rng.shuffle([0, 1, 2, 3].filter((i) => this.getEnemyHp(i) > 0));
  }
  myLiving(): number[] {
    return this.rng.shuffle([0, 1, 2, 3].filter((i) => this.getMyHp(i) > 0));
  }
  myLivingAllies(pos: number): number[] {
    return this.rng.shuffle([0, 1, 2, 3].filter((i) => i !== pos && this.getMyHp(i) > 0));
  }
  /** The same sets unshuffled, for membership tests (they draw nothing). */
  enemyLivingSet = () => [0, 1, 2, 3].filter((i) => this.getEnemyHp(i) > 0);
  myLivingSet = () => [0, 1, 2, 3].filter((i) => this.getMyHp(i) > 0);

  /** get_lowest_health_enemy: the first living position of the lowest hp. */
  lowestHealthEnemy(): number {
    let best = -1;
    for (let i = 0; i < 4; i++)
      if (this.getEnemyHp(i) > 0 && (best === -1 || this.getEnemyHp(i) < this.getEnemyHp(best))) best = i;
    return best;
  }

  /** Action_Assert: a guess of a position out of range or already revealed is sent as no guess. */
  guessOp([pos, id]: readonly [number, number]): GuessOp {
    if (pos < 0 || pos >= 4 || this.getEnemyId(pos) !== -1) return { Action: "Null" };
    return { Action: "Assert", Pos: pos, ID: id };
  }

  /** Action_Action: the Action's fields as the logic's message; an AOE lists every enemy with hp > 0. */
  actionOp(action: SdkAction): ActionOp {
    const type = action.actionType;
    if (type === 0)
      return { Action: "Action", Type: 0, MyPos: action.actionFish, EnemyPos: action.enemyTarget };
    if (type !== 1) return { Action: "Action", Type: type, MyPos: action.actionFish };
    const enemies =
      action.enemyTarget === -2
        ? [0, 1, 2, 3].filter((i) => this.getEnemyHp(i) > 0)
        : action.enemyTarget !== -1
          ? [action.enemyTarget]
          : [];
    return {
      Action: "Action",
      Type: 1,
      MyPos: action.actionFish,
      MyList: action.friendTarget !== -1 ? [action.friendTarget] : [],
      EnemyList: enemies,
    };
  }
}

/** err_type: set_* return 6 (success) or an error. */
export const success = 6;
const errTarget = 0;
const errTargetOutOfRange = 1;
const errActionType = 2;
const errActionFish = 3;
const errActionNotChoose = 4;
const errFishNotChoose = 5;

/** ai_client.hpp's Action, for the four stage-2 fish (-2 as enemy target means every enemy). */
export class SdkAction {
  actionType = -1;
  actionFish = -1;
  enemyTarget = -1;
  friendTarget = -1;

  constructor(private readonly view: PlayerView) {}

  setActionType(type: number): number {
    if (type !== 0 && type !== 1) return errActionType;
    this.actionType = type;
    return success;
  }

  setActionFish(pos: number): number {
    if (pos < 0 || pos > 3) return errActionFish;
    this.actionFish = pos;
    return success;
  }

  setEnemyTarget(pos: number): number {
    if (this.actionType === -1) return errActionNotChoose;
    if (this.actionFish === -1) return errFishNotChoose;
    this.enemyTarget = pos;
    if (this.actionType === 0) return pos < 0 || pos > 3 ? errTargetOutOfRange : success;
    const id = Math.abs(this.view.getMyId(this.actionFish));
    if (id === 1 || id === 3) {
      this.enemyTarget = -2;
      return success;
    }
    return id === 2 || id === 4 ? errTarget : errActionFish;
  }

  setFriendTarget(pos: number): number {
    if (this.actionType === -1) return errActionNotChoose;
    if (this.actionFish === -1) return errFishNotChoose;
    if (this.actionType === 0) return errTarget;
    this.friendTarget = pos;
    const id = Math.abs(this.view.getMyId(this.actionFish));
    if (id === 1 || id === 3) return errTarget;
    if (id !== 2 && id !== 4) return errActionFish;
    if (pos === this.actionFish) return errTarget;
    return pos < 0 || pos > 3 ? errTargetOutOfRange : success;
  }
}
