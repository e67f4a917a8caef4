// The LLM's side of a game as AgentBench.old runs it: AI_En.py builds each decision's prompt from the
// SDK's view and decodes the reply, client.py assembles the messages (recent successful pairs, then
// the rules turn, then the prompt), and the session's filter_messages (src/agent.py) cuts them to
// 3,500 "segments".
import type { Message } from "../../core/index.js";
import { PythonFloat, pythonIntOfStr, pythonJsonLoads, pythonStrOfJson } from "../lib/python-json.js";
import { pythonDictRepr, pythonStrRepr } from "../lib/python-repr.js";
import { fishNames } from "./game-types.js";
import { type ActionInfoView, type PlayerView, passiveTypeName, SdkAction, success } from "./sdk.js";

/** The rules turns: ACTION_DESCRIPTION[2] and GUESS_DESCRIPTION[2] of prompt/en.py. */
export interface CardgameRules {
  action: string;
  guess: string;
}

/** client.py's answer to the rules turn. */
export const rulesReply = "Okay, I will play the game with you according to the rules.";
/** Tries per decision (AI_En.py `for ix in range(5)`). */
export const triesPerDecision = 5;
/** Successful pairs kept before the rules turn: the last 2 actions, the last 3 guesses. */
export const pairsKept = { action: 2, guess: 3 } as const;
/** filter_messages' budget. */
export const segmentBudget = 3500;

export type Decision = "guess" | "action";

// AI_En.py's tables
const nameToId: Record<string, number> = {
  spray: 1,
  flame: 2,
  eel: 3,
  sunfish: 4,
  "0": 1,
  "1": 2,
  "2": 3,
  "3": 4,
};
const nameToPos: Record<string, number> = {
  spray: 0,
  flame: 1,
  eel: 2,
  sunfish: 3,
  "0": 0,
  "1": 1,
  "2": 2,
  "3": 3,
};
const idToName = ["", "spray", "flame", "eel", "sunfish", "unknown"];
const skillTypeNames: Record<string, string> = {
  "skill_type.aoe": "AOE",
  "skill_type.infight": "Infight",
  "skill_type.normalattack": "Normal",
};
const passiveTypeNames: Record<string, string> = {
  "passive_type.counter": "Counter",
  "passive_type.deflect": "Deflect",
};

/** Python's list[i] for i in -5…5 (id_to_name[-1] is "unknown"). */
const nameOf = (id: number) => idToName[id < 0 ? idToName.length + id : id];

/** _non_zero_indexes: the slots (not the values) of the array that are non-zero, stale slots included. */
export const nonZeroIndexes = (values: readonly number[]) =>
  values.flatMap((value, i) => (value !== 0 ? [i] : []));

const pyList = (items: readonly (number | string)[]) =>
  `[${items.map((i) => (typeof i === "string" ? pythonStrRepr(i) : String(i))).join(", ")}]`;

function actionSummary(action: ActionInfoView, withSkillType: boolean): Record<string, string> {
  if (action.actionFish === -1)
    return withSkillType
      ? { ACTION_FISH: "None", ATK: "None", TARGET: "None", SKILL_TYPE: "None" }
      : { ACTION_FISH: "None", ATK: "None", TARGET: "None" };
  const summary: Record<string, string> = {
    ACTION_FISH: String(action.actionFish),
    ATK: String(action.enemyExpectedInjury[0]),
    TARGET: pyList(nonZeroIndexes(action.enemyTargets)),
  };
  if (withSkillType) {
    const type = skillTypeNames[action.typeName()];
    if (type === undefined) throw new Error(`AI_En.py: KeyError ${action.typeName()}`);
    summary.SKILL_TYPE = type;
  }
  return summary;
}

