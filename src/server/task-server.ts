// `agenttune serve`: every agenttune env behind AgentBench v0.2's task-controller API (src/server/
// task_controller.py, src/client/task.py), so AgentBench's own assigner and clients run agenttune's
// tasks. One "worker" per task name, in-process: a session is an agenttune Episode whose prompts go out
// as AgentBench's history (user/agent turns) and whose replies come back in `interact`.
import { resolve } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { Episode } from "../agent/index.js";
import { AppendLog, type FailureLabel, InputError, type Message, type Trajectory } from "../core/index.js";
import { summarize } from "../runner/index.js";
import { type OpenTaskSet, openTaskSet, type ServedTask } from "./served-tasks.js";

/** AgentBench's SampleStatus values. */
const status = {
  running: "running",
  completed: "completed",
  contextLimit: "agent context limit",
  invalidAction: "agent invalid action",
  taskLimit: "task limit reached",
  taskError: "task error",
} as const;

/** How an agenttune ending reads as AgentBench's sample status. */
function statusOf(failure: FailureLabel | undefined): string {
  switch (failure) {
    case "round_limit":
      return status.taskLimit;
    case "context_limit":
      return status.contextLimit;
    case "invalid_format":
    case "invalid_action":
      return status.invalidAction;
    case "env_error":
    case "model_error":
      return status.taskError;
    default:
      return status.completed;
  }
}

/** AgentBench's history: user and agent turns; a system message goes in front of the first user turn. */
export function toAgentBenchHistory(
  messages: readonly Message[],
): { role: "user" | "agent"; content: string }[] {
  const out: { role: "user" | "agent"; content: string }[] = [];
  let system: string | undefined;
  for (const message of messages) {
    if (message.role === "system")
      system = system === undefined ? message.content : `${system}\n\n${message.content}`;
    else if (message.role === "user") {
      out.push({
        role: "user",
        content: system === undefined ? message.content : `${system}\n\n${message.content}`,
      });
      system = undefined;
    } else out.push({ role: "agent", content: message.content });
  }
  if (system !== undefined) out.push({ role: "user", content: system });
  return out;
}

/** The result of a finished sample, as AgentBench's TaskOutput.result carries it back to calculate_overall. */
function sampleResult(t: Trajectory): Record<string, unknown> {
  return {
    taskId: t.taskId,
    reward: t.reward,
    success: t.success,
    turns: t.turns,
    ...(t.failure ? { failure: t.failure } : {}),
    ...(t.info ? { info: t.info } : {}),
  };
}

interface OpenTask extends OpenTaskSet {
  current: number;
  results?: AppendLog;
}

interface Session {
  id: number;
  task: OpenTask;
  index: number;
  episode: Episode<unknown>;
  lastUpdate: number;
  busy: boolean;
}

export interface TaskServerOptions {
  tasks: Record<string, ServedTask>;
  /** Each finished sample's trajectory is appended to <out>/<task name>/results.jsonl. */
  out?: string;
  /** A session idle this long is closed and its slot freed (a client that vanished). */
  sessionTimeoutMs?: number;
  /** The largest request body (calculate_overall carries every sample's history); default 128 MiB. */
  maxRequestBytes?: number;
  log?: (line: string) => void;
}

export class TaskServer {
  readonly app = new Hono();
  private readonly open = new Map<string, OpenTask>();
  private readonly sessions = new Map<number, Session>();
  private nextSession = 0;
  private readonly sweeper: NodeJS.Timeout;
  private readonly timeoutMs: number;

  private constructor(private readonly options: TaskServerOptions) {
    this.timeoutMs = options.sessionTimeoutMs ?? 10 * 60_000;
    this.sweeper = setInterval(() => void this.sweep(), Math.min(this.timeoutMs, 30_000));
    this.sweeper.unref();
    this.routes();
  }

