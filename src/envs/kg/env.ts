// One knowledgegraph episode: tool calls parsed as AgentBench parses them, executed as SPARQL on the
// store, variables kept as query patterns, the answer committed with "Final Answer: #n".
import type { StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import { kgActionLine, kgCallArguments, kgCalledNames, kgFinalAnswer, kgMessage } from "./action.js";
import { type KgTexts, kgMessages } from "./prompt.js";
import type { KgStore } from "./store.js";
import { goldAnswers, type KgTask } from "./tasks.js";
import * as tools from "./tools.js";
import { QueryTimeout } from "./worker-store.js";

export const defaultKgRoundLimit = 15;

export class KgEnvironment implements Environment {
  private readonly variables: tools.KgVariable[] = [];
  /** What get_relations / get_attributes returned for an argument, keyed by its text. */
  private readonly seenRelations = new Map<string, Set<string>>();
  private readonly seenAttributes = new Map<string, Set<string>>();
  private rounds = 0;
  /** The arguments of the last call that parsed them (see the unknown-function texts in step()). */
  private lastArguments: string[] | undefined;

  constructor(
    private readonly task: KgTask,
    private readonly store: KgStore,
    private readonly roundLimit = defaultKgRoundLimit,
    private readonly texts?: KgTexts,
  ) {}

  async reset() {
    return { messages: kgMessages(this.task, this.texts) };
  }

  private argument(text: string): tools.ToolArgument {
    const name = text.replace(/^variable /i, "").trim();
    if (name.startsWith("#")) {
      const index = Number(name.slice(1));
      const variable = this.variables[index];
      if (!Number.isInteger(index) || !variable) throw new tools.ToolError("no such variable");
      return { kind: "variable", index, variable };
    }
    const id = this.task.entities[name] ?? name;
    // AgentBench takes a question entity's name or a Freebase id, nothing else (api.py: ^(m|f)\.[\w_]+$)
    if (!/^(m|f)\.[\p{L}\p{N}_]+$/u.test(id))
      throw new tools.ToolError(`not an entity of the question: ${name}`);
    return { kind: "entity", id };
  }

  private async call(name: string, args: string[]): Promise<string> {
    const key = (arg: string) => arg.replace(/^variable /i, "").trim();
    const newVariable = (v: tools.KgVariable) => {
      this.variables.push(v);
      return tools.variableObservation(this.variables.length - 1, v);
    };
    const [a = "", b = ""] = args;
    switch (name) {
      case "get_relations": {
        const relations = await tools.getRelations(this.store, this.argument(a), this.texts?.vocab);
        this.seenRelations.set(key(a), new Set(relations));
        return `Observation: [${relations.join(", ")}]`;
      }
      case "get_neighbors":
        if (!this.seenRelations.get(key(a))?.has(b.trim()))
          throw new tools.ToolError("relation not listed by get_relations");
        return newVariable(await tools.getNeighbors(this.store, this.argument(a), b.trim()));
      case "intersection":
        return newVariable(tools.intersection(this.argument(a), this.argument(b)));
      case "union":
        return newVariable(tools.union(this.argument(a), this.argument(b)));
      case "get_attributes": {
        const attributes = await tools.getAttributes(this.store, this.argument(a), this.texts?.vocab);
        this.seenAttributes.set(key(a), new Set(attributes));
        return `Observation: [${attributes.join(", ")}]`;
      }
      case "argmax":
      case "argmin": {
        const arg = this.argument(a);
        if (arg.kind !== "variable" || !this.seenAttributes.get(key(a))?.has(b.trim()))
          throw new tools.ToolError("attribute not listed");
        return newVariable(tools.superlative(arg, b.trim(), name === "argmax" ? "max" : "min"));
      }
      default: {
        const arg = this.argument(a);
        if (arg.kind !== "variable") throw new tools.ToolError("count needs a variable");
        return newVariable(await tools.count(this.store, arg));
      }
    }
  }

  async step(reply: string): Promise<StepResult> {
    const result = await this.act(reply);
    const message = kgMessage(reply);
    return message === reply ? result : { ...result, rewrite: { reply: message } };
  }

  private async act(reply: string): Promise<StepResult> {
    this.rounds++;
    // as AgentBench: text after "Observation:" is the model's invention and is dropped, in the
    // history too (AgentBench.old knowledgegraph/task.py:216-219; step() passes it on as a rewrite)
    const message = kgMessage(reply);
    const final = kgFinalAnswer(message);
    if (final !== undefined) {
      const variable = this.variables[final];
      if (variable) {
        // a variable whose members cannot be read in time answers nothing
        const predicted = await tools.answerOf(this.store, variable).catch((error) => {
          if (error instanceof QueryTimeout) return [];
          throw error;
        });
        return { observation: "", done: true, ...score(predicted, goldAnswers(this.task)) };
      }
      return this.next("Invalid variable id! Need to recheck the action.");
    }
    const line = kgActionLine(message);
    if (line === undefined) return this.next("No executable function found! Need to recheck the action.");
    let observation = "Function is not executed!";
    const cannot = (name: string, args: readonly string[]) =>
      name === "intersection"
        ? `${name}(${args.join(", ")}) cannot be executed. The two variables are not of the same type. You may further explore them by call get_relations`
        : `${name}(${args.join(", ")}) cannot be executed. You may make a mistake and need to fix it.`;
    for (const name of kgCalledNames(line)) {
      const args = kgCallArguments(line, name);
      if (args === undefined) {
        // AgentBench's except clause formats `ori_arguments`, a local of the whole episode: unset
        // until some call parsed its arguments (then the syntax-error text), stale after (task.py)
        observation =
          this.lastArguments === undefined
            ? `I may make a syntax error when calling ${name} (e.g., unmatched parenthesis). I need to fix it and reuse the tool`
            : cannot(name, this.lastArguments);
        continue;
      }
      this.lastArguments = args;
      try {
        return this.next(await this.call(name, args));
      } catch (error) {
        const agentsFault =
          error instanceof tools.ToolError ||
          error instanceof QueryTimeout || // a query the agent's calls made too big, as an endpoint timeout
          (error as Error).message.startsWith("not a valid id");
        if (!agentsFault) throw error;
        observation = cannot(name, args);
      }
    }
    return this.next(observation);
  }

  /** The members of the newest variable (for gold action replays). */
  async lastAnswer(): Promise<string[]> {
    const last = this.variables.at(-1);
    return last ? tools.answerOf(this.store, last) : [];
  }

  private next(observation: string): StepResult {
    if (this.rounds >= this.roundLimit)
      return { observation: "", reward: 0, done: true, failure: "round_limit" };
    return { observation, reward: 0, done: false };
  }

  async close() {}
}

/** AgentBench's per-question F1 (0 without overlap), exact match and executability. */
export function score(
  predicted: readonly string[],
  gold: ReadonlySet<string>,
): Pick<StepResult, "reward" | "info" | "failure"> {
  const set = new Set(predicted);
  const tp = [...set].filter((p) => gold.has(p)).length;
  const precision = set.size ? tp / set.size : 0;
  const recall = gold.size ? tp / gold.size : 0;
  const f1 = tp === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const em = tp === gold.size && tp === set.size ? 1 : 0;
  return {
    reward: f1,
    ...(f1 < 1 ? { failure: "wrong_answer" as const } : {}),
    info: { f1, em, executable: set.size > 0 ? 1 : 0, predicted: [...set].slice(0, 50) },
  };
}

/** Replays gold actions on the store; the newest variable's members, or undefined if a call fails. */
export async function replayActions(
  store: KgStore,
  entities: Record<string, string>,
  actions: readonly string[],
): Promise<string[] | undefined> {
  const env = new KgEnvironment(
    { qid: "replay", question: "", entities, actions: [...actions], answer: [] },
    store,
    actions.length + 1,
  );
  for (const action of actions) {
    const result = await env.step(`Action: ${action}`);
    if (!result.observation.startsWith("Observation:")) return undefined;
  }
  return env.lastAnswer();
}
