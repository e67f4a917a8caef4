// One GSM8K question: one reply, scored by the original's lossy rule (the reward) and the strict one.
import type { Message, StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import { cleanCompletion, goldAnswer, lossyPrediction, strictPrediction } from "./answer.js";
import { gsm8kMessages, type Shot } from "./prompt.js";
import type { Gsm8kTask } from "./tasks.js";

export class Gsm8kEnvironment implements Environment {
  constructor(
    private readonly task: Gsm8kTask,
    private readonly shots: readonly Shot[],
  ) {}

  async reset(): Promise<{ messages: Message[] }> {
    return { messages: gsm8kMessages(this.shots, this.task.question) };
  }

  async step(reply: string): Promise<StepResult> {
    const completion = cleanCompletion(reply);
    const gold = goldAnswer(this.task.answer);
    const prediction = lossyPrediction(completion);
    const strict = strictPrediction(completion);
    const correct = prediction !== undefined && prediction === gold;
    const strictCorrect = strict !== undefined && strict === gold;
    return {
      observation: "",
      reward: correct ? 1 : 0,
      done: true,
      ...(correct ? {} : { failure: prediction === undefined ? "invalid_format" : "wrong_answer" }),
      info: {
        gold: gold ?? null,
        prediction: prediction ?? "[invalid]",
        strictPrediction: strict ?? "[invalid]",
        correct,
        strictCorrect,
      },
    };
  }

  async close(): Promise<void> {}
}
