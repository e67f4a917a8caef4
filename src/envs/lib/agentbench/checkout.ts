// The user's copy of AgentBench (`--agentbench DIR`): where each task's sources and prompt files sit
// in either layout, and the exact texts read from them. agenttune ships none of these texts.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../../../core/index.js";
import { defaultProtocol, type EnvOpenOptions, type Protocol } from "../../types.js";
import {
  functionReturn,
  type InjectedMessage,
  injectedMessages,
  messageListConstant,
  stringConstant,
  stringListConstant,
} from "./python-source.js";

export type AgentBenchTask =
  | "dbbench"
  | "alfworld"
  | "knowledgegraph"
  | "webshop"
  | "os_interaction"
  | "mind2web"
  | "card_game";

export interface AgentBenchCheckout {
  dir: string;
  protocol: Protocol;
  /** A file of a task's sources, e.g. ("dbbench", "__init__.py"). */
  taskFile(task: AgentBenchTask, file: string): string;
  /** A file under the checkout's root (configs, data). */
  file(...parts: string[]): string;
}

/**
 * Opens DIR as the AgentBench the protocol names: AgentBench.old (its folder, or an AgentTuning
 * checkout holding it) for agentbench-old, a THUDM/AgentBench v0.2 checkout for agentbench-v0.2.
 */
export function openAgentBenchCheckout(dir: string, protocol: Protocol): AgentBenchCheckout {
  if (!existsSync(dir)) throw new InputError(`--agentbench ${dir}: no such folder`);
  const oldRoot = [dir, join(dir, "AgentBench.old")].find((d) =>
    existsSync(join(d, "src", "tasks", "dbbench")),
  );
  const v02Root = existsSync(join(dir, "src", "server", "tasks")) ? dir : undefined;
  if (protocol === "agentbench-old" && !oldRoot) {
    throw new InputError(
      v02Root
        ? `--agentbench ${dir}: this is AgentBench v0.2 (src/server/tasks); pass --protocol agentbench-v0.2, or point at the AgentBench.old folder of an AgentTuning checkout`
        : `--agentbench ${dir}: not an AgentBench checkout (no src/tasks/dbbench, nor AgentBench.old/src/tasks/dbbench)`,
    );
  }
  // the main branch keeps v0.2's layout; its task configs list the tools of its function-calling rewrite
  const isMain = (root: string) => {
    const config = join(root, "configs", "tasks", "dbbench.yaml");
    return existsSync(config) && readFileSync(config, "utf8").includes("commit_final_answer");
  };
  if (protocol === "agentbench-fc" && !(v02Root && isMain(v02Root))) {
    throw new InputError(
      `--agentbench ${dir}: not THUDM/AgentBench's main branch (its configs/tasks/dbbench.yaml lists the tools of --protocol agentbench-fc)`,
    );
  }
  if (protocol === "agentbench-v0.2" && v02Root && isMain(v02Root)) {
    throw new InputError(
      `--agentbench ${dir}: this is AgentBench's main branch (function calling); pass --protocol agentbench-fc, or check out its v0.2 branch`,
    );
  }
  if (protocol === "agentbench-v0.2" && !v02Root) {
    throw new InputError(
      oldRoot
        ? `--agentbench ${dir}: this is AgentBench.old (src/tasks); pass --protocol agentbench-old, or point at a THUDM/AgentBench v0.2 checkout`
        : `--agentbench ${dir}: not an AgentBench v0.2 checkout (no src/server/tasks)`,
    );
  }
  const root = (protocol === "agentbench-old" ? oldRoot : v02Root) as string;
  const tasks =
    protocol === "agentbench-old" ? join(root, "src", "tasks") : join(root, "src", "server", "tasks");
  return {
    dir: root,
    protocol,
    taskFile: (task, file) => join(tasks, task, file),
    file: (...parts) => join(root, ...parts),
  };
}

/** The checkout an env's open options name, opened as their protocol; undefined without one. */
export function checkoutFor({
  agentbench,
  protocol = defaultProtocol,
}: Pick<EnvOpenOptions, "agentbench" | "protocol">): AgentBenchCheckout | undefined {
  return agentbench ? openAgentBenchCheckout(agentbench, protocol) : undefined;
}

/**
 * `read`'s texts from the checkout that an env's open options name (`agentbench`, read as
 * `protocol`, default agentbench-old), or undefined without one: the env then keeps its own wording.
 */
export function textsFromCheckout<T>(
  { agentbench, protocol = defaultProtocol }: Pick<EnvOpenOptions, "agentbench" | "protocol">,
  read: (checkout: AgentBenchCheckout) => T,
): T | undefined {
  return agentbench ? read(openAgentBenchCheckout(agentbench, protocol)) : undefined;
}

/** A file of the checkout; a missing one is named. */
export function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new InputError(`${path}: missing from the AgentBench checkout`);
  }
}

/** A text the reader found, or an error naming the file and what is missing. */
export function required<T>(value: T | undefined, path: string, what: string): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0))
    throw new InputError(`${path}: ${what} not found (is this checkout a modified AgentBench?)`);
  return value;
}