  /** Opens every task's backend and reads its tasks; errors name the task and file. */
  static async create(options: TaskServerOptions): Promise<TaskServer> {
    const server = new TaskServer(options);
    for (const [name, config] of Object.entries(options.tasks)) {
      // AgentBench v0.2's controller exchanges text replies: the function-calling protocol cannot be served
      if (config.protocol === "agentbench-fc")
        throw new InputError(
          `${name}: agentbench-fc is not served: AgentBench v0.2's task API carries text replies, not tool calls (serve it with --openenv)`,
        );
      const { spec, backend, tasks } = await openTaskSet(name, config);
      const results = options.out ? new AppendLog(resolve(options.out, name, "results.jsonl")) : undefined;
      server.open.set(name, {
        name,
        config,
        spec,
        backend,
        tasks,
        current: 0,
        ...(results ? { results } : {}),
      });
      options.log?.(
        `${name}: ${config.env} × ${tasks.length} tasks on ${backend.name}, capacity ${config.capacity}`,
      );
    }
    return server;
  }

  /** Live sessions (for tests and the log). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) await this.finish(session);
    for (const task of this.open.values()) {
      await task.backend.close().catch(() => {});
      task.results?.close();
    }
  }

  private routes(): void {
    const api = new Hono();
    const maxBytes = this.options.maxRequestBytes ?? 128 * 1024 * 1024;
    // a client cannot make the server hold an unbounded body
    api.use(
      "*",
      bodyLimit({
        maxSize: maxBytes,
        onError: (c) => c.json({ detail: `Error: request body over ${maxBytes} bytes` }, 413),
      }),
    );
    api.get("/get_indices", (c) => {
      const task = this.open.get(c.req.query("name") ?? "");
      if (!task) return c.json({ detail: "Error: Task does not exist" }, 400);
      return c.json(task.tasks.map((_, i) => i));
    });
    api.get("/list_workers", (c) =>
      c.json(
        Object.fromEntries(
          [...this.open.values()].map((t) => [
            t.name,
            {
              indices: t.tasks.map((_, i) => i),
              workers: {
                0: {
                  id: 0,
                  address: "agenttune",
                  capacity: t.config.capacity,
                  current: t.current,
                  last_visit: Date.now() / 1000,
                  status: 0,
                  locked: false,
                },
              },
            },
          ]),
        ),
      ),
    );
    api.get("/list_sessions", (c) =>
      c.json(
        Object.fromEntries(
          [...this.sessions.values()].map((s) => [
            s.id,
            { name: s.task.name, index: s.index, last_update: s.lastUpdate / 1000, worker_id: 0 },
          ]),
        ),
      ),
    );
    api.post("/start_sample", async (c) => {
      const body = z
        .object({ name: z.string(), index: z.union([z.number(), z.string()]) })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ detail: "Error: expected {name, index}" }, 400);
      const task = this.open.get(body.data.name);
      if (!task) return c.json({ detail: "Error: Task does not exist" }, 406);
      const index = Number(body.data.index);
      if (!Number.isInteger(index) || index < 0 || index >= task.tasks.length)
        return c.json({ detail: "Error: Index out of bounds" }, 400);
      if (task.current >= task.config.capacity) return c.json({ detail: "Error: No workers available" }, 406);
      task.current++;
      const id = this.nextSession++;
      const episode = await Episode.start({
        spec: task.spec,
        backend: task.backend,
        task: task.tasks[index],
        modelId: "agentbench-client",
        sample: id,
      });
      const session: Session = { id, task, index, episode, lastUpdate: Date.now(), busy: false };
      this.sessions.set(id, session);
      return c.json(await this.output(session));
    });
    api.post("/interact", async (c) => {
      const body = z
        .object({
          session_id: z.number().int(),
          agent_response: z.object({
            status: z.string().default("normal"),
            content: z.string().nullable().optional(),
          }),
        })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ detail: "Error: expected {session_id, agent_response}" }, 400);
      const session = this.sessions.get(body.data.session_id);
      if (!session) return c.json({ detail: "Error: Session does not exist" }, 400);
      if (session.busy) return c.json({ detail: "Task Executing, please do not send new request." }, 400);
      session.busy = true;
      session.lastUpdate = Date.now();
      try {
        const { status: agentStatus, content } = body.data.agent_response;
        if (agentStatus === "agent context limit") session.episode.stop("context_limit");
        else if (agentStatus === "cancelled") session.episode.stop("model_error", "cancelled by the client");
        else await session.episode.respond(content ?? "");
        return c.json(await this.output(session));
      } finally {
        session.busy = false;
      }
    });
    api.post("/cancel", async (c) => {
      const body = z
        .object({ session_id: z.number().int() })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ detail: "Error: expected {session_id}" }, 400);
      const session = this.sessions.get(body.data.session_id);
      if (!session) return c.json({ detail: "Error: Session does not exist" }, 400);
      session.episode.stop("model_error", "cancelled by the client");
      await this.finish(session, false);
      return c.json({ session_id: session.id });
    });
    api.post("/calculate_overall", async (c) => {
      const body = z
        .object({
          name: z.string(),
          results: z.array(
            z.object({ index: z.unknown(), status: z.string(), result: z.unknown() }).passthrough(),
          ),
        })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ detail: "Error: expected {name, results}" }, 400);
      const task = this.open.get(body.data.name);
      if (!task) return c.json({ detail: "Error: Task does not exist" }, 400);
      const trajectories = body.data.results.map((r, i) => {
        const result = (r.result ?? {}) as Record<string, unknown>;
        return {
          id: `${task.spec.name}/${String(result.taskId ?? r.index)}/${i}`,
          env: task.spec.name,
          taskId: String(result.taskId ?? r.index),
          model: "agentbench-client",
          messages: [],
          reward: typeof result.reward === "number" ? result.reward : 0,
          success: result.success === true,
          turns: typeof result.turns === "number" ? result.turns : 0,
          ...(typeof result.failure === "string" ? { failure: result.failure as FailureLabel } : {}),
          ...(result.info && typeof result.info === "object"
            ? { info: result.info as Record<string, unknown> }
            : {}),
          startedAt: new Date(0).toISOString(),
          durationMs: 0,
        } satisfies Trajectory;
      });
      // the rates and metrics of the results as a run's summary computes them
      const { successRate, averageReward, metrics } = summarize({
        spec: task.spec,
        backend: task.backend.name,
        model: "agentbench-client",
        results: trajectories,
        tasks: new Map(task.tasks.map((t) => [task.spec.taskId(t), t])),
        durationMs: 0,
        complete: true,
      });
      return c.json({
        env: task.spec.name,
        task: task.spec.benchmark.task,
        score: task.spec.score(metrics, { successRate, averageReward }),
        successRate,
        averageReward,
        metrics,
      });
    });
    this.app.route("/api", api);
  }

  /** The session's TaskOutput: the next prompt as history while running, else the result (and the session ends). */
  private async output(session: Session): Promise<{ session_id: number; output: Record<string, unknown> }> {
    const prompt = session.episode.done ? undefined : session.episode.prompt();
    if (prompt)
      return {
        session_id: session.id,
        output: {
          index: session.index,
          status: status.running,
          result: null,
          history: toAgentBenchHistory(prompt),
        },
      };
    const trajectory = await this.finish(session);
    return {
      session_id: session.id,
      output: {
        index: session.index,
        status: statusOf(trajectory.failure),
        result: sampleResult(trajectory),
        history: toAgentBenchHistory(trajectory.messages),
      },
    };
  }

