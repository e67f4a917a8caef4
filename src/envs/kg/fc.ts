// knowledgegraph in AgentBench's function-calling protocol (main branch,
// src/server/tasks/knowledgegraph/task.py and api.py): every call of a reply runs in order, each
// answered by a tool turn; a reply without calls answers with the text "Final Answer: #id".
import type { Message, ToolCall } from "../../core/index.js";
import {
  callLimitText,
  type FcTexts,
  fcCallLimit,
  pythonTypeName,
  readCallArguments,
  withMaxRound,
} from "../lib/agentbench/fc.js";
import type { CallingOracleSolver, CallingReply, CallingStepResult, Environment } from "../types.js";
import { score } from "./env.js";
import { answerVariable } from "./oracle.js";
import type { KgStore } from "./store.js";
import { goldAnswers, type KgTask } from "./tasks.js";
import * as tools from "./tools.js";
import { QueryTimeout } from "./worker-store.js";

/** const.py TOOLS_PARAM_ORDER: the functions a call may name, and their arguments in order. */
export const kgParamOrder: Record<string, string[]> = {
  get_relations: ["variable"],
  get_neighbors: ["variable", "relation"],
  intersection: ["variable1", "variable2"],
  get_attributes: ["variable"],
  argmax: ["variable", "attribute"],
  argmin: ["variable", "attribute"],
  count: ["variable"],
};

/** Attributes of api.API that are not in TOOLS_PARAM_ORDER: getattr finds them, the lookup fails. */
const otherApiAttributes = new Set(["union", "final_execute", "sparql_executor", "task_id"]);

/** An exception api.py or task.py raises, with Python's str(e). */
class PythonError extends Error {}

type Value = { variable: tools.KgVariable } | { entity: string } | { other: unknown };

const entityPattern = /^([mf])\.[\p{L}\p{N}_]+$/u;

export class KgCallingEnvironment implements Environment {
  private readonly variables: tools.KgVariable[] = [];
  /** variable_relations_cache / variable_attributes_cache, per argument. */
  private readonly relations = new Map<unknown, string[]>();
  private readonly attributes = new Map<unknown, string[]>();

  constructor(
    private readonly task: KgTask,
    private readonly store: KgStore,
    private readonly texts: FcTexts,
    private readonly rounds: number,
    private readonly vocab?: tools.KgVocabulary,
  ) {}

  async reset() {
    const messages: Message[] = [
      { role: "system", content: withMaxRound(this.texts.system, this.rounds) },
      ...(this.texts.oneShot ?? []).map((m) => ({
        ...m,
        ...(m.role === "assistant" ? { loss: false } : {}),
      })),
      {
        role: "user",
        content: `${this.task.question}\nEntities: [${Object.keys(this.task.entities).join(", ")}]`,
      },
    ];
    return { messages };
  }

  async step(): Promise<never> {
    throw new Error("knowledgegraph (agentbench-fc) acts on tool calls: use stepCalls");
  }

  async stepCalls({ content, toolCalls }: CallingReply): Promise<CallingStepResult> {
    if (toolCalls.length === 0) return this.finalAnswer(content);
    const messages: Message[] = [];
    for (const [i, call] of toolCalls.entries())
      messages.push({
        role: "tool",
        toolCallId: call.id,
        content: i < fcCallLimit ? await this.run(call) : callLimitText,
      });
    return { messages, done: false, reward: 0 };
  }

  /** A reply without calls: "Final Answer: #id" ends the sample, anything else gets a user turn. */
  private async finalAnswer(content: string): Promise<CallingStepResult> {
    const message = (content.split("Observation:")[0] ?? "").replaceAll("\\_", "_");
    const found = /(?:Find|Final) Answer: #(\d+)/.exec(message);
    if (!found)
      return {
        messages: [
          { role: "user", content: "No valid function calls found! Need to recheck the function calls." },
        ],
        done: false,
        reward: 0,
      };
    const variable = this.variables[Number(found[1])];
    // an index past the variables ends the sample unscored (AGENT_VALIDATION_FAILED)
    if (!variable)
      return { messages: [], done: true, reward: 0, failure: "invalid_action", info: { f1: 0, em: 0 } };
    const predicted = await tools.answerOf(this.store, variable).catch((error) => {
      if (error instanceof QueryTimeout) return [];
      throw error;
    });
    return { messages: [], done: true, ...score(predicted, goldAnswers(this.task)) };
  }

  /** One call as task.py runs it, and the text of its tool turn. */
  private async run(call: ToolCall): Promise<string> {
    const read = readCallArguments(call.arguments);
    if (!read.ok && read.stage === "json") return `Error processing tool call: ${read.error}`;
    const order = kgParamOrder[call.name];
    if (!order && !otherApiAttributes.has(call.name))
      return `Provide an invalid function name. Function ${call.name} does not exist`;
    const mismatch = `Arguments do not match the function signature. Error processing arguments for ${call.name}`;
    if (!order) return mismatch;
    // arguments[name] on JSON that is no object raises TypeError, caught as any error (Python 3.10,
    // AgentBench's image)
    if (!read.ok) return `Error processing tool call: ${subscriptError(read.parsed)}`;
    try {
      const values: Value[] = [];
      for (const name of order) {
        if (!(name in read.args)) return mismatch;
        values.push(this.resolve(read.args[name]));
      }
      return await this.execute(call.name, values);
    } catch (error) {
      if (error instanceof PythonError || error instanceof QueryTimeout)
        return `Error processing tool call: ${error.message}`;
      throw error;
    }
  }

