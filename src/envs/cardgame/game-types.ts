// What Aquawar's engine and its players exchange (AgentBench.old's card_game logic: fish.cpp's fish,
// the action_info and GameInfo JSON of aqua_sdk.cpp) and its constants.

/** Fish ids as the engine numbers them; stage 2 fields only these four. */
export const fishNames = ["spray", "flame", "eel", "sunfish"] as const;
export type FishName = (typeof fishNames)[number];
export const fishName = (id: number): FishName | undefined => fishNames[id - 1];

export const startHp = 400;
export const startAtk = 200;
/** game.h STATE_LIMIT: the round ends after this many states, decided by the tie-break. */
export const stateLimit = 128;

export interface Fish {
  id: number;
  pos: number;
  hp: number;
  readonly maxHp: number;
  atk: number;
  /** Damage taken since the last attack boost (eel, sunfish). */
  wound: number;
  /** The C++ DEAD state: set only after a whole guess or action (update_state), not by the hit. */
  dead: boolean;
  exposed: boolean;
  readonly player: number;
}

export interface SkillEvent {
  type: "aoe" | "infight" | "normalattack";
  isSkill: boolean;
  targets: { pos: number; player: number; value: number }[];
}
export interface HitEvent {
  target: number;
  player: number;
  value: number;
  traceable: boolean;
}
export interface PassiveEvent {
  type: "counter" | "deflect";
  source: number;
  player: number;
  value: number;
}
/** What one action did (the C++ action_info JSON), kept as the player's last action. */
export interface ActionEvents {
  skill?: SkillEvent;
  hit: HitEvent[];
  passive: PassiveEvent[];
  ActionFish: number;
}

/** last_assert: null before any guess; its fields null after a skipped guess. */
export type AssertRecord =
  | { AssertPos: number; AssertContent: number; AssertResult: boolean }
  | { AssertPos: null; AssertContent: null; AssertResult: null }
  | null;

export type GuessOp = { Action: "Null" } | { Action: "Assert"; Pos: number; ID: number };
export type ActionOp =
  | { Action: "Action"; Type: 0; MyPos: number; EnemyPos: number }
  | { Action: "Action"; Type: 1; MyPos: number; MyList: number[]; EnemyList: number[] }
  /** What the SDK sends for an Action nobody set up (the logic rejects it). */
  | { Action: "Action"; Type: number; MyPos: number };

/** The board as one player is told it (aqua_sdk.cpp write_json's GameInfo). */
export interface GameInfo {
  EnemyFish: number[];
  EnemyHP: number[];
  MyFish: number[];
  MyHP: number[];
  MyATK: number[];
}
export interface GuessMessage {
  EnemyAssert: AssertRecord;
  EnemyAction: ActionEvents | null;
  MyAction: ActionEvents | null;
  GameInfo: GameInfo;
}
export interface ActionMessage {
  AssertReply: AssertRecord;
  GameInfo: GameInfo;
}

export type EndReason = "all-dead" | "state-limit" | "invalid-move";
