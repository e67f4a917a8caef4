// One MT-Bench question: the model answers each turn in one Llama-2 conversation (the first answer,
// stripped, stays in the context of the second) at its category's temperature; then the judge rates
// each turn. The reward is the mean rating over 10.
import type { Message, StepResult } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import type { Environment } from "../types.js";
import { type Judgment, judgeTurn } from "./judge.js";
import type { JudgePrompt, MtbenchTask } from "./tasks.js";

export const mtbenchSystem = "You are a helpful, respectful and honest assistant.";

/** common.py temperature_config: sampled for writing and roleplay, nearly greedy for stem and humanities. */
export const categoryTemperature: Readonly<Record<string, number>> = {
  writing: 0.7,
  roleplay: 0.7,
  extraction: 0.0,
  math: 0.0,
  coding: 0.0,
  reasoning: 0.0,
  stem: 0.1,
  humanities: 0.1,
  "arena-hard-200": 0.0,
};

export class MtbenchEnvironment implements Environment {
  readonly temperature: number;
  private readonly answers: string[] = [];

  constructor(
    private readonly task: MtbenchTask,
    private readonly judge: ChatModel,
    private readonly prompts: ReadonlyMap<string, JudgePrompt>,
  ) {
    // TGI samples above 1e-4 only; below, greedy
    const temperature = categoryTemperature[task.category] ?? 0;
    this.temperature = temperature > 1e-4 ? temperature : 0;
  }

  async reset(): Promise<{ messages: Message[] }> {
    return {
      messages: [
        { role: "system", content: mtbenchSystem },
        { role: "user", content: this.task.turns[0] ?? "" },
      ],
    };
  }

  async step(reply: string): Promise<StepResult> {
    const answer = reply.trim();
    this.answers.push(answer);
    const rewrite = answer === reply ? {} : { rewrite: { reply: answer } };
    const next = this.task.turns[this.answers.length];
    if (next !== undefined) return { observation: next, reward: 0, done: false, ...rewrite };
    const judgments: Judgment[] = [];
    for (const turn of this.task.turns.map((_, i) => (i + 1) as 1 | 2))
      judgments.push(await judgeTurn(this.judge, this.prompts, this.task, this.answers, turn));
    const rated = judgments.filter((j) => j.rating !== -1);
    const mean = rated.length ? rated.reduce((sum, j) => sum + j.rating, 0) / rated.length : 0;
    return {
      observation: "",
      reward: Math.min(1, mean / 10),
      done: true,
      ...rewrite,
      ...(rated.length < judgments.length ? { failure: "invalid_format" as const } : {}),
      info: {
        category: this.task.category,
        ratings: judgments.map((j) => j.rating),
        judgments: judgments.map((j) => j.judgment),
      },
    };
  }

  async close(): Promise<void> {}
}
