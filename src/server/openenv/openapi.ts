// GET /openapi.json: the HTTP routes as OpenAPI 3.1, info.version "1.0.0" as OpenEnv's FastAPI app
// declares it (http_server.py:1645); `openenv validate` reads the version and the paths
// (cli/_validation.py:69-73, 392-426).
import { z } from "zod";
import { actionSchema, jsonSchemas, resetDataSchema } from "./protocol.js";

const json = (schema: unknown) => ({ content: { "application/json": { schema } } });

export function openApiDocument(extraPaths: Record<string, unknown> = {}) {
  const schemas = jsonSchemas();
  const stepResponse = {
    type: "object",
    properties: {
      observation: schemas.observation,
      reward: { type: ["number", "null"] },
      done: { type: "boolean" },
    },
    required: ["observation", "reward", "done"],
  };
  const get = (summary: string, schema: unknown = { type: "object" }) => ({
    get: { summary, responses: { 200: { description: "OK", ...json(schema) } } },
  });
  return {
    openapi: "3.1.0",
    info: {
      title: "agenttune OpenEnv server",
      version: "1.0.0",
      description:
        "agenttune's envs over OpenEnv's protocol. WS /ws is the stateful path: frames {type: reset|step|state|close|mcp, data}.",
    },
    paths: {
      "/health": get("Health", { type: "object", properties: { status: { type: "string" } } }),
      "/metadata": get("Environment metadata"),
      "/schema": get("Action, observation and state JSON Schemas"),
      "/state": get("State of a fresh env (episodes live on WS /ws)", schemas.state),
      "/reset": {
        post: {
          summary: "Stateless reset: a fresh env's first observation (the env is closed after)",
          requestBody: json(z.toJSONSchema(resetDataSchema)),
          responses: { 200: { description: "OK", ...json(stepResponse) } },
        },
      },
      "/step": {
        post: {
          summary: "Stateless step: list_tools only (episodes step over WS /ws)",
          requestBody: json({
            type: "object",
            properties: { action: z.toJSONSchema(actionSchema, { io: "input" }) },
            required: ["action"],
          }),
          responses: {
            200: { description: "OK", ...json(stepResponse) },
            409: { description: "needs a session" },
          },
        },
      },
      "/mcp": {
        post: {
          summary: "MCP JSON-RPC 2.0: tools/list (tools/call needs a WS session)",
          requestBody: json({ type: "object" }),
          responses: { 200: { description: "JSON-RPC response", ...json({ type: "object" }) } },
        },
      },
      ...extraPaths,
    },
  };
}
