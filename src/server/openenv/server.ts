// `agenttune serve --openenv`: agenttune's envs behind OpenEnv's env-server protocol
// (huggingface/OpenEnv@385de5eb src/openenv/core/env_server/http_server.py), so OpenEnv's clients,
// TRL's environment_factory, verifiers' OpenEnvTaskset and AgentGym-RL's clients train on them.
// WS /ws is the stateful path (one env per connection, http_server.py:1309-1518); the HTTP routes are
// the ones `openenv validate` probes (cli/_validation.py:103-426).
import type { IncomingMessage } from "node:http";
import { resolve } from "node:path";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { AppendLog, InputError } from "../../core/index.js";
import { AgentGymSessions } from "../agentgym/routes.js";
import { openTaskSet, type ServedTask } from "../served-tasks.js";
import { handleRpc } from "./mcp.js";
import { openApiDocument } from "./openapi.js";
import {
  actionSchema,
  clientFrameSchema,
  type ErrorCode,
  issueText,
  jsonSchemas,
  resetDataSchema,
} from "./protocol.js";
import { OpenEnvSession, type SessionTaskSet } from "./session.js";

export interface OpenEnvServerOptions {
  /** The task sets, by the name a reset's `split` chooses (the first is the default). */
  tasks: Record<string, ServedTask>;
  /** Sessions (WebSocket connections) at once; more get CAPACITY_REACHED. Default 64. */
  maxConcurrentEnvs?: number;
  /** A session that sends nothing this long is closed with SESSION_ERROR. Default 600 s. */
  sessionTimeoutMs?: number;
  /** The largest client frame or request body. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Each finished episode's trajectory is appended to <out>/<split>/results.jsonl. */
  out?: string;
  log?: (line: string) => void;
}

interface Connection {
  ws: WebSocket;
  session: OpenEnvSession;
  lastActivity: number;
  busy: boolean;
  closed: boolean;
  queue: Promise<void>;
}

