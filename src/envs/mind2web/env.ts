// One Mind2Web step as AgentBench runs it (mind2web/task.py predict_single): the candidates in a
// queue, five at a time into a fresh prompt (the few-shot turns, then the round's question), a
// chosen one back to the end of the queue, until one is left; the last choice is the prediction,
// scored for element accuracy, operation F1 and step success.
import type { Message, StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import {
  letters,
  operationF1,
  operationString,
  parseMind2WebAnswer,
  predictedOperationString,
  type RoundQuestion,
  roundQuestion,
} from "./protocol.js";
import type { StepProblem } from "./tasks.js";

export interface Mind2WebPrompt {
  /** Turns sent before every round's question (AgentBench's prompt file); none for zero-shot. */
  fewShot: readonly Message[];
  /** Ask for chain of thought in agenttune's zero-shot wording. */
  chainOfThought: boolean;
}

type Prediction = { candidateId: string; op: string; value: string };

export class Mind2WebEnvironment implements Environment {
  readonly independentTurns = true;
  /** Candidate ids still in play; a chosen one goes to the back of the queue (AgentBench's rounds). */
  private queue: string[];
  private round: RoundQuestion | undefined;
  private prediction: Prediction | undefined;
  private unreadable = 0;
  private readonly positives: Set<string>;

  constructor(
    private readonly problem: StepProblem,
    private readonly prompt: Mind2WebPrompt = { fewShot: [], chainOfThought: false },
  ) {
    this.queue = problem.candidates.map((c) => c.id);
    this.positives = new Set(problem.candidates.filter((c) => c.positive).map((c) => c.id));
  }

  private ask(): string {
    const group = this.queue.slice(0, 5);
    this.queue = this.queue.slice(5);
    this.round = roundQuestion(this.problem, group, {
      formatHint: this.prompt.fewShot.length === 0,
      chainOfThought: this.prompt.chainOfThought,
    });
    return this.round.content;
  }

  async reset(): Promise<{ messages: Message[]; finished?: StepResult }> {
    // AgentBench never asks a step without a positive in the ranker's top k (task.py:160-161), nor
    // one with a lone candidate (`while len(all_candidates) > 1`): both score as no prediction
    if (this.positives.size === 0 || this.problem.candidates.length <= 1) {
      const info = { ...this.score(undefined), never_asked: 1 };
      return {
        messages: [],
        finished: { observation: "", reward: 0, done: true, failure: "wrong_answer", info },
      };
    }
    let question: string;
    try {
      question = this.ask();
    } catch (error) {
      // a page AgentBench's lxml could not read either (malformed XML): the sample fails, the run goes on
      const info = { ...this.score(undefined), error: (error as Error).message };
      return {
        messages: [],
        finished: { observation: "", reward: 0, done: true, failure: "env_error", info },
      };
    }
    return { messages: [...this.prompt.fewShot, { role: "user" as const, content: question }] };
  }

  async step(reply: string): Promise<StepResult> {
    // a reply without "Answer: X" counts as A (none of the above), as AgentBench reads it
    const answer = parseMind2WebAnswer(reply);
    if (!answer) this.unreadable++;
    const letter = answer?.letter ?? "A";
    // a letter past the last choice is dropped like A (AgentBench's IndexError branch)
    const chosen = letter === "A" ? undefined : this.round?.choiceIds[letters.indexOf(letter)];
    if (chosen && answer) {
      this.queue.push(chosen);
      this.prediction = { candidateId: chosen, op: answer.op, value: answer.value };
    }
    // rounds go on while more than one candidate is left: a lone one is never shown, as in AgentBench
    if (this.queue.length > 1) return { observation: this.ask(), reward: 0, done: false };
    // an empty queue means the last group was all refused: no prediction
    const info = this.score(this.queue.length === 0 ? undefined : this.prediction);
    const failure = info.step_success ? undefined : this.unreadable > 0 ? "invalid_format" : "wrong_answer";
    return { observation: "", reward: info.step_success, done: true, ...(failure ? { failure } : {}), info };
  }

  private score(prediction: Prediction | undefined) {
    const element = prediction && this.positives.has(prediction.candidateId) ? 1 : 0;
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
