// One Mind2Web step: choice rounds over groups of five candidates until one is left (one round with the
// default five candidates, as AgentInstruct's single-turn Mind2Web data); the prediction is scored for
// element accuracy, operation F1 and step success.
import type { StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import { letters, operationF1, operationString, parseMind2WebAnswer, questionPrompt } from "./protocol.js";
import type { StepProblem } from "./tasks.js";

export class Mind2WebEnvironment implements Environment {
  private pool: StepProblem["candidates"];
  private group: StepProblem["candidates"] = [];
  private next: StepProblem["candidates"] = [];
  private lastOp = { op: "", value: "" };

  constructor(
    private readonly problem: StepProblem,
    private readonly chainOfThought = false,
  ) {
    this.pool = [...problem.candidates];
  }

  private ask(): string {
    this.group = this.pool.slice(0, 5);
    this.pool = this.pool.slice(5);
    return questionPrompt(this.problem, this.group, { chainOfThought: this.chainOfThought });
  }

  async reset() {
    return { messages: [{ role: "user" as const, content: this.ask() }] };
  }

  async step(reply: string): Promise<StepResult> {
    const answer = parseMind2WebAnswer(reply);
    if (!answer)
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "invalid_format",
        info: this.score(undefined),
      };
    const chosen = answer.letter === "A" ? undefined : this.group[letters.indexOf(answer.letter)];
    if (chosen) {
      // a chosen element goes back into the pool for the next round
      this.next.push(chosen);
      this.lastOp = { op: answer.op, value: answer.value };
    }
    if (this.pool.length > 0) return { observation: this.ask(), reward: 0, done: false };
    if (this.next.length > 1) {
      this.pool = this.next;
      this.next = [];
      return { observation: this.ask(), reward: 0, done: false };
    }
    const info = this.score(this.next[0]);
    return {
      observation: "",
      reward: info.step_success,
      done: true,
      ...(info.step_success ? {} : { failure: "wrong_answer" as const }),
      info,
    };
  }

  private score(prediction: StepProblem["candidates"][number] | undefined) {
    const element = prediction?.positive ? 1 : 0;
    const f1 = prediction
      ? operationF1(
          operationString(this.lastOp.op, this.lastOp.value),
          operationString(this.problem.operation.op, this.problem.operation.value),
        )
      : 0;
    return {
      element_accuracy: element,
      action_f1: f1,
      step_success: element === 1 && f1 === 1 ? 1 : 0,
      annotation_id: this.problem.annotationId,
    };
  }

  async close() {}
}