export class OpenEnvServer {
  readonly app = new Hono();
  private readonly sets = new Map<string, SessionTaskSet>();
  private readonly logs = new Map<string, AppendLog>();
  private readonly connections = new Set<Connection>();
  /** Stateless POST /reset calls in flight: they hold an env too. */
  private statelessInFlight = 0;
  private samples = 0;
  /** AgentGym-compatible instances (/agentgym/<split>/…): they hold an env too. */
  private readonly agentGym: AgentGymSessions;
  private readonly wss: WebSocketServer;
  private readonly sweeper: NodeJS.Timeout;
  readonly maxConcurrentEnvs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  private constructor(private readonly options: OpenEnvServerOptions) {
    this.maxConcurrentEnvs = options.maxConcurrentEnvs ?? 64;
    this.timeoutMs = options.sessionTimeoutMs ?? 600_000;
    this.maxBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.maxBytes });
    this.wss.on("connection", (ws) => this.connect(ws));
    this.sweeper = setInterval(() => void this.sweep(), Math.max(50, Math.min(this.timeoutMs / 2, 30_000)));
    this.sweeper.unref();
    this.agentGym = new AgentGymSessions({
      envOf: (split) => this.sets.get(split)?.spec.name,
      context: () => this.context(),
      hasRoom: () => this.sessionCount < this.maxConcurrentEnvs,
    });
    this.routes();
    this.agentGym.routes(this.app);
  }

  /** Opens every task set's backend and reads its tasks; errors name the set and its file. */
  static async create(options: OpenEnvServerOptions): Promise<OpenEnvServer> {
    if (Object.keys(options.tasks).length === 0)
      throw new InputError("serve --openenv: no task sets to serve");
    const server = new OpenEnvServer(options);
    try {
      for (const [name, config] of Object.entries(options.tasks)) {
        const set = await openTaskSet(name, config);
        server.sets.set(name, { ...set, cursor: 0 });
        if (options.out) server.logs.set(name, new AppendLog(resolve(options.out, name, "results.jsonl")));
        options.log?.(`${name}: ${config.env} × ${set.tasks.length} tasks on ${set.backend.name}`);
      }
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** Live sessions, WebSocket and stateless (for tests and the log). */
  get sessionCount(): number {
    return this.connections.size + this.statelessInFlight + this.agentGym.size;
  }

  /** Hands the server's WebSocket upgrades (path /ws) to it; other upgrades are refused. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit("connection", ws, request));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.connections].map((c) => this.drop(c)));
    await this.agentGym.closeAll();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((done) => this.wss.close(() => done()));
    for (const set of this.sets.values()) await set.backend.close().catch(() => {});
    for (const log of this.logs.values()) log.close();
  }

  private context() {
    return {
      sets: this.sets,
      nextSample: () => this.samples++,
      onFinished: (set: SessionTaskSet, trajectory: Parameters<AppendLog["append"]>[0]) =>
        this.logs.get(set.name)?.append(trajectory),
    };
  }

  private connect(ws: WebSocket): void {
    if (this.sessionCount >= this.maxConcurrentEnvs) {
      // http_server.py:1490-1499: the error, then the socket closes
      send(ws, "error", {
        message: `Server at capacity (${this.sessionCount}/${this.maxConcurrentEnvs} sessions)`,
        code: "CAPACITY_REACHED" satisfies ErrorCode,
        active_sessions: this.sessionCount,
        max_sessions: this.maxConcurrentEnvs,
      });
      ws.close();
      return;
    }
    const connection: Connection = {
      ws,
      session: new OpenEnvSession(this.context()),
      lastActivity: Date.now(),
      busy: false,
      closed: false,
      queue: Promise.resolve(),
    };
    this.connections.add(connection);
    // one message at a time, in order (the client keeps one in flight: env_client.py:244-257)
    ws.on("message", (data: RawData, isBinary: boolean) => {
      connection.queue = connection.queue.then(() => this.handle(connection, data, isBinary));
    });
    ws.on("close", () => void this.drop(connection));
    ws.on("error", () => ws.terminate());
  }

  private async handle(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    if (connection.closed) return;
    const { ws, session } = connection;
    connection.busy = true;
    connection.lastActivity = Date.now();
    const fail = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) =>
      send(ws, "error", { message, code, ...extra });
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString("utf8") : String(data));
      } catch (error) {
        fail("INVALID_JSON", `Invalid JSON: ${(error as Error).message}`);
        return;
      }
      const frame = clientFrameSchema.safeParse(raw);
      if (!frame.success) {
        fail("VALIDATION_ERROR", `Invalid message: ${issueText(frame.error)}`);
        return;
      }
      const { type, data: payload } = frame.data;
      try {
        switch (type) {
          case "reset": {
            const reset = resetDataSchema.safeParse(payload ?? {});
            if (!reset.success)
              return fail("VALIDATION_ERROR", `Invalid reset data: ${issueText(reset.error)}`);
            send(ws, "observation", await session.reset(reset.data));
            return;
          }
          case "step": {
            const action = actionSchema.safeParse(payload);
            if (!action.success)
              return fail("VALIDATION_ERROR", `Invalid action: ${issueText(action.error)}`);
            send(ws, "observation", await session.step(action.data));
            return;
          }
          case "state":
            send(ws, "state", session.state());
            return;
          case "close":
            // http_server.py:1437: no reply; the session ends and the socket closes
            await this.drop(connection);
            ws.close();
            return;
          case "mcp":
            send(
              ws,
              "mcp",
              await handleRpc(payload, {
                tools: () => session.tools(),
                callTool: (name, args) =>
                  session.step({ type: "call_tool", tool_name: name, arguments: args }),
              }),
            );
            return;
          default:
            fail("UNKNOWN_TYPE", `Unknown message type: ${type}`);
        }
      } catch (error) {
        fail("EXECUTION_ERROR", (error as Error).message);
      }
    } finally {
      connection.busy = false;
      connection.lastActivity = Date.now();
    }
  }

  /** Ends a session: its episode's resources are freed at once, also mid-step. */
  private async drop(connection: Connection): Promise<void> {
    if (connection.closed) return;
    connection.closed = true;
    this.connections.delete(connection);
    await connection.session.close().catch((error) => {
      this.options.log?.(`openenv: closing a session failed: ${(error as Error).message}`);
    });
  }

  /** Closes sessions idle past the timeout (a trainer that died holds no sandbox for long). */
  private async sweep(): Promise<void> {
    const now = Date.now();
    await this.agentGym.sweep(now, this.timeoutMs);
    for (const connection of [...this.connections])
      if (!connection.busy && now - connection.lastActivity > this.timeoutMs) {
        send(connection.ws, "error", {
          message: `session idle for over ${Math.round(this.timeoutMs / 1000)} s: closed`,
          code: "SESSION_ERROR" satisfies ErrorCode,
        });
        await this.drop(connection);
        connection.ws.close();
      }
  }

  private routes(): void {
    const app = this.app;
    app.use(
      "*",
      bodyLimit({
        maxSize: this.maxBytes,
        onError: (c) => c.json({ detail: `request body over ${this.maxBytes} bytes` }, 413),
      }),
    );
    const names = () => [...this.sets.values()].map((s) => s.spec.name);
    app.get("/health", (c) => c.json({ status: "healthy" }));
    app.get("/metadata", (c) =>
      c.json({
        name: `agenttune-${[...new Set(names())].join("-")}`,
        description: [...this.sets.values()]
          .map((s) => `${s.name}: ${s.spec.name} (${s.tasks.length} tasks) — ${s.spec.description}`)
          .join("\n"),
        version: "0.1.0",
        author: "agenttune",
        splits: Object.fromEntries(
          [...this.sets.values()].map((s) => [s.name, { env: s.spec.name, tasks: s.tasks.length }]),
        ),
        max_concurrent_envs: this.maxConcurrentEnvs,
      }),
    );
    app.get("/schema", (c) => c.json(jsonSchemas()));
    app.get("/openapi.json", (c) => c.json(openApiDocument()));
    app.get("/state", (c) => c.json({ episode_id: null, step_count: 0 }));
    app.post("/reset", async (c) => {
      const reset = resetDataSchema.safeParse(await c.req.json().catch(() => ({})));
      if (!reset.success) return c.json({ detail: `Invalid reset data: ${issueText(reset.error)}` }, 422);
      if (this.sessionCount >= this.maxConcurrentEnvs)
        return c.json({ detail: `Server at capacity (${this.maxConcurrentEnvs} sessions)` }, 503);
      // stateless, as OpenEnv's (http_server.py:622-643): a fresh env, reset, then closed
      this.statelessInFlight++;
      const session = new OpenEnvSession(this.context());
      try {
        return c.json(await session.reset(reset.data));
      } catch (error) {
        return c.json({ detail: (error as Error).message }, 400);
      } finally {
        await session.close();
        this.statelessInFlight--;
      }
    });
    app.post("/step", async (c) => {
      const body = (await c.req.json().catch(() => undefined)) as { action?: unknown } | undefined;
      const action = actionSchema.safeParse(body?.action);
      if (!action.success) return c.json({ detail: `Invalid action: ${issueText(action.error)}` }, 422);
      if (action.data.type === "list_tools")
        return c.json({
          observation: { text: "", messages: [], tools: new OpenEnvSession(this.context()).tools() },
          reward: 0,
          done: false,
        });
      return c.json(
        {
          detail:
            "an agenttune episode keeps state between steps: step it over WS /ws (POST /step is stateless)",
        },
        409,
      );
    });
    app.post("/mcp", async (c) => {
      let raw: unknown;
      try {
        raw = JSON.parse(await c.req.text());
      } catch {
        return c.json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      }
      return c.json(await handleRpc(raw, { tools: () => new OpenEnvSession(this.context()).tools() }));
    });
  }
}

function send(ws: WebSocket, type: string, data: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type, data }));
}

export interface RunningOpenEnvServer {
  /** http://host:port (clients connect to <url>/ws). */
  url: string;
  server: OpenEnvServer;
  close(): Promise<void>;
}

/** Starts the server on a port (0: any free one) on `hostname`. */
export async function serveOpenEnv(
  options: OpenEnvServerOptions & { port?: number; hostname?: string },
): Promise<RunningOpenEnvServer> {
  const server = await OpenEnvServer.create(options);
  const { port = 8000, hostname = "127.0.0.1" } = options;
  return new Promise((resolvePromise, reject) => {
    const http = serve({ fetch: server.app.fetch, port, hostname }, (info) => {
      resolvePromise({
        url: `http://${hostname}:${info.port}`,
        server,
        close: async () => {
          const closed = new Promise<void>((done) => http.close(() => done()));
          await server.close();
          (http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          await closed;
        },
      });
    });
    http.on("upgrade", (request, socket, head) => server.upgrade(request, socket, head));
    http.once("error", async (error) => {
      await server.close();
      reject(error);
    });
  });
}
