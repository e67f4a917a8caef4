// The shared vocabulary of agenttune (messages, usage, step results, trajectories) as zod schemas.
import { z } from "zod";

export const roleSchema = z.enum(["system", "user", "assistant", "tool"]);
export type Role = z.infer<typeof roleSchema>;

/** A function call an assistant turn made (OpenAI's tool_calls); arguments as the model wrote them. */
export const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/** A call's arguments as a value where they are JSON (the form chat templates and engines take), else the model's text. */
export function toolCallArguments(call: ToolCall): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return call.arguments;
  }
}

/** A tool the model may call: a name, what it does, and its parameters as JSON Schema. */
export const toolSpecSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type ToolSpec = z.infer<typeof toolSpecSchema>;

/** A tool in OpenAI's shape (the chat API's `tools`, fine-tuning files, Hugging Face chat templates). */
export const openAiTool = (tool: ToolSpec) => ({
  type: "function" as const,
  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
});

/** A call in OpenAI's shape, its arguments the model's text (the chat API's and fine-tuning's `tool_calls`). */
export const openAiToolCall = (call: ToolCall) => ({
  id: call.id,
  type: "function" as const,
  function: { name: call.name, arguments: call.arguments },
});

export const messageSchema = z.object({
  role: roleSchema,
  content: z.string(),
  /** Assistant turns in tools mode: the calls the model made. */
  toolCalls: z.array(toolCallSchema).optional(),
  /** Tool turns: the call this observation answers. */
  toolCallId: z.string().optional(),
  /** Train on this turn (assistant turns default to true when exported). */
  loss: z.boolean().optional(),
  /** The reply was cut off by the token limit. */
  truncated: z.boolean().optional(),
  /** Characters of the model's reply when the stored content was cut (see storedReplyLimit). */
  length: z.number().int().nonnegative().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const usageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
  };
}

/** Why an episode failed; every failed episode carries exactly one. */
export const failureLabelSchema = z.enum([
  "invalid_format",
  "invalid_action",
  "round_limit",
  "wrong_answer",
  "model_error",
  "context_limit",
  "env_error",
]);
export type FailureLabel = z.infer<typeof failureLabelSchema>;

export interface StepResult {
  /** Text shown to the agent as the next user turn (empty when done). */
  observation: string;
  reward: number;
  done: boolean;
  /** Set by the env when the action itself was the problem. */
  failure?: FailureLabel;
  info?: Record<string, unknown>;
  /**
   * How the original harness rewrites its conversation history after this step, so later prompts
   * (and the trajectory) carry what it carried: `reply` replaces the agent's reply (KG keeps the text
   * before "Observation:"), `observation` the observation the reply answered (ALFWorld v0.2 drops its
   * AVAILABLE ACTIONS list).
   */
  rewrite?: { reply?: string; observation?: string };
}

/** One line of trajectories.jsonl / results.jsonl. */
export const trajectorySchema = z.object({
  id: z.string(),
  env: z.string(),
  taskId: z.string(),
  model: z.string(),
  messages: z.array(messageSchema),
  reward: z.number(),
  success: z.boolean(),
  turns: z.number().int().nonnegative(),
  /** Each (user, assistant) round was its own prompt (Mind2Web); training data splits it so. */
  independentTurns: z.boolean().optional(),
  /** With independentTurns: the first n messages (few-shot turns) went before every round's question. */
  roundContext: z.number().int().positive().optional(),
  /** The env sent one raw text prompt: through a completions endpoint, or as one user turn. */
  textPrompt: z.enum(["completion", "user-turn"]).optional(),
  /** The model acted through function calls (absent: ReAct text), with these tools. */
  actionFormat: z.enum(["react", "tools"]).optional(),
  tools: z.array(toolSpecSchema).optional(),
  failure: failureLabelSchema.optional(),
  error: z.string().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
  usage: usageSchema.optional(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
});
export type Trajectory = z.infer<typeof trajectorySchema>;
