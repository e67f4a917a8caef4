// The rules of AgentTuning's SciWorld harness (eval_heldout/science-world/eval.py, eval_utils.py):
// mapping a predicted action to a valid one, what counts as a failed action, the observation cleaning,
// and the context cap that drops few-shot turns, oldest first.
import type { Message } from "../../core/index.js";
import { cl100k, llama2Prompt } from "../lib/llama2-harness.js";

/** eval_utils.py rooms. */
export const rooms = [
  "hallway",
  "greenhouse",
  "green house",
  "kitchen",
  "bathroom",
  "outside",
  "workshop",
  "art studio",
  "foundry",
  "bedroom",
  "living room",
];

/** eval.py clean(): newlines and tabs become spaces. */
export function cleanObservation(text: string): string {
  return text.replaceAll("\n", " ").replaceAll("\t", " ");
}

/** is_action_failed. */
export function isActionFailed(observation: string): boolean {
  return (
    observation === "No known action matches that input." ||
    observation.includes("can't") ||
    observation.includes("not") ||
    observation.includes("doesn't")
  );
}

const focusWords = /\b(?:focus|on|in|to)\b/gi;

/**
 * findValidActionNew without SBERT: the valid set (the simulator's combinations, "open door to" each
 * room, no focus on agent/air/rooms, none of the last 3 recent actions, no door action but opening, a
 * focus only on things the look or inventory mentions); an exact match (after "green house" →
 * "greenhouse") is used as is; else the shortest action with the most shared words, cleaned to
 * letters, digits and spaces. Ties the original leaves to Python's set order are broken
 * alphabetically here.
 */
export function findValidAction(
  prediction: string,
  combinations: readonly string[],
  look: string,
  inventory: string,
  recentActions: readonly string[],
): string {
  const valid = new Set(combinations);
  for (const room of rooms) valid.add(`open door to ${room}`);
  for (const target of ["agent", "air", ...rooms]) valid.delete(`focus on ${target}`);
  for (const recent of recentActions.slice(-3)) valid.delete(recent);
  const seen = `${look} ${inventory.toLowerCase()}`;
  for (const action of [...valid]) {
    if (action.includes("door") && !action.includes("open")) {
      valid.delete(action);
      continue;
    }
    if (action.startsWith("focus on")) {
      const objects = action.replace(focusWords, "").split(" ");
      if (!objects.every((object) => seen.includes(object))) valid.delete(action);
    }
  }
  const exact = prediction.replaceAll("green house", "greenhouse").trim();
  if (valid.has(exact)) return exact;
  const ordered = [...valid].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const predicted = new Set(prediction.split(" "));
  let best = prediction;
  let bestOverlap = 0;
  for (const action of ordered) {
    const overlap = new Set(action.split(" ").filter((token) => predicted.has(token))).size;
    if (overlap > bestOverlap) {
      best = action;
      bestOverlap = overlap;
    }
  }
  return best.replace(/[^A-Za-z0-9 ]+/g, "");
}

function countTokens(text: string): number {
  return cl100k().encode(text, "all").length;
}

/** eval.py: max_len 4096 - 60. */
export const promptTokenLimit = 4096 - 60;
const newTaskLead = "The preceding task has ended.";

/**
 * The context cap: while the prompt is over 4,036 cl100k tokens, delete the conversation's turns 4–5
 * (after the system prompt: the second few-shot pair); when that leaves the new task at turn 4, the
 * first few-shot pair goes too. Past the few-shot turns this drops the oldest turns of the episode.
 */
export function trimSciworldHistory(
  messages: readonly Message[],
  limit = promptTokenLimit,
): Message[] | undefined {
  const system = messages[0]?.role === "system" ? [messages[0]] : [];
  const turns = messages.slice(system.length);
  while (countTokens(llama2Prompt([...system, ...turns])) > limit) {
    if (turns.length <= 5) return undefined;
    turns.splice(4, 2);
    if (turns[4]?.content.startsWith(newTaskLead)) turns.splice(2, 2);
  }
  return [...system, ...turns];
}
