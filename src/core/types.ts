// The shared vocabulary of agenttune (messages, usage, step results, trajectories) as zod schemas.
import { z } from "zod";

export const roleSchema = z.enum(["system", "user", "assistant"]);
export type Role = z.infer<typeof roleSchema>;

export const messageSchema = z.object({
  role: roleSchema,
  content: z.string(),
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
  failure: failureLabelSchema.optional(),
  error: z.string().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
  usage: usageSchema.optional(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
});
export type Trajectory = z.infer<typeof trajectorySchema>;
