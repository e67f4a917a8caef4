// One MMLU question. The prediction is the letter whose next token is most likely where the model
// gives its first-token log-probabilities (the original's argmax over the logits of " A"…" D"; here
// over the top alternatives an API returns, " A" and "A" alike), else the first letter A-D the model
// writes. Each result records which.
import type { Message, StepResult } from "../../core/index.js";
import type { Environment, StepExtra } from "../types.js";
import { mmluMessages, mmluTextPrompt } from "./prompt.js";
import { letters, type MmluTask } from "./tasks.js";

/** Alternatives asked for: enough for the four letters to show among a model's likely tokens. */
export const topLogprobs = 20;

type Letter = (typeof letters)[number];

/** The letter of highest log-probability among the first-token alternatives, or undefined without any. */
export function letterFromLogprobs(logprobs: Readonly<Record<string, number>>): Letter | undefined {
  let best: Letter | undefined;
  let bestLogprob = Number.NEGATIVE_INFINITY;
  for (const letter of letters) {
    for (const [token, logprob] of Object.entries(logprobs))
      if (token.replace(/^[\s▁Ġ]+/u, "").trimEnd() === letter && logprob > bestLogprob) {
        best = letter;
        bestLogprob = logprob;
      }
  }
  return best;
}

/** The first A-D standing alone in a reply ("B", "Answer: B", "(C) …"). */
export function letterFromText(reply: string): Letter | undefined {
  return /(?:^|[^A-Za-z])([ABCD])(?![A-Za-z])/.exec(reply)?.[1] as Letter | undefined;
}

export class MmluEnvironment implements Environment {
  readonly firstTokenLogprobs = topLogprobs;
  private readonly messages: Message[];

  constructor(private readonly task: MmluTask) {
    this.messages = mmluMessages(task);
  }

  async reset(): Promise<{ messages: Message[] }> {
    return { messages: this.messages };
  }

  textPrompt(): { prompt: string } {
    return { prompt: mmluTextPrompt(this.messages) };
  }

  async step(reply: string, extra?: StepExtra): Promise<StepResult> {
    const byLogprobs = extra?.firstTokenLogprobs && letterFromLogprobs(extra.firstTokenLogprobs);
    const prediction = byLogprobs ?? letterFromText(reply);
    const correct = prediction === this.task.answer;
    return {
      observation: "",
      reward: correct ? 1 : 0,
      done: true,
      ...(correct ? {} : { failure: prediction ? "wrong_answer" : "invalid_format" }),
      info: {
        subject: this.task.subject,
        answer: this.task.answer,
        prediction: prediction ?? null,
        mode: byLogprobs ? "logprobs" : "letter",
        correct,
      },
    };
  }

  async close(): Promise<void> {}
}
