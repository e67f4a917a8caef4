// OpenEnv's wire protocol (huggingface/OpenEnv@385de5eb, src/openenv/core/env_server/): the frames of
// WS /ws (types.py:248-314), the MCP-style tool actions (mcp_types.py:229-290), the error codes
// (types.py:37-46), and the reset data agenttune reads. Facts in ../shared/notes/rl-protocols.md §1.
import { z } from "zod";
import { messageSchema } from "../../core/index.js";

/** WSErrorCode (types.py:37-46). Capacity, factory and session errors close the socket; the others keep it. */
export const errorCodes = [
  "INVALID_JSON",
  "UNKNOWN_TYPE",
  "VALIDATION_ERROR",
  "EXECUTION_ERROR",
  "CAPACITY_REACHED",
  "FACTORY_ERROR",
  "SESSION_ERROR",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** A client frame's envelope: `{"type": …, "data": …}` (http_server.py:1357-1437). */
export const clientFrameSchema = z.object({ type: z.string(), data: z.unknown().optional() });

/**
 * What a `reset` chooses: the task set (`split`, a served name; default the first), the task (`task_id`,
 * else `index`, else drawn with `seed`, else the next in file order), and how the agent acts.
 * Other keys are ignored, as OpenEnv filters reset kwargs by the env's signature (http_server.py:1367-1385).
 */
export const resetDataSchema = z.object({
  split: z.string().optional(),
  task_id: z.union([z.string(), z.number()]).optional(),
  index: z.number().int().min(0).optional(),
  seed: z.number().int().min(0).optional(),
  episode_id: z.string().max(255).optional(),
  /** "tools": act by call_tool on the env's actions (default where it has them); "react": send reply text. */
  action_format: z.enum(["tools", "react"]).optional(),
  /** Most agent turns (default: the env's). */
  max_turns: z.number().int().positive().optional(),
});
export type ResetData = z.infer<typeof resetDataSchema>;

/** `{"type":"list_tools"}` (mcp_types.py:229-238). */
export const listToolsActionSchema = z.strictObject({ type: z.literal("list_tools") });
/** `{"type":"call_tool","tool_name","arguments"}` (mcp_types.py:241-261). */
export const callToolActionSchema = z.strictObject({
  type: z.literal("call_tool"),
  tool_name: z.string(),
  arguments: z.record(z.string(), z.unknown()).default({}),
});
/** agenttune's text action: the model's whole reply in the env's own text format (ReAct), as in evaluation. */
export const replyActionSchema = z.strictObject({
  type: z.literal("reply"),
  content: z.string(),
});
export const actionSchema = z.discriminatedUnion("type", [
  listToolsActionSchema,
  callToolActionSchema,
  replyActionSchema,
]);
export type Action = z.infer<typeof actionSchema>;

/** A tool as list_tools returns it (mcp_types.py:183-200). */
export const toolInfoSchema = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.unknown()),
});
export type ToolInfo = z.infer<typeof toolInfoSchema>;

/**
 * The observation's fields (the wire drops `reward`, `done`, `metadata` from it: serialization.py:137-168).
 * `text` is what the agent sees next; `messages` the turns the env added (on reset: the whole opening).
 */
export const observationSchema = z.object({
  text: z.string(),
  messages: z.array(messageSchema),
  tools: z.array(toolInfoSchema).optional(),
  tool_name: z.string().optional(),
  result: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  task_id: z.string().optional(),
  failure: z.string().optional(),
});
export type Observation = z.infer<typeof observationSchema>;

/** `State` (types.py:178-197) with agenttune's episode fields and per-step timing. */
export const stateSchema = z.object({
  episode_id: z.string().nullable(),
  step_count: z.number().int(),
  split: z.string().optional(),
  task_id: z.string().optional(),
  index: z.number().int().optional(),
  done: z.boolean().optional(),
  reward: z.number().nullable().optional(),
  failure: z.string().optional(),
  /** Milliseconds each step took in the env (newest 1000). */
  step_ms: z.array(z.number()).optional(),
  reset_ms: z.number().optional(),
});
export type State = z.infer<typeof stateSchema>;

/** The observation frame's data (serialize_observation): reward is null only before a reset. */
export interface ObservationData {
  observation: Observation;
  reward: number | null;
  done: boolean;
}

/** GET /schema: the JSON Schemas of action, observation and state (http_server.py:1230-1276). */
export function jsonSchemas() {
  return {
    action: z.toJSONSchema(actionSchema, { io: "input" }),
    observation: z.toJSONSchema(observationSchema),
    state: z.toJSONSchema(stateSchema),
  };
}

/** A readable one-line account of a zod failure: the field and what was wrong. */
export function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(frame)"}: ${i.message}`).join("; ");
}