/** json.dumps with Python's default separators. */
function pyJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(", ")}]`;
  if (value && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pyJsonDumps(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}

/** _get_current_state: both sides as JSON, enemy types "unknown" until revealed, enemy attack never shown. */
export function currentState(view: PlayerView): string {
  const you = [0, 1, 2, 3].map((pos) => ({
    ID: nameOf(Math.abs(view.getMyId(pos))),
    POSITION: String(pos),
    HP: String(view.getMyHp(pos)),
    ATK: String(view.getMyAtk(pos)),
  }));
  const enemy = [0, 1, 2, 3].map((pos) => ({
    ID: nameOf(view.getEnemyId(pos)),
    POSITION: String(pos),
    HP: String(view.getEnemyHp(pos)),
    ATK: "unknown",
  }));
  return pyJsonDumps({ You: you, Enemy: enemy });
}

/** _decide's prompt. */
export function actionPrompt(view: PlayerView): string {
  const mine = pythonDictRepr(actionSummary(view.myAction, false));
  const enemy = pythonDictRepr(actionSummary(view.enemyAction, false));
  return `Following is the current game state:\n${currentState(view)}\n\nYour previous action: ${mine}\nEnemy's previous action: ${enemy}\n\nPlease Output your next action.`;
}

/** _guess's prompt; the passives are zipped over the SDK's whole 24-slot arrays. */
export function guessPrompt(view: PlayerView): string {
  const enemy = pythonDictRepr(actionSummary(view.enemyAction, true));
  const triggered: Record<string, string> = {};
  const record = (ids: readonly number[], types: readonly number[]) =>
    ids.forEach((pos, i) => {
      const name = passiveTypeNames[passiveTypeName(types[i] as number)];
      if (name === undefined) throw new Error(`AI_En.py: KeyError ${passiveTypeName(types[i] as number)}`);
      triggered[`Position: ${pos}`] = name;
    });
  record(view.myAction.enemyPassivesId, view.myAction.enemyTypes);
  record(view.enemyAction.friendPassivesId, view.enemyAction.friendTypes);
  const live = pyList(view.enemyLivingSet().map(String));
  const previous = view.myAssert.assertResult ? "True" : "False";
  return `Previous Guess: ${previous}\nLive Enemy Fish: ${live}\nEnemy's previous action: ${enemy}\nEnemy's previous triggered passive ability: ${pyJsonDumps(triggered)}\n\nPlease output your guess.`;
}

/** The `{...}` candidates of a reply, ' turned into ", in order (re.findall(r"\{[\w\W]*?\}")). */
function candidates(output: string): unknown[] {
  const moves: unknown[] = [];
  for (const match of output.matchAll(/\{[\w\W]*?\}/g)) {
    try {
      moves.push(pythonJsonLoads(match[0].replaceAll("'", '"')));
    } catch {}
  }
  return moves;
}

const isDict = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof PythonFloat);

/** A decoded guess: the position and the fish id guessed. */
export interface Guess {
  target: number;
  fish: number;
}

/** _decode_guess: the first candidate _guess_verify accepts. */
export function decodeGuess(output: string, view: PlayerView): Guess | undefined {
  for (const move of candidates(output)) {
    if (!isDict(move) || !("target_position" in move) || !("guess_type" in move)) continue;
    const target = pythonStrOfJson(move.target_position);
    const type = move.guess_type;
    if (typeof type !== "string" || !(fishNames as readonly string[]).includes(type)) continue;
    if (target === undefined || !["0", "1", "2", "3"].includes(target)) continue;
    if (!view.enemyLivingSet().includes(Number(target))) continue;
    return { target: Number(target), fish: nameToId[type] as number };
  }
  return undefined;
}

/** A decoded move as _move_verfiy leaves it. */
export interface Move {
  /** A fish name, or a position "0"…"3" (AI_En.py accepts both). */
  pickFish: string;
  action: "normal" | "active";
  target: string;
}

/** _decode_move: the first candidate _move_verfiy accepts. */
export function decodeMove(output: string, view: PlayerView): Move | undefined {
  for (const move of candidates(output)) {
    const verified = verifyMove(move, view);
    if (verified) return verified;
  }
  return undefined;
}

