// The ALFWorld protocol (AgentBench): instructions, the fixed acknowledgement, a worked example of the
// game's task type (with a think turn answered "OK."), then "Here is your task. " and the room.
// Actions are the text after ACTION:, lower-cased, mapped to the most similar admissible command by
// BLEU when they are not admissible; "You arrive at loc N. " is cut from observations.
import type { Message } from "../../core/index.js";
import { generateGame, planGame } from "./games.js";
import { type TaskType, World } from "./world.js";

export const alfworldInstruction = `Interact with a household to solve a task. Imagine you are an intelligent agent in a household environment and your target is to perform actions to complete the task goal. At the beginning of your interactions, you will be given a detailed description of the current environment and your goal to accomplish. For each of your turns, you will be given a list of actions that you can choose from, and you should choose one action to take.
In each turn, reply in one of two forms:
1. THOUGHT: your thoughts.
 ACTION: your next action
2. ACTION: your next action
After your each turn, the environment will give you immediate feedback based on which you plan your next few steps. If the environment outputs "Nothing happened", that means the previous action is invalid and you should try more options.
Reminder:
1. The action must be chosen from the given available actions. Any actions except provided available actions will be regarded as illegal.
2. Think when necessary, try to act directly more in the process.`;

export const alfworldAcknowledgement = "OK. I'll follow your instructions and try my best to solve the task.";

export function cleanObservation(text: string): string {
  return text.replace(/^You arrive at loc \d+\. /, "");
}

const planSentence: Record<TaskType, (object: string, target: string) => string> = {
  pick_and_place: (o, t) => `To solve the task, I need to find and take a ${o}, then put it in/on ${t}.`,
  pick_clean_then_place: (o, t) =>
    `To solve the task, I need to find and take a ${o}, clean it with a sinkbasin, then put it in/on ${t}.`,
  pick_heat_then_place: (o, t) =>
    `To solve the task, I need to find and take a ${o}, heat it with a microwave, then put it in/on ${t}.`,
  pick_cool_then_place: (o, t) =>
    `To solve the task, I need to find and take a ${o}, cool it with a fridge, then put it in/on ${t}.`,
  look_at_obj_in_light: (o, t) =>
    `To solve the task, I need to find and take a ${o}, then find and use a ${t}.`,
  pick_two_obj_and_place: (o, t) =>
    `To solve the task, I need to find and take the first ${o}, put it in/on ${t}, then find and take the second ${o}, put it in/on ${t}.`,
};

/** A worked example for a task type: a fixed generated game played by the oracle, with a think turn. */
export function workedExample(type: TaskType): Message[] {
  const game = generateGame(type, 424242);
  const world = new World(structuredClone(game.state));
  const { goal } = game.state;
  const messages: Message[] = [
    { role: "user", content: world.intro() },
    {
      role: "assistant",
      content: `THOUGHT: ${planSentence[type](goal.objectType, goal.receptacleType ?? goal.lampType ?? "")}\n ACTION: think: I will look for it where it is likely to be.`,
      loss: false,
    },
    { role: "user", content: "OK." },
  ];
  const plan = planGame(game);
  for (const [i, command] of plan.entries()) {
    messages.push({ role: "assistant", content: `ACTION: ${command}`, loss: false });
    const observation = cleanObservation(world.step(command));
    // the winning step ends the game: no observation after it
    if (i < plan.length - 1) messages.push({ role: "user", content: observation });
  }
  return messages;
}

export function alfworldMessages(type: TaskType, intro: string): Message[] {
  return [
    { role: "user", content: alfworldInstruction },
    { role: "assistant", content: alfworldAcknowledgement, loss: false },
    ...workedExample(type),
    { role: "user", content: `Here is your task. ${intro}` },
  ];
}

/** The text after ACTION: up to the line end, trimmed and lower-cased. */
export function parseAlfworldAction(reply: string): string | undefined {
  const match = /ACTION:\s*(.*)/i.exec(reply);
  return match ? (match[1] ?? "").trim().toLowerCase() : undefined;
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(" ");
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Sentence BLEU-4 (uniform weights, brevity penalty, no smoothing), as nltk computes it by default. */
export function bleu(reference: string, candidate: string): number {
  const ref = reference.split(/\s+/).filter(Boolean);
  const cand = candidate.split(/\s+/).filter(Boolean);
  if (cand.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= 4; n++) {
    const c = ngrams(cand, n);
    const r = ngrams(ref, n);
    let overlap = 0;
    let total = 0;
    for (const [gram, count] of c) {
      overlap += Math.min(count, r.get(gram) ?? 0);
      total += count;
    }
    if (overlap === 0 || total === 0) return 0;
    logSum += Math.log(overlap / total) / 4;
  }
  const bp = cand.length > ref.length ? 1 : Math.exp(1 - ref.length / cand.length);
  return bp * Math.exp(logSum);
}

/** An admissible command as is; otherwise the most BLEU-similar one above 0.01, else the text itself. */
export function mapToAdmissible(action: string, admissible: readonly string[]): string {
  if (admissible.includes(action)) return action;
  let best = action;
  let bestScore = 0.01;
  for (const command of admissible) {
    const score = bleu(command, action);
    if (score > bestScore) {
      best = command;
      bestScore = score;
    }
  }
  return best;
}