  /** "#i" is variables_list[int(i)]; a question entity's name its id; anything else as it is. */
  private resolve(value: unknown): Value {
    if (typeof value === "string" && value.startsWith("#")) {
      const text = value.slice(1);
      if (!/^\s*[+-]?\d+\s*$/.test(text))
        throw new PythonError(`invalid literal for int() with base 10: '${text}'`);
      const index = Number(text);
      const variable = this.variables[index < 0 ? this.variables.length + index : index];
      if (!variable) throw new PythonError("list index out of range");
      return { variable };
    }
    if (value !== null && typeof value === "object")
      throw new PythonError(`unhashable type: '${pythonTypeName(value)}'`);
    if (typeof value === "string" && value in this.task.entities)
      return { entity: this.task.entities[value] as string };
    return { other: value };
  }

  private async execute(name: string, values: Value[]): Promise<string> {
    const [a, b] = values as [Value, Value];
    const created = (variable: tools.KgVariable) => {
      this.variables.push(variable);
      return tools.variableObservation(this.variables.length - 1, variable);
    };
    switch (name) {
      case "get_relations":
        return `Observation: [${(await this.relationsOf(a, "get_relations")).join(", ")}]`;
      case "get_neighbors": {
        const relation = "other" in b ? b.other : "entity" in b ? b.entity : undefined;
        const known = await this.relationsOf(a, "get_neighbors");
        if (typeof relation !== "string" || !known.includes(relation))
          throw new PythonError("get_neighbors: relation must be a relation of the variable");
        return created(await tools.getNeighbors(this.store, this.argument(a), relation));
      }
      case "intersection": {
        if (!("variable" in a) || !("variable" in b))
          throw new PythonError(`'${pythonType(!("variable" in a) ? a : b)}' object has no attribute 'type'`);
        if (a.variable.type !== b.variable.type)
          throw new PythonError("intersection: two variables must have the same type");
        return created(tools.intersection(this.argument(a), this.argument(b)));
      }
      case "get_attributes":
        return `Observation: [${(await this.attributesOf(a)).join(", ")}]`;
      case "argmax":
      case "argmin": {
        const attributes = await this.attributesOf(a);
        const attribute = "other" in b ? b.other : undefined;
        if (typeof attribute !== "string" || !attributes.includes(attribute))
          throw new PythonError(`${name}: attribute must be an attribute of the variable`);
        const arg = this.argument(a) as tools.ToolArgument & { kind: "variable" };
        return created(tools.superlative(arg, attribute, name === "argmax" ? "max" : "min"));
      }
      default: {
        if (!("variable" in a)) throw new PythonError(`'${pythonType(a)}' object has no attribute 'program'`);
        return created(
          await tools.count(this.store, this.argument(a) as tools.ToolArgument & { kind: "variable" }),
        );
      }
    }
  }

  private argument(value: Value): tools.ToolArgument {
    if ("variable" in value)
      return { kind: "variable", index: this.variables.indexOf(value.variable), variable: value.variable };
    return { kind: "entity", id: "entity" in value ? value.entity : String(value.other) };
  }

  /** api.py get_relations: a variable, or an entity id (^[mf]\.[\w_]+$); cached per argument. */
  private async relationsOf(value: Value, caller: string): Promise<string[]> {
    const key = "variable" in value ? value.variable : "entity" in value ? value.entity : value.other;
    if (!("variable" in value)) {
      if (typeof key !== "string") throw new PythonError("expected string or bytes-like object");
      if (!entityPattern.test(key))
        throw new PythonError(`${caller}: variable must be a variable or an entity`);
    }
    const cached = this.relations.get(key);
    if (cached) return cached;
    const found = await tools.getRelations(this.store, this.argument(value), this.vocab);
    this.relations.set(key, found);
    return found;
  }

  /** api.py get_attributes: variables only (an entity has no .program). */
  private async attributesOf(value: Value): Promise<string[]> {
    if (!("variable" in value))
      throw new PythonError(`'${pythonType(value)}' object has no attribute 'program'`);
    const cached = this.attributes.get(value.variable);
    if (cached) return cached;
    const found = await tools.getAttributes(this.store, this.argument(value), this.vocab);
    this.attributes.set(value.variable, found);
    return found;
  }

  async close() {}
}

/** What Python 3.10 raises for `value["name"]` on a JSON value that is not an object. */
function subscriptError(value: unknown): string {
  if (Array.isArray(value)) return "list indices must be integers or slices, not str";
  if (typeof value === "string") return "string indices must be integers";
  return `'${pythonTypeName(value)}' object is not subscriptable`;
}

function pythonType(value: Value): string {
  if ("entity" in value) return "str";
  if ("variable" in value) return "Variable";
  return pythonTypeName(value.other);
}

/** A gold action (`get_neighbors(#0, people.person.children)`) as a call of the protocol's tools. */
function asCall(action: string): { name: string; arguments: Record<string, string> } {
  const match = /^\s*(\w+)\((.*)\)\s*$/.exec(action);
  const name = match?.[1] ?? "";
  const values = (match?.[2] ?? "").split(",").map((v) => v.trim());
  return {
    name,
    arguments: Object.fromEntries((kgParamOrder[name] ?? []).map((key, i) => [key, values[i] ?? ""])),
  };
}

/** The oracle: the gold actions as calls, one a reply, then "Final Answer: #last". */
export function kgCallingOracle(task: KgTask): CallingOracleSolver {
  return {
    reply(messages) {
      const done = messages.filter((m) => m.role === "assistant" && m.loss !== false).length;
      const action = task.actions[done];
      if (action !== undefined) return { content: "Thought: I follow the plan.", calls: [asCall(action)] };
      const last = answerVariable(task);
      return { content: `Thought: #${last} is the answer.\nFinal Answer: #${last}`, calls: [] };
    },
  };
}
