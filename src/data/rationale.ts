// `rationale`: writes the missing Thought before each action of trajectories that have none (oracle or
// gold trajectories), asking a model; the action text is verified byte-identical afterwards.
import { rmSync } from "node:fs";
import type { Message, Trajectory } from "../core/index.js";
import { AppendLog, readJsonlAll, trajectorySchema, writeJsonlFile } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";
import { readTrajectories, sortTrajectories } from "./formats/index.js";

/** Splits a reply at its first "Action…:" line into the thought before and the action from there on. */
export function splitReply(reply: string): { thought: string; action: string } {
  const match = /^[ \t]*(?:Action|ACTION)\b[^\n]*:/m.exec(reply);
  if (!match) return { thought: "", action: reply };
  return { thought: reply.slice(0, match.index).trim(), action: reply.slice(match.index) };
}

export interface RationaleOptions {
  input: string;
  out: string;
  model: ChatModel;
  /** Rewrite the thought of every agent turn, not only the empty ones. */
  all?: boolean;
  /** Attempts per turn before the original turn is kept. */
  attempts?: number;
  concurrency?: number;
}

export interface RationaleReport {
  trajectories: number;
  /** Agent turns that got a new thought. */
  rewritten: number;
  /** Agent turns that already had one (without --all). */
  skipped: number;
  /** Turns whose every attempt changed the action or was empty: kept as they were. */
  failed: number;
  /** Why the failed turns' last attempts were refused, with counts (turns processed in this run). */
  why: Record<string, number>;
  /** The model's reply of the first refused attempt, cut to 300 characters: what "failed" looked like. */
  example?: string;
  out: string;
}

const instruction = `Below is an agent's conversation with an environment, up to one of the agent's turns, and the action the agent takes next.
Write the agent's reasoning for that action: one to three sentences in the first person that explain why this action is the right next step.
Reply with the reasoning only. Do not write the action, an "Action:" line or any code.`;

function renderHistory(messages: readonly Message[]): string {
  return messages
    .map(
      (m) =>
        `${m.role === "assistant" ? "Agent" : "Environment"}: ${m.content.length > 1500 ? `${m.content.slice(0, 1500)}…` : m.content}`,
    )
    .join("\n\n");
}

/** The model's reply as a thought: a leading "Thought:" removed, anything from an action line on dropped. */
export function cleanThought(text: string): string {
  const { thought, action } = splitReply(text);
  const body = thought || (action === text ? text : "");
  return body
    .replace(/^\s*thought\s*:\s*/i, "")
    .replace(/```[\s\S]*$/, "")
    .trim();
}

async function addThoughts(
  trajectory: Trajectory,
  { model, all = false, attempts = 3 }: Pick<RationaleOptions, "model" | "all" | "attempts">,
  refused: (reason: string, reply: string) => void,
): Promise<Trajectory> {
  const spec = getEnvSpec(trajectory.env);
  const messages = trajectory.messages.map((m) => ({ ...m }));
  for (const [index, message] of messages.entries()) {
    if (message.role !== "assistant" || message.loss === false) continue;
    const { thought, action } = splitReply(message.content);
    if (thought && !all) continue;
    const prompt = `${instruction}\n\n${renderHistory(trajectory.messages.slice(0, index))}\n\nThe agent's next action:\n${action}`;
    let replaced = false;
    let lastRefusal: [string, string] | undefined;
    for (let attempt = 0; attempt < attempts && !replaced; attempt++) {
      const completion = await model.complete([{ role: "user", content: prompt }], {
        temperature: attempt ? 0.7 : 0,
        maxTokens: 256,
      });
      const newThought = cleanThought(completion.text);
      const reply = `${newThought}\n${action}`;
      // the action must be byte-identical and still a valid action of the env
      if (!newThought)
        lastRefusal = ["the reply held no reasoning (empty, or only an action or code)", completion.text];
      else if (splitReply(reply).action !== action)
        lastRefusal = [
          "the reasoning contained an action line, which would change the action",
          completion.text,
        ];
      else if (spec.replyProblem(reply) && !spec.replyProblem(message.content))
        lastRefusal = [
          `the new turn is no valid ${spec.name} action: ${spec.replyProblem(reply)}`,
          completion.text,
        ];
      else {
        message.content = reply;
        replaced = true;
      }
    }
    if (!replaced && lastRefusal) refused(...lastRefusal);
  }
  return { ...trajectory, messages };
}

export async function addRationales(options: RationaleOptions): Promise<RationaleReport> {
  const trajectories = sortTrajectories(await readTrajectories(options.input));
  // resumable: finished trajectories are appended to a side log and skipped on restart
  const partial = `${options.out}.partial`;
  const log = new AppendLog(partial);
  const done = new Map<string, Trajectory>();
  for (const { value } of await readJsonlAll(partial, trajectorySchema, { tolerateTornTail: true }))
    done.set(value.id, value);
  const report: RationaleReport = {
    trajectories: trajectories.length,
    rewritten: 0,
    skipped: 0,
    failed: 0,
    why: {},
    out: options.out,
  };
  const refused = (reason: string, reply: string) => {
    report.why[reason] = (report.why[reason] ?? 0) + 1;
    report.example ??= reply.length > 300 ? `${reply.slice(0, 300)}…` : reply;
  };
  try {
    for (const trajectory of trajectories) {
      if (done.has(trajectory.id)) continue;
      const result = await addThoughts(trajectory, options, refused);
      log.append(result);
      done.set(trajectory.id, result);
    }
  } finally {
    log.close();
  }
  const results = trajectories.map((t) => done.get(t.id) ?? t);
  writeJsonlFile(options.out, results);
  rmSync(partial, { force: true });
  // counted from input and output, so a resumed run reports the same as an uninterrupted one
  for (const [i, before] of trajectories.entries()) {
    for (const [j, message] of before.messages.entries()) {
      if (message.role !== "assistant" || message.loss === false) continue;
      const changed = results[i]?.messages[j]?.content !== message.content;
      const hadThought = splitReply(message.content).thought !== "";
      if (changed) report.rewritten++;
      else if (hadThought && !options.all) report.skipped++;
      else report.failed++;
    }
  }
  return report;
}
