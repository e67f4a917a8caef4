// AgentBench's function-calling protocol (THUDM/AgentBench main branch, `--protocol agentbench-fc`):
// each task's system prompt, tools and round limit. With the user's checkout they are read from it
// (the task's sources and configs/tasks/*.yaml); without one, agenttune's own wording with the
// protocol's tool names and parameters, which a model's calls must match.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError, type Message, type ToolSpec, toolSpecSchema } from "../../../core/index.js";
import { type PythonValue, pythonAssignment } from "../python-literal.js";
import { type AgentBenchCheckout, read, required } from "./checkout.js";
import { functionReturn, stringConstant } from "./python-source.js";

export type FcTask = "dbbench" | "os_interaction" | "alfworld" | "webshop" | "knowledgegraph";

export interface FcTexts {
  system: string;
  tools: ToolSpec[];
  /** Rounds the harness gives the agent (the config's default parameters). */
  rounds: number;
  /** knowledgegraph's ONE_SHOT conversation (kg-std injects it after the system prompt). */
  oneShot?: Message[];
}

const stringParam = (description: string) => ({ type: "string", description });
const objectOf = (properties: Record<string, unknown>) => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const tool = (name: string, description: string, properties: Record<string, unknown>): ToolSpec => ({
  name,
  description,
  parameters: objectOf(properties),
});

/** The protocol's tools and limits (names, parameters, rounds from its configs), in agenttune's words. */
const builtin: Record<FcTask, FcTexts> = {
  dbbench: {
    rounds: 15,
    system:
      "Answer my question about a MySQL database, or change the database as I ask. Explain your reasoning, then in each round call exactly one tool: execute_sql to run one SQL statement (on one line) and see its raw output, or commit_final_answer once you are sure of the answer. The answer must match the correct one exactly; after a change to the database, the answer may be anything. Never write the answer in your message text: only a commit_final_answer call counts.",
    tools: [
      tool("execute_sql", "Run one SQL statement on the database and return its output.", {
        query: stringParam("The SQL statement."),
      }),
      tool("commit_final_answer", "Commit the final answer when every operation is done.", {
        answers: { type: "array", items: { type: "string" }, description: "The answer values." },
      }),
    ],
  },
  os_interaction: {
    rounds: 8,
    system:
      "You act as a person at a Linux (Ubuntu) machine; I am its operating system. Do what I ask, or answer my question. In each turn, think first, then call exactly one tool. Long output is cut; deal with that yourself. Scripts must not wait for input. Call finish_action when the task is done (or cannot be done), and answer_action with an exact answer (a single number, say, not a sentence). Always call a tool; never just reply.",
    tools: [
      tool("bash_action", "Run a bash script on the Linux machine.", {
        script: stringParam("The bash script."),
      }),
      tool("finish_action", "Say that the task is done, or cannot be done with what is given.", {
        thought: stringParam("Why the task is finished."),
      }),
      tool("answer_action", "Give the answer to the question.", {
        answer: stringParam("The answer."),
      }),
    ],
  },
  alfworld: {
    rounds: 20,
    system:
      'You are an agent in a household, acting to reach a goal. You get a description of the room, your goal, and in every turn a list of available actions. Act only through the take_action tool, with one of the listed actions as its argument; anything else is illegal. After each action you see what happened; "Nothing happened" means the action was invalid, so try another.',
    tools: [tool("take_action", "Take an action.", { action: stringParam("The action to take.") })],
  },
  webshop: {
    rounds: 20,
    system:
      "You are shopping on a web site, following my instruction. Each round you see a page and its available actions; answer by calling a tool: search_action with keywords when there is a search bar, or click_action with one of the listed clickables. Invalid actions do nothing. Think first, then call a tool, always.",
    tools: [
      tool("search_action", "Search the shop with keywords.", {
        keywords: stringParam("The search keywords."),
      }),
      tool("click_action", "Click a button or link of the page.", {
        value: stringParam("One of the page's clickables."),
      }),
    ],
  },
  knowledgegraph: {
    rounds: 15,
    system:
      "Answer my question from a knowledge base, probing it with the tools. Each tool that yields entities makes a new variable, numbered from 0 (#0, #1, …). When a variable is the answer, reply with the text 'Final Answer: #id' and no tool call. One action at a time; at most {max_round} actions.",
    tools: [
      tool("get_relations", "The relations of an entity or variable.", {
        variable: stringParam("An entity or a variable (#id)."),
      }),
      tool("get_neighbors", "The entities linked to a variable through a relation.", {
        variable: stringParam("An entity or a variable (#id)."),
        relation: stringParam("One of the variable's relations."),
      }),
      tool("intersection", "The entities two variables of one type share.", {
        variable1: stringParam("A variable (#id)."),
        variable2: stringParam("A variable (#id)."),
      }),
      tool("get_attributes", "The numerical attributes of a variable.", {
        variable: stringParam("A variable (#id)."),
      }),
      tool("argmax", "The entity of a variable with the largest value of an attribute.", {
        variable: stringParam("A variable (#id)."),
        attribute: stringParam("One of the variable's attributes."),
      }),
      tool("argmin", "The entity of a variable with the smallest value of an attribute.", {
        variable: stringParam("A variable (#id)."),
        attribute: stringParam("One of the variable's attributes."),
      }),
      tool("count", "The number of entities in a variable.", { variable: stringParam("A variable (#id).") }),
    ],
  },
};

