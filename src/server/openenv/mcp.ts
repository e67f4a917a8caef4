// JSON-RPC 2.0 for OpenEnv's MCP routes (POST /mcp, and `{"type":"mcp"}` frames on /ws):
// tools/list and tools/call (mcp_types.py:33-55, 93-140; http_server.py:684-965).
import { z } from "zod";
import type { ObservationData, ToolInfo } from "./protocol.js";

export const rpcCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  serverError: -32000,
} as const;

export const rpcRequestSchema = z.strictObject({
  jsonrpc: z.literal("2.0"),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
  id: z.union([z.string(), z.number()]).nullable().default(null),
});
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

export type RpcResponse =
  | { jsonrpc: "2.0"; id: string | number | null; result: unknown }
  | { jsonrpc: "2.0"; id: string | number | null; error: { code: number; message: string } };

export const rpcError = (id: string | number | null, code: number, message: string): RpcResponse => ({
  jsonrpc: "2.0",
  id,
  error: { code, message },
});

/** What an MCP handler needs: the tools, and (with a session) a way to call one. */
export interface McpTarget {
  tools(): ToolInfo[];
  callTool?(name: string, args: Record<string, unknown>): Promise<ObservationData>;
}

/** Answers one JSON-RPC request (already parsed or raw). */
export async function handleRpc(raw: unknown, target: McpTarget): Promise<RpcResponse> {
  const parsed = rpcRequestSchema.safeParse(raw);
  if (!parsed.success)
    return rpcError(null, rpcCodes.invalidRequest, `Invalid request: ${parsed.error.message}`);
  const { method, params, id } = parsed.data;
  if (method === "tools/list")
    return {
      jsonrpc: "2.0",
      id,
      result: {
        tools: target
          .tools()
          .map((t) => ({ name: t.name, description: t.description, inputSchema: t.input_schema })),
      },
    };
  if (method === "tools/call") {
    const name = params.name;
    if (typeof name !== "string" || !name)
      return rpcError(id, rpcCodes.invalidParams, "Missing 'name' in params");
    if (!target.callTool)
      return rpcError(
        id,
        rpcCodes.serverError,
        "tools/call acts on an episode: use a WS /ws session after a reset",
      );
    const args = params.arguments ?? {};
    if (typeof args !== "object" || Array.isArray(args))
      return rpcError(id, rpcCodes.invalidParams, "'arguments' must be an object");
    try {
      const { observation, reward, done } = await target.callTool(name, args as Record<string, unknown>);
      return {
        jsonrpc: "2.0",
        id,
        result: {
          content: [{ type: "text", text: observation.result ?? observation.text }],
          isError: Boolean(observation.error),
          structuredContent: {
            reward,
            done,
            ...(observation.failure ? { failure: observation.failure } : {}),
          },
        },
      };
    } catch (error) {
      return rpcError(id, rpcCodes.internalError, (error as Error).message);
    }
  }
  return rpcError(id, rpcCodes.methodNotFound, `Method not found: ${method}`);
}
