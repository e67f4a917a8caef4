// A minimal OpenEnv /ws client for tests and benchmarks (the protocol as OpenEnv's EnvClient speaks
// it: env_client.py:218-257), and an oracle driver that plays one episode over it.
import { WebSocket } from "ws";
import { oracleModel } from "../../agent/index.js";
import type { Message, ToolSpec } from "../../core/index.js";
import type { EnvSpec } from "../../envs/index.js";
import { type OpenTaskSet, openTaskSet, type ServedTask } from "../served-tasks.js";
import {
  actionSchema,
  type ObservationData,
  type ResetData,
  resetDataSchema,
  type ToolInfo,
} from "./protocol.js";
import { OpenEnvSession } from "./session.js";

export interface Frame {
  type: string;
  data: Record<string, unknown>;
}

/** What an episode needs of a client: reset and step frames answered by observations. */
export interface ObservationSource {
  observe(type: "reset" | "step", data: unknown): Promise<ObservationData>;
}

export class TestClient implements ObservationSource {
  private readonly inbox: Frame[] = [];
  private waiters: ((frame: Frame | undefined) => void)[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.inbox.push(frame);
    });
    ws.on("close", () => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) waiter(undefined);
    });
  }

  static connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  /** The next frame from the server; undefined once the socket has closed. */
  next(): Promise<Frame | undefined> {
    const frame = this.inbox.shift();
    if (frame) return Promise.resolve(frame);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  async request(type: string, data?: unknown): Promise<Frame> {
    this.ws.send(JSON.stringify(data === undefined ? { type } : { type, data }));
    const frame = await this.next();
    if (!frame) throw new Error(`the server closed the socket after a ${type} frame`);
    return frame;
  }

  async observe(type: "reset" | "step", data: unknown): Promise<ObservationData> {
    const frame = await this.request(type, data);
    if (frame.type !== "observation") throw new Error(`${type}: ${JSON.stringify(frame)}`);
    return frame.data as unknown as ObservationData;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.send(JSON.stringify({ type: "close" }));
    });
  }
}

/** A session stepped directly, with no socket between: the in-process reference of the wire. */
export class InProcessSource implements ObservationSource {
  constructor(
    readonly session: OpenEnvSession,
    /** Applied over every reset's data (e.g. action_format "react"). */
    private readonly resetOverrides: Partial<ResetData> = {},
  ) {}

  observe(type: "reset" | "step", data: unknown): Promise<ObservationData> {
    return type === "reset"
      ? this.session.reset(resetDataSchema.parse({ ...(data as object), ...this.resetOverrides }))
      : this.session.step(actionSchema.parse(data));
  }
}

/** A task set opened with one in-process session on it; `close` frees the session and the backend. */
export async function openInProcess(
  name: string,
  config: ServedTask,
  resetOverrides: Partial<ResetData> = {},
): Promise<{ set: OpenTaskSet; source: InProcessSource; close: () => Promise<void> }> {
  const set = await openTaskSet(name, config);
  const session = new OpenEnvSession({ sets: new Map([[name, { ...set, cursor: 0 }]]), nextSample: () => 0 });
  return {
    set,
    source: new InProcessSource(session, resetOverrides),
    close: async () => {
      await session.close();
      await set.backend.close();
    },
  };
}

const toolSpec = (t: ToolInfo): ToolSpec => ({
  name: t.name,
  description: t.description,
  parameters: t.input_schema,
});

/**
 * Plays one episode with the env's oracle as the agent, over the socket: the conversation is built
 * from the observations alone, as a trainer builds it. Returns the final reward and the turns taken.
 */
export async function playOracleEpisode<Task>(
  client: ObservationSource,
  spec: EnvSpec<Task>,
  task: Task,
  reset: Record<string, unknown>,
): Promise<{
  reward: number | null;
  steps: number;
  last: ObservationData;
  actions: Record<string, unknown>[];
}> {
  let last = await client.observe("reset", reset);
  const tools = last.observation.tools?.map(toolSpec) ?? [];
  const messages: Message[] = [...last.observation.messages];
  const model =
    (await oracleModel(spec).forEpisode?.({ taskId: spec.taskId(task), task })) ?? oracleModel(spec);
  const textTool =
    tools.length === 1 && ["act", "answer"].includes(tools[0]?.name ?? "") ? tools[0] : undefined;
  let steps = 0;
  const actions: Record<string, unknown>[] = [];
  while (!last.done) {
    const reply = await model.complete(messages, textTool ? {} : { tools });
    const call = reply.toolCalls?.[0];
    messages.push({ role: "assistant", content: reply.text, ...(call ? { toolCalls: [call] } : {}) });
    const action = textTool
      ? {
          type: "call_tool",
          tool_name: textTool.name,
          arguments: { [Object.keys(textTool.parameters.properties as object)[0] as string]: reply.text },
        }
      : call
        ? { type: "call_tool", tool_name: call.name, arguments: JSON.parse(call.arguments) }
        : { type: "reply", content: reply.text };
    actions.push(action);
    last = await client.observe("step", action);
    messages.push(...last.observation.messages);
    steps++;
  }
  return { reward: last.reward, steps, last, actions };
}
