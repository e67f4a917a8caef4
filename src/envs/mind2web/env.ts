// One Mind2Web step as AgentBench runs it: the candidates in a queue, five at a time into a fresh
// multiple-choice prompt, a chosen one back to the end of the queue, until one is left; the last
// choice is the prediction, scored for element accuracy, operation F1 and step success.
import type { Message, StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import {
  letters,
  operationF1,
  operationString,
  parseMind2WebAnswer,
  predictedOperationString,
  questionPrompt,
} from "./protocol.js";
import type { StepProblem } from "./tasks.js";

export class Mind2WebEnvironment implements Environment {
  readonly independentTurns = true;
  /** Candidates still in play; a chosen one goes to the back of the queue (AgentBench's rounds). */
  private queue: StepProblem["candidates"];
  private group: StepProblem["candidates"] = [];
  private prediction: { candidate: StepProblem["candidates"][number]; op: string; value: string } | undefined;
  private unreadable = 0;

  constructor(
    private readonly problem: StepProblem,
    private readonly chainOfThought = false,
  ) {
    this.queue = [...problem.candidates];
  }

  private ask(): string {
    this.group = this.queue.slice(0, 5);
    this.queue = this.queue.slice(5);
    return questionPrompt(this.problem, this.group, { chainOfThought: this.chainOfThought });
  }

  async reset(): Promise<{ messages: Message[]; finished?: StepResult }> {
    // one candidate in all: AgentBench's `while len(all_candidates) > 1` never asks and scores the
    // step as no prediction (mind2web/task.py:159-187)
    if (this.problem.candidates.length <= 1) {
      const info = { ...this.score(undefined), never_asked: 1 };
      return {
        messages: [],
        finished: { observation: "", reward: 0, done: true, failure: "wrong_answer", info },
      };
    }
    return { messages: [{ role: "user" as const, content: this.ask() }] };
  }

  async step(reply: string): Promise<StepResult> {
    // a reply without "Answer: X" counts as A (none of the above), as AgentBench reads it
    const answer = parseMind2WebAnswer(reply);
    if (!answer) this.unreadable++;
    const letter = answer?.letter ?? "A";
    const chosen = letter === "A" ? undefined : this.group[letters.indexOf(letter)];
    if (chosen && answer) {
      this.queue.push(chosen);
      this.prediction = { candidate: chosen, op: answer.op, value: answer.value };
    }
    // rounds go on while more than one candidate is left: a lone one is never shown, as in AgentBench
    if (this.queue.length > 1) return { observation: this.ask(), reward: 0, done: false };
    // an empty queue means the last group was all refused: no prediction
    const info = this.score(this.queue.length === 0 ? undefined : this.prediction);
    const failure = info.step_success ? undefined : this.unreadable > 0 ? "invalid_format" : "wrong_answer";
    return { observation: "", reward: info.step_success, done: true, ...(failure ? { failure } : {}), info };
  }

  private score(prediction: Mind2WebEnvironment["prediction"]) {
    const element = prediction?.candidate.positive ? 1 : 0;
    const f1 = prediction
      ? operationF1(
          predictedOperationString(prediction.op, prediction.value),
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