function verifyMove(move: unknown, view: PlayerView): Move | undefined {
  if (!isDict(move) || !("pick_fish" in move) || !("action" in move) || !("target_position" in move)) return;
  const { pick_fish: pick, action } = move;
  if (action !== "normal" && action !== "active") return;
  // str() of any value; an AOE's target is then replaced by "0"
  let target = pythonStrOfJson(move.target_position);
  const living = view.myLivingSet();
  if ((pick === "spray" || pick === "eel") && action === "active") target = "0";
  else {
    const position = target === undefined ? undefined : pythonIntOfStr(target);
    if (position === undefined || !view.enemyLivingSet().includes(position)) return;
  }
  if (typeof pick !== "string" || !(pick in nameToPos)) return;
  if (!living.includes(nameToPos[pick] as number)) return;
  const dead = [0, 1, 2, 3].filter((i) => !living.includes(i));
  const targetPos = pythonIntOfStr(target as string) as number;
  for (const healer of ["flame", "sunfish"])
    if (pick === healer && action === "active" && [nameToPos[healer], ...dead].includes(targetPos)) return;
  return { pickFish: pick, action, target: target as string };
}

/** _decide's SDK calls for a verified move; undefined when one of them fails (the try is lost). */
export function moveToAction(move: Move, view: PlayerView): SdkAction | undefined {
  const action = new SdkAction(view);
  const target = pythonIntOfStr(move.target) as number;
  const type = move.action === "normal" ? 0 : 1;
  if (action.setActionFish(nameToPos[move.pickFish] as number) !== success) return;
  if (action.setActionType(type) !== success) return;
  const onTeammate = type === 1 && (move.pickFish === "flame" || move.pickFish === "sunfish");
  const result = onTeammate ? action.setFriendTarget(target) : action.setEnemyTarget(target);
  return result === success ? action : undefined;
}

/** Session._calc_segments: words of letters count once per 7 letters, every other non-space character once. */
export function calcSegments(text: string): number {
  let segments = 0;
  let current = 0;
  let insideWord = false;
  for (const ch of text) {
    if (/\p{L}/u.test(ch)) {
      current++;
      insideWord = true;
      if (current >= 7) {
        segments++;
        current = 0;
        insideWord = false;
      }
    } else {
      if (insideWord) {
        segments++;
        current = 0;
        insideWord = false;
      }
      if (ch !== " " && ch !== "\n") segments++;
    }
  }
  return current > 0 ? segments + 1 : segments;
}

/**
 * Session.filter_messages: the first message always, then the newest messages while the running
 * total stays under the budget, never starting on a user turn; a notice counts what was left out.
 */
export function filterMessages(messages: readonly Message[], budget = segmentBudget): Message[] {
  const first = messages[0];
  if (!first) return [];
  let segments = calcSegments(first.content);
  const kept: Message[] = [];
  for (let i = messages.length - 1; i > 0; i--) {
    const message = messages[i] as Message;
    segments += calcSegments(message.content);
    if (segments >= budget) break;
    kept.push(message);
  }
  if (kept.length > 0 && kept.at(-1)?.role === "user") kept.pop();
  const omitted = messages.length - kept.length - 1;
  const instruction =
    omitted > 0 ? `${first.content}\n\n[NOTICE] ${omitted} messages are omitted.` : first.content;
  return [{ role: "user", content: instruction }, ...kept.reverse()];
}

/** client.llm_call's messages (then filtered as the session does). */
export function decisionMessages(
  pairs: readonly (readonly [string, string])[],
  rules: string,
  prompt: string,
): Message[] {
  const messages: Message[] = [];
  for (const [user, reply] of [...pairs, [rules, rulesReply] as const])
    messages.push({ role: "user", content: user }, { role: "assistant", content: reply });
  messages.push({ role: "user", content: prompt });
  return filterMessages(messages);
}