/** A JSON data file of the checkout, checked against `schema`; errors name the file and what was expected. */
function readJsonFile<T>(path: string, schema: z.ZodType<T>, expected: string): T {
  let value: unknown;
  try {
    value = JSON.parse(read(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new InputError(`${path}: expected ${expected}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** dbbench: the instruction (`big_prompt`). */
export function dbbenchTexts(checkout: AgentBenchCheckout): { instruction: string } {
  const path = checkout.taskFile("dbbench", "__init__.py");
  return { instruction: required(stringConstant(read(path), "big_prompt"), path, "the constant big_prompt") };
}

const alfworldPromptsSchema = z.record(z.string(), z.array(z.string()).min(1));

/** alfworld: the instruction (get_task_instruction's return) and the worked examples per task kind. */
export function alfworldTexts(checkout: AgentBenchCheckout): {
  instruction: string;
  examples: Record<string, string[]>;
} {
  const path = checkout.taskFile("alfworld", "task.py");
  const instruction = required(
    functionReturn(read(path), "get_task_instruction"),
    path,
    "get_task_instruction()'s text",
  );
  // the prompt file each version's task config names (configs/tasks/alfworld*.yaml)
  const file =
    checkout.protocol === "agentbench-old"
      ? "alfworld_multiturn_react.json"
      : "alfworld_multiturn_plan_first.json";
  const promptsPath = checkout.taskFile("alfworld", join("prompts", file));
  return { instruction, examples: readJsonFile(promptsPath, alfworldPromptsSchema, "{kind: [turns…]}") };
}

const vocabSchema = z.object({ relations: z.array(z.string()), attributes: z.array(z.string()) });

/** knowledgegraph's ontology/vocab.json: the relations and attributes its tools may list. */
export function knowledgegraphVocab(checkout: AgentBenchCheckout): {
  relations: Set<string>;
  attributes: Set<string>;
} {
  const vocabPath = checkout.taskFile("knowledgegraph", join("ontology", "vocab.json"));
  const vocab = readJsonFile(vocabPath, vocabSchema, '{"relations": [...], "attributes": [...]}');
  return { relations: new Set(vocab.relations), attributes: new Set(vocab.attributes) };
}

/**
 * knowledgegraph: the instructions, the one-shot conversation (user, agent, user, …) and the
 * vocabulary its tools filter relations and attributes by (ontology/vocab.json).
 */
export function knowledgegraphTexts(checkout: AgentBenchCheckout): {
  instructions: string;
  oneShot: string[];
  vocab: { relations: Set<string>; attributes: Set<string> };
} {
  const path = checkout.taskFile("knowledgegraph", "task.py");
  const source = read(path);
  const vocab = knowledgegraphVocab(checkout);
  return {
    instructions: required(stringConstant(source, "INSTRUCTIONS"), path, "the constant INSTRUCTIONS"),
    oneShot: required(stringListConstant(source, "ONE_SHOT"), path, "the constant ONE_SHOT"),
    vocab,
  };
}

/** os_interaction: the instruction (the first injected text) and the one-shot messages. */
export function osTexts(checkout: AgentBenchCheckout): { instruction: string; oneShot: InjectedMessage[] } {
  const path = checkout.taskFile("os_interaction", "task.py");
  const source = read(path);
  const injected = injectedMessages(source, "_judge") ?? injectedMessages(source, "start_sample") ?? [];
  return {
    instruction: required(
      injected.find((m) => m.role === "user")?.content,
      path,
      "the instruction injected by _judge",
    ),
    oneShot: required(messageListConstant(source, "ONE_SHOT"), path, "the constant ONE_SHOT"),
  };
}

/** webshop: the instruction (`prompt`) and the one-shot turns injected before the task. */
export function webshopTexts(checkout: AgentBenchCheckout): {
  instruction: string;
  oneShot: InjectedMessage[];
} {
  const path = checkout.taskFile("webshop", "__init__.py");
  const source = read(path);
  const injected = injectedMessages(source, "predict") ?? injectedMessages(source, "start_sample") ?? [];
  return {
    instruction: required(stringConstant(source, "prompt"), path, "the constant prompt"),
    oneShot: required(injected, path, "the one-shot turns"),
  };
}

const mind2webPromptSchema = z
  .array(z.object({ role: z.enum(["user", "agent"]), content: z.string() }))
  .min(1)
  .refine(
    (turns) => turns.at(-1)?.role === "user",
    "the last turn must be the user's (AgentBench fills it in)",
  );

/**
 * mind2web: the few-shot turns AgentBench sends before each round's question (data/mind2web/prompt/,
 * llm_prompt_cot.json as the task configs name it, or the plain llm_prompt.json). The file's last
 * user turn is a placeholder AgentBench overwrites with the round's page and choices, so it is dropped.
 */
export function mind2webTexts(
  checkout: AgentBenchCheckout,
  { chainOfThought = true } = {},
): { fewShot: { role: "user" | "assistant"; content: string }[] } {
  const path = checkout.file(
    "data",
    "mind2web",
    "prompt",
    chainOfThought ? "llm_prompt_cot.json" : "llm_prompt.json",
  );
  const turns = readJsonFile(path, mind2webPromptSchema, "[{role: user|agent, content}, …]");
  return {
    fewShot: turns.slice(0, -1).map((t) => ({
      role: t.role === "agent" ? ("assistant" as const) : ("user" as const),
      content: t.content,
    })),
  };
}