/** The task config each task's tools and rounds come from, and the round parameter's name there. */
const configs: Record<Exclude<FcTask, "knowledgegraph">, { file: string; rounds: string }> = {
  dbbench: { file: "dbbench.yaml", rounds: "max_round" },
  os_interaction: { file: "os.yaml", rounds: "round_limit" },
  alfworld: { file: "alfworld.yaml", rounds: "max_step" },
  webshop: { file: "webshop.yaml", rounds: "round" },
};

const openAiToolSchema = z.object({ type: z.literal("function"), function: toolSpecSchema });

function toolsOf(value: unknown, where: string): ToolSpec[] {
  const parsed = z.array(openAiToolSchema).min(1).safeParse(value);
  if (!parsed.success) throw new InputError(`${where}: tools: expected a list of {type: function, function}`);
  return parsed.data.map((t) => t.function);
}

/** knowledgegraph's ONE_SHOT: OpenAI message dicts, tool calls included. */
function oneShotMessages(value: PythonValue, where: string): Message[] {
  const schema = z.array(
    z.object({
      role: z.enum(["user", "assistant", "tool"]),
      content: z.string(),
      tool_call_id: z.string().optional(),
      tool_calls: z
        .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
        .optional(),
    }),
  );
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(`${where}: ONE_SHOT: expected a list of chat messages`);
  return parsed.data.map((m) => ({
    role: m.role,
    content: m.content,
    ...(m.tool_calls ? { toolCalls: m.tool_calls.map((c) => ({ id: c.id, ...c.function })) } : {}),
    ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}),
  }));
}

/** The protocol's texts for a task: from the checkout when given, else agenttune's own. */
export function fcTexts(task: FcTask, checkout?: AgentBenchCheckout): FcTexts & { fromCheckout: boolean } {
  if (!checkout) return { ...builtin[task], fromCheckout: false };
  if (task === "knowledgegraph") {
    const path = checkout.taskFile("knowledgegraph", "const.py");
    const source = read(path);
    const oneShot = oneShotMessages(pythonAssignment(source, "ONE_SHOT", path), path);
    return {
      system: required(stringConstant(source, "INSTRUCTIONS"), path, "INSTRUCTIONS"),
      tools: toolsOf(pythonAssignment(source, "TOOLS", path), path),
      rounds: builtin.knowledgegraph.rounds,
      oneShot,
      fromCheckout: true,
    };
  }
  const config = configs[task];
  const configPath = checkout.file("configs", "tasks", config.file);
  const parameters = (parseYaml(read(configPath)) as { default?: { parameters?: Record<string, unknown> } })
    ?.default?.parameters;
  const rounds = parameters?.[config.rounds];
  const source = read(checkout.taskFile(task, "task.py"));
  const where = checkout.taskFile(task, "task.py");
  const system =
    task === "dbbench"
      ? stringConstant(source, "SYSTEM_PROMPT")
      : task === "os_interaction"
        ? stringConstant(source, "system_message")
        : task === "alfworld"
          ? functionReturn(source, "get_task_instruction")
          : stringConstant(source, "prompt_with_max_turn");
  return {
    system: required(system, where, "the system prompt"),
    tools: toolsOf(parameters?.tools, configPath),
    rounds: typeof rounds === "number" ? rounds : builtin[task].rounds,
    fromCheckout: true,
  };
}

/** A `{max_round}` field filled as Python's str.format fills it (KG's INSTRUCTIONS). */
export const withMaxRound = (text: string, rounds: number) => text.replaceAll("{max_round}", String(rounds));

/**
 * What Python's json.loads raises on text that is no JSON, as str(e) prints it: "Expecting value: line
 * L column C (char N)". The position is JSON.parse's; Python names other causes for some texts
 * ("Expecting ',' delimiter"), which agenttune does not tell apart.
 */
export function jsonDecodeErrorText(text: string): string {
  let at = 0;
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    at = position ? Number(position[1]) : text.length;
  }
  const before = text.slice(0, at).split("\n");
  return `Expecting value: line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1} (char ${at})`;
}

/** Python's str() of a JSON value where a harness prints it (numbers, None, booleans, containers). */
export function pythonStrOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * Most calls of one reply that db and kg run (AgentBench runs them all). A hostile reply with
 * thousands of calls would otherwise run thousands of queries, each up to its time limit, in one turn;
 * the calls past the limit are answered with {@link callLimitText} instead.
 */
export const fcCallLimit = 64;
export const callLimitText = `Not executed: agenttune runs at most ${fcCallLimit} calls of one reply.`;

/** The name Python gives a JSON value's type in its error messages ('list' object has no …). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return "dict";
}

/**
 * A call's arguments as the harnesses read them: `json.loads(arguments)`, then
 * `list(arguments.values())`. The object and its values, or what Python raises at the step that fails
 * (the parsed value kept for harnesses that index it instead).
 */
export type CallArguments =
  | { ok: true; args: Record<string, unknown>; values: unknown[] }
  | { ok: false; stage: "json"; error: string }
  | { ok: false; stage: "values"; error: string; parsed: unknown };

export function readCallArguments(text: string): CallArguments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, stage: "json", error: jsonDecodeErrorText(text) };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    return {
      ok: false,
      stage: "values",
      error: `'${pythonTypeName(parsed)}' object has no attribute 'values'`,
      parsed,
    };
  return { ok: true, args: parsed as Record<string, unknown>, values: Object.values(parsed) };
}

/** What Python raises for `values[0]` of an empty list. */
export const indexErrorText = "list index out of range";