  /** Ends a session: closes its env, frees its slot, records its trajectory. */
  private async finish(session: Session, record = true): Promise<Trajectory> {
    this.sessions.delete(session.id);
    session.task.current--;
    await session.episode.close();
    const trajectory = session.episode.trajectory();
    if (record) session.task.results?.append(trajectory);
    return trajectory;
  }

  /** Closes sessions nobody has touched for the timeout: a vanished client costs one sample. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const session of [...this.sessions.values()])
      if (!session.busy && now - session.lastUpdate > this.timeoutMs) {
        session.episode.stop("model_error", "the client went away (session timed out)");
        this.options.log?.(`${session.task.name}#${session.index}: session ${session.id} timed out`);
        await this.finish(session, false);
      }
  }
}

export interface RunningTaskServer {
  url: string;
  server: TaskServer;
  close(): Promise<void>;
}

/** Starts the server on a port (0: any free one) on `hostname`. */
export async function serveTasks(
  options: TaskServerOptions & { port?: number; hostname?: string },
): Promise<RunningTaskServer> {
  const server = await TaskServer.create(options);
  const { port = 5000, hostname = "127.0.0.1" } = options;
  return new Promise((resolvePromise, reject) => {
    const http = serve({ fetch: server.app.fetch, port, hostname }, (info) => {
      resolvePromise({
        url: `http://${hostname}:${info.port}/api`,
        server,
        close: async () => {
          await new Promise<void>((done) => http.close(() => done()));
          await server.close();
        },
      });
    });
    http.once("error", reject);
  });
}
