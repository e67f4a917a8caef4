// AgentGym-compatible routes (`<server>/agentgym/<split>` is an AgentGym client's env_server_base):
// POST /create, /reset, /step, /close, GET /observation, /available_actions, /list_envs and /.
// Each instance is an OpenEnv session in react mode, so its episodes are agenttune's: the same
// prompt, parsing, reward and resource release as evaluation and `/ws`. Unlike AgentGym's webshop
// server (no /close; AgentGym#62), every instance is freed on /close and when idle.
import type { Context, Hono } from "hono";
import { OpenEnvSession, type SessionContext, SessionUseError } from "../openenv/session.js";
import { type Dialect, dialects } from "./dialects.js";

interface Instance {
  session: OpenEnvSession;
  split: string;
  observation: string;
  lastActivity: number;
  busy: boolean;
}

export interface AgentGymHost {
  /** The served task sets' env names, by split. */
  envOf(split: string): string | undefined;
  context(): SessionContext;
  /** False when the server holds its most sessions. */
  hasRoom(): boolean;
}

export class AgentGymSessions {
  private readonly instances = new Map<number, Instance>();
  private nextId = 0;

  constructor(private readonly host: AgentGymHost) {}

  get size(): number {
    return this.instances.size;
  }

  routes(app: Hono): void {
    const base = "/agentgym/:split";
    app.get(base, (c) => this.withDialect(c, () => c.json("ok")));
    app.get(`${base}/list_envs`, (c) =>
      this.withDialect(c, (_, split) =>
        c.json([...this.instances].filter(([, i]) => i.split === split).map(([id]) => id)),
      ),
    );
    app.post(`${base}/create`, (c) =>
      this.withDialect(c, (dialect, split) => {
        if (!this.host.hasRoom()) return c.json({ detail: "server at capacity" }, 503);
        const id = this.nextId++;
        this.instances.set(id, {
          session: new OpenEnvSession(this.host.context()),
          split,
          observation: "",
          lastActivity: Date.now(),
          busy: false,
        });
        return c.json(dialect.created(id));
      }),
    );
    app.post(`${base}/reset`, (c) =>
      this.withInstance(c, async (dialect, instance, body) => {
        const item = Number(body[dialect.itemKey] ?? 0);
        if (!Number.isInteger(item) || item < 0)
          throw new SessionUseError(
            `${dialect.itemKey}: expected a task index, got ${String(body[dialect.itemKey])}`,
          );
        const first = await instance.session.reset({
          split: instance.split,
          index: item,
          action_format: "react",
        });
        instance.observation = first.observation.text;
        return dialect.reset({ observation: first.observation.text, reward: 0, done: first.done });
      }),
    );
    app.post(`${base}/step`, (c) =>
      this.withInstance(c, async (dialect, instance, body) => {
        if (typeof body.action !== "string") throw new SessionUseError("action: expected a string");
        const result = await instance.session.step({ type: "reply", content: dialect.reply(body.action) });
        instance.observation = result.observation.text;
        return dialect.step({
          observation: result.observation.text,
          reward: result.reward ?? 0,
          done: result.done,
        });
      }),
    );
    app.get(`${base}/observation`, (c) => this.withInstance(c, async (_, instance) => instance.observation));
    app.get(`${base}/available_actions`, (c) =>
      this.withInstance(c, async (dialect) => dialect.availableActions),
    );
    app.post(`${base}/close`, (c) =>
      this.withInstance(c, async (dialect, instance, body) => {
        this.instances.delete(Number(body[dialect.idKey]));
        await instance.session.close();
        return "closed";
      }),
    );
  }

  /** Closes instances idle past the timeout (a trainer that died holds nothing for long). */
  async sweep(now: number, timeoutMs: number): Promise<void> {
    for (const [id, instance] of [...this.instances])
      if (!instance.busy && now - instance.lastActivity > timeoutMs) {
        this.instances.delete(id);
        await instance.session.close().catch(() => {});
      }
  }

  async closeAll(): Promise<void> {
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.all(all.map((i) => i.session.close().catch(() => {})));
  }

  private withDialect(c: Context, handle: (dialect: Dialect, split: string) => Response | Promise<Response>) {
    const split = c.req.param("split") as string;
    const env = this.host.envOf(split);
    if (!env) return c.json({ detail: `no split "${split}" is served` }, 404);
    const dialect = dialects[env];
    if (!dialect)
      return c.json(
        { detail: `${split} serves ${env}: AgentGym routes exist for ${Object.keys(dialects).join(", ")}` },
        404,
      );
    return handle(dialect, split);
  }

  private withInstance(
    c: Context,
    handle: (dialect: Dialect, instance: Instance, body: Record<string, unknown>) => Promise<unknown>,
  ) {
    return this.withDialect(c, async (dialect, split) => {
      const body: Record<string, unknown> =
        c.req.method === "GET"
          ? Object.fromEntries(new URL(c.req.url).searchParams)
          : await c.req.json().catch(() => ({}));
      const id = Number(body[dialect.idKey]);
      const instance = this.instances.get(id);
      if (!instance || instance.split !== split)
        return c.json(
          { detail: `${dialect.idKey} ${String(body[dialect.idKey])}: no such env (create one first)` },
          404,
        );
      if (instance.busy) return c.json({ detail: `${dialect.idKey} ${id}: a request is in flight` }, 409);
      instance.busy = true;
      try {
        return c.json((await handle(dialect, instance, body)) as object);
      } catch (error) {
        const status = error instanceof SessionUseError ? 400 : 500;
        return c.json({ detail: (error as Error).message }, status);
      } finally {
        instance.busy = false;
        instance.lastActivity = Date.now();
      }
    });
  }
}
