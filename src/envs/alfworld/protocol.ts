// The ALFWorld protocol (AgentBench): instructions, the fixed acknowledgement, a worked example of the
// game's task type, then "Here is your task. " and the room.
// Actions are the text after ACTION:, lower-cased, mapped to the most similar admissible command by
// BLEU when they are not admissible; "You arrive at loc N. " is cut from observations.
import type { Message } from "../../core/index.js";
import { pythonSplit, pythonStrip } from "../lib/python-string.js";
import { defaultProtocol, type Protocol } from "../types.js";
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

/**
 * The room description as AgentBench shows it: the game's opening without its first paragraph (the
 * "-= Welcome to TextWorld, ALFRED! =-" banner), paragraphs joined by one newline (task.py:167).
 */
export function taskIntro(opening: string): string {
  return opening.split("\n\n").slice(1).join("\n");
}

/** v0.2 lists the admissible commands after every observation; agentbench-old appends nothing. */
export function availableActions(commands: readonly string[], protocol: Protocol): string {
  return protocol === "agentbench-v0.2" ? ` AVAILABLE ACTIONS: ${commands.join("\n")}\n` : "";
}

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

/**
 * A worked example for a task type, in the shape of AgentBench's prompt files: a fixed generated game
 * played by the oracle, its first action after a THOUGHT.
 */
export function workedExample(type: TaskType): Message[] {
  let example = workedExamples.get(type);
  if (!example) {
    example = playWorkedExample(type);
    workedExamples.set(type, example);
  }
  return example.map((m) => ({ ...m }));
}

/** The same game every time: played once per task type (a reset's largest cost otherwise). */
const workedExamples = new Map<TaskType, Message[]>();

function playWorkedExample(type: TaskType): Message[] {
  const game = generateGame(type, 424242);
  const world = new World(structuredClone(game.state));
  const { goal } = game.state;
  const messages: Message[] = [{ role: "user", content: taskIntro(world.intro()) }];
  const plan = planGame(game);
  const thought = planSentence[type](goal.objectType, goal.receptacleType ?? goal.lampType ?? "");
  for (const [i, command] of plan.entries()) {
    const content = i === 0 ? `THOUGHT: ${thought}\n ACTION: ${command}` : `ACTION: ${command}`;
    messages.push({ role: "assistant", content, loss: false });
    const observation = cleanObservation(world.step(command));
    // the winning step ends the game: no observation after it
    if (i < plan.length - 1) messages.push({ role: "user", content: observation });
  }
  return messages;
}

/** AgentBench's instruction and its prompt file's worked examples by kind (put, clean, …). */
export interface AlfworldTexts {
  instruction: string;
  examples: Readonly<Record<string, readonly string[]>>;
}

/** The prompt file's key for a task type (AgentBench's `prefixes`, alfworld/task.py). */
const exampleKey: Record<TaskType, string> = {
  pick_and_place: "put",
  pick_clean_then_place: "clean",
  pick_heat_then_place: "heat",
  pick_cool_then_place: "cool",
  look_at_obj_in_light: "examine",
  pick_two_obj_and_place: "puttwo",
};

/** A prompt file's example: its turns alternate user, agent, user, … from the first. */
function fileExample(turns: readonly string[]): Message[] {
  return turns.map(
    (content, i): Message =>
      i % 2 === 0 ? { role: "user", content } : { role: "assistant", content, loss: false },
  );
}

export function alfworldMessages(
  type: TaskType,
  opening: string,
  suffix = "",
  texts?: AlfworldTexts,
): Message[] {
  const turns = texts?.examples[exampleKey[type]];
  if (texts && !turns) throw new Error(`AgentBench's alfworld prompts have no example "${exampleKey[type]}"`);
  const example = turns ? fileExample(turns) : workedExample(type);
  const [first, ...rest] = example;
  return [
    { role: "user", content: texts?.instruction ?? alfworldInstruction },
    { role: "assistant", content: alfworldAcknowledgement, loss: false },
    { role: "user", content: `Here is one example.\n${first?.content ?? ""}` },
    ...rest,
    { role: "user", content: `Here is your task. ${taskIntro(opening)}${suffix}` },
  ];
}

