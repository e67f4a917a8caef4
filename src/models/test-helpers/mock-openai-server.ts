// A loopback OpenAI-compatible server for tests: scripted replies, injected errors and delays.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockChatRequest {
  model: string;
  /** Chat requests; a raw completion request (/v1/completions) has `prompt` and no messages. */
  messages: {
    role: string;
    content: string;
    tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
    tool_call_id?: string;
  }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  prompt?: string;
  max_tokens?: number;
  temperature?: number;
  stop?: string[];
  /** Chat: true (with top_logprobs); completions: the number of alternatives. */
  logprobs?: boolean | number;
  top_logprobs?: number;
  /** vLLM's extension: logprobs tokens as "token_id:<id>". */
  return_tokens_as_token_ids?: boolean;
}

export interface MockOpenAIServerOptions {
  /** Reply text for each request (called per request, in arrival order). */
  reply?: (request: MockChatRequest, index: number) => string;
  /** Answer the first N requests with this HTTP status instead. */
  failFirst?: { count: number; status: number };
  /** Wait this long before answering every request. */
  delayMs?: number;
  /** Omit the usage block from responses. */
  omitUsage?: boolean;
  /** Answer every request with this body (status 200, text/html): a proxy's error page, say. */
  garbage?: string;
  /** Chat: the function calls of the reply (OpenAI's tool_calls), or undefined for a text reply. */
  toolCalls?: (request: MockChatRequest, index: number) => { name: string; arguments: string }[] | undefined;
  /** The first token's alternatives (text → log-probability), sent when a request asks for logprobs. */
  firstTokenLogprobs?: (request: MockChatRequest, index: number) => Record<string, number>;
  /** Chat with return_tokens_as_token_ids: the reply's token ids and log-probabilities (vLLM's shape). */
  sampledTokens?: (text: string, request: MockChatRequest) => { ids: number[]; logprobs: number[] };
  /** Listen on this port (a test bringing a "down" server back at its old address). */
  port?: number;
}

export interface MockOpenAIServer {
  baseURL: string;
  requests: MockChatRequest[];
  close(): Promise<void>;
}

export async function startMockOpenAIServer(
  options: MockOpenAIServerOptions = {},
): Promise<MockOpenAIServer> {
  const { reply = () => "Ok.", failFirst, delayMs = 0, omitUsage = false, garbage } = options;
  const requests: MockChatRequest[] = [];
  let served = 0;
  const server: Server = createServer(async (req, res) => {
    const raw = req.url?.endsWith("/v1/completions") === true;
    if (req.method !== "POST" || !(raw || req.url?.endsWith("/chat/completions"))) {
      res.writeHead(404).end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as MockChatRequest;
    if (raw) body.messages = [];
    const index = served++;
    requests.push(body);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    if (failFirst && index < failFirst.count) {
      res.writeHead(failFirst.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `injected ${failFirst.status}`, type: "server_error" } }));
      return;
    }
    if (garbage !== undefined) {
      res.writeHead(200, { "content-type": "text/html" }).end(garbage);
      return;
    }
    const text = reply(body, index);
    const calls = raw ? undefined : options.toolCalls?.(body, index);
    const top = body.logprobs ? options.firstTokenLogprobs?.(body, index) : undefined;
    const entries = Object.entries(top ?? {});
    // OpenAI's two shapes: chat's logprobs.content[i].top_logprobs, completions' logprobs.top_logprobs[i]
    const sampled = !raw && body.return_tokens_as_token_ids ? options.sampledTokens?.(text, body) : undefined;
    const logprobs = sampled
      ? {
          logprobs: {
            content: sampled.ids.map((id, i) => ({
              token: `token_id:${id}`,
              logprob: sampled.logprobs[i],
              bytes: null,
              top_logprobs: [],
            })),
          },
        }
      : !top
        ? {}
        : raw
          ? {
              logprobs: {
                tokens: [entries[0]?.[0]],
                token_logprobs: [entries[0]?.[1]],
                top_logprobs: [top],
                text_offset: [0],
              },
            }
          : {
              logprobs: {
                content: [
                  {
                    token: entries[0]?.[0],
                    logprob: entries[0]?.[1],
                    bytes: null,
                    top_logprobs: entries.map(([token, logprob]) => ({ token, logprob, bytes: null })),
                  },
                ],
              },
            };
    const promptTokens =
      (body.prompt === undefined ? 0 : body.prompt.split(/\s+/).length) +
      body.messages.reduce((n, m) => n + (m.content ?? "").split(/\s+/).length, 0);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `${raw ? "cmpl" : "chatcmpl"}-${index}`,
        object: raw ? "text_completion" : "chat.completion",
        created: 0,
        model: body.model,
        choices: [
          raw
            ? { index: 0, finish_reason: "stop", text, ...logprobs }
            : {
                index: 0,
                finish_reason: calls?.length ? "tool_calls" : "stop",
                message: {
                  role: "assistant",
                  content: calls?.length ? null : text,
                  ...(calls?.length
                    ? {
                        tool_calls: calls.map((c, i) => ({
                          id: `call_${index}_${i}`,
                          type: "function",
                          function: { name: c.name, arguments: c.arguments },
                        })),
                      }
                    : {}),
                },
                ...logprobs,
              },
        ],
        ...(omitUsage
          ? {}
          : {
              usage: {
                prompt_tokens: promptTokens,
                completion_tokens: text.split(/\s+/).length,
                total_tokens: promptTokens + text.split(/\s+/).length,
              },
            }),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
