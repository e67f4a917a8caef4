// One ScienceWorld variation as AgentTuning's eval.py plays it: the llama-2 conversation (the
// instruction / "Ok.", the task's one-shot trajectory, "The preceding task has ended…" + the first
// observation + the task), "Think:" replies answered "OK." without a step, other replies mapped to a
// valid action and stepped. Stops: the simulator's done, 200 replies, 10 failed actions in a row, a
// loop (the last 5 history entries hold 2 values). A negative score ends the episode and the score
// reverts to the one before; the episode's score is the last one held.
import type { Message, StepResult } from "../../core/index.js";
import { llama2SystemPrompt } from "../lib/llama2-harness.js";
import { pythonStrip } from "../lib/python-string.js";
import type { Environment } from "../types.js";
import type { SciworldClient } from "./client.js";
import { cleanObservation, findValidAction, isActionFailed, trimSciworldHistory } from "./protocol.js";
import { type SciworldTask, taskName } from "./tasks.js";

/** eval.py: env_step_limit 100, × 2 replies; 10 consecutive failures. */
export const maxReplies = 200;
export const maxFailures = 10;

export interface SciworldTexts {
  /** INIT_PROMPT. */
  instruction: string;
  /** prompt.json: per task number, the one-shot turns (user, assistant, user, …). */
  examples: Record<string, string[]>;
}

/** TGI's text as eval.py reads it: cut at "[INST]" and at "<|end_of_turn|>", stripped. */
export function cleanSciworldReply(reply: string): string {
  return pythonStrip((reply.split("[INST]")[0] as string).split("<|end_of_turn|>")[0] as string);
}

export class SciworldEnvironment implements Environment {
  private score = 0;
  private lastScore = 0;
  private failures = 0;
  private readonly recent = ["look around"];
  private look = "";
  private replies = 0;

  constructor(
    private readonly task: SciworldTask,
    private readonly client: SciworldClient,
    private readonly texts: SciworldTexts,
    private readonly taskNumber: number | undefined,
  ) {}

  async reset(): Promise<{ messages: Message[] }> {
    await this.client.create();
    const { taskDescription, observation } = await this.client.load(
      taskName(this.task),
      this.task.variation,
      this.task.data_idx,
    );
    this.look = observation;
    // taskdescription()[18:] drops "Task Description:\n"
    const description = taskDescription.startsWith("Task Description:\n")
      ? taskDescription.slice(18)
      : taskDescription;
    const examples =
      this.taskNumber === undefined ? [] : (this.texts.examples[String(this.taskNumber)] ?? []);
    const newTask = pythonStrip(
      `The preceding task has ended. Now, I will start a new task.\n${cleanObservation(observation)}\n${description}`,
    );
    return {
      messages: [
        { role: "system", content: llama2SystemPrompt },
        { role: "user", content: this.texts.instruction },
        { role: "assistant", content: "Ok." },
        ...examples.map((content, i): Message => ({ role: i % 2 === 0 ? "user" : "assistant", content })),
        { role: "user", content: newTask },
      ],
    };
  }

  trimHistory(messages: readonly Message[]): Message[] | undefined {
    return trimSciworldHistory(messages);
  }

  async step(rawReply: string): Promise<StepResult> {
    const reply = cleanSciworldReply(rawReply);
    this.replies++;
    let action = reply;
    let observation: string;
    let done = false;
    let mapped: string | undefined;
    if (reply.startsWith("Think:")) observation = "OK.";
    else {
      const predicted = reply.replaceAll("Action:", "").trim();
      const combinations = await this.client.validActions();
      mapped = combinations
        ? findValidAction(predicted, combinations, this.look, await this.client.inventory(), this.recent)
        : predicted;
      action = mapped;
      const result = await this.client.step(mapped);
      observation = result.observation;
      done = result.done;
      this.look = await this.client.look();
      if (isActionFailed(observation)) this.failures++;
      else this.failures = 0;
      this.score = result.score;
      if (this.score < 0) {
        // no_stop: a failed task ends the episode with the score it had before
        done = true;
        this.score = this.lastScore;
      }
      this.lastScore = this.score;
      if (this.failures >= maxFailures) return this.end("Early stop due to consecutive invalid actions");
    }
    observation = cleanObservation(observation);
    this.recent.push(`(${action}, ${observation})`);
    if (done) return this.end();
    if (this.replies >= maxReplies) return this.end(`${maxReplies} replies`);
    if (this.recent.length >= 5 && new Set(this.recent.slice(-5)).size === 2)
      return this.end("Many recent actions in history are the same: the model is likely in a loop");
    return {
      observation,
      reward: 0,
      done: false,
      ...(mapped !== undefined ? { info: { action: mapped } } : {}),
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private end(stop?: string): StepResult {
    const reward = this.score / 100;
    return {
      observation: "",
      reward,
      done: true,
      ...(reward < 1 ? { failure: stop?.startsWith("Early stop") ? "invalid_action" : "wrong_answer" } : {}),
      info: {
        score: this.score,
        task: taskName(this.task),
        variation: this.task.variation,
        ...(stop ? { stop } : {}),
      },
    };
  }
}