/** AgentBench's `ACTION:(.*)`: case-sensitive, and Python's `.` stops only at "\n". */
const actionLine = /ACTION:([^\n]*)/;

/** The text after ACTION: up to the line end, trimmed and lower-cased (case-sensitive ACTION:). */
export function parseAlfworldAction(reply: string): string | undefined {
  const match = actionLine.exec(reply);
  return match ? (match[1] ?? "").trim().toLowerCase() : undefined;
}

/**
 * AgentBench's process_action (src/tasks/alfworld/utils.py): the text after the first "ACTION:"
 * (case-sensitive; Python's `.` stops only at "\n"), stripped, lower-cased, first line. Without an
 * ACTION:, agentbench-old takes the whole reply (AgentBench.old utils.py:27-35) and v0.2 gives up:
 * undefined, which ends the episode (v0.2 task.py:191-194). An admissible command is kept; otherwise
 * the first command of highest BLEU above 0.01 (np.argmax), else the text itself.
 */
export function processAlfworldAction(
  reply: string,
  admissible: readonly string[],
  protocol: Protocol = defaultProtocol,
): string | undefined {
  const match = actionLine.exec(reply);
  if (!match && protocol === "agentbench-v0.2") return undefined;
  const action =
    pythonStrip(match ? (match[1] ?? "") : reply)
      .toLowerCase()
      .split("\n")[0] ?? "";
  if (protocol === "agentbench-v0.2" && action === "") return undefined; // `if not action`
  return mapToAdmissible(action, admissible);
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join("\u0000");
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/**
 * nltk's sentence_bleu([reference.split()], candidate.split(), smoothing_function=
 * SmoothingFunction().method4), as AgentBench's bleu_score calls it (nltk >= 3.6,
 * nltk/translate/bleu_score.py): modified n-gram precisions for n = 1..4 with uniform weights, 0 when
 * no unigram matches, a zero precision replaced by 1 / (2^i · k / ln(len(candidate))) / denominator
 * (k = 5, i counting the zeros) when the candidate has more than one token, zeros left out of the
 * geometric mean, and the brevity penalty.
 */
export function bleu(reference: string, candidate: string): number {
  const ref = pythonSplit(reference);
  const hyp = pythonSplit(candidate);
  const precisions: { numerator: number; denominator: number }[] = [];
  for (let n = 1; n <= 4; n++) {
    const counts = ngrams(hyp, n);
    const refCounts = ngrams(ref, n);
    let numerator = 0;
    let total = 0;
    for (const [gram, count] of counts) {
      numerator += Math.min(count, refCounts.get(gram) ?? 0);
      total += count;
    }
    precisions.push({ numerator, denominator: Math.max(1, total) });
  }
  if (precisions[0]?.numerator === 0) return 0;
  const k = 5;
  let zeros = 1;
  const p = precisions.map(({ numerator, denominator }) => {
    if (numerator !== 0 || hyp.length <= 1) return numerator / denominator;
    const smoothed = 1 / ((2 ** zeros * k) / Math.log(hyp.length)) / denominator;
    zeros++;
    return smoothed;
  });
  const logSum = p.filter((x) => x > 0).reduce((sum, x) => sum + 0.25 * Math.log(x), 0);
  const penalty = hyp.length > ref.length ? 1 : hyp.length === 0 ? 0 : Math.exp(1 - ref.length / hyp.length);
  return penalty * Math.exp(logSum);
}

/** An admissible command as is; otherwise the first most BLEU-similar one above 0.01, else the text. */
export function mapToAdmissible(action: string, admissible: readonly string[]): string {
  if (admissible.length === 0 || admissible.includes(action)) return action;
  let best = 0;
  let bestScore = -1;
  for (const [i, command] of admissible.entries()) {
    const score = bleu(command, action);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return bestScore > 0.01 ? (admissible[best] as string) : action;
}
