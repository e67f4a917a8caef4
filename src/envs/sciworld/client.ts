// A client for a ScienceWorld server over HTTP. Two dialects:
//   agentgym — AgentGym's agentenv-sciworld (POST /create, /reset {id, data_idx}, /step, /close).
//     It cannot load a variation in "easy" mode and has no valid actions, look or inventory, so the
//     protocol's action mapping cannot run; the raw action is sent.
//   agenttune — the same routes plus what AgentTuning's harness uses of the simulator:
//     POST /load {id, task, variation, simplification} → {task_description, observation},
//     POST /valid_actions {id} → {valid_actions}, /look {id} and /inventory {id} → {observation}.
// Both answer errors with HTTP 200 {"error"}; any error is an EnvError naming the route.
import { z } from "zod";
import { boundedFetch, EnvError } from "../../core/index.js";

export type SciworldDialect = "agentgym" | "agenttune";

const stepSchema = z.object({ observation: z.string(), score: z.number(), done: z.boolean() }).passthrough();
export type SciworldStep = z.infer<typeof stepSchema>;

export class SciworldClient {
  private id: number | string | undefined;

  constructor(
    readonly url: string,
    readonly dialect: SciworldDialect,
    private readonly timeoutMs = 60_000,
  ) {}

  /** A server's reply is read up to a size limit (AGENTTUNE_MAX_RESPONSE_BYTES, 32 MiB). */
  private readonly fetch = boundedFetch();

  private async call<T>(route: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(new URL(route, this.url.endsWith("/") ? this.url : `${this.url}/`), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new EnvError(`ScienceWorld server ${this.url}: ${route}: ${(error as Error).message}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new EnvError(`ScienceWorld server ${this.url}: ${route}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EnvError(
        `ScienceWorld server ${this.url}: ${route}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok || (json && typeof json === "object" && "error" in json))
      throw new EnvError(
        `ScienceWorld server ${this.url}: ${route}: ${(json as { error?: unknown })?.error ?? `HTTP ${response.status}`}`,
      );
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new EnvError(`ScienceWorld server ${this.url}: ${route}: unexpected reply ${text.slice(0, 200)}`);
    return parsed.data;
  }

  async create(): Promise<void> {
    const { id } = await this.call(
      "create",
      {},
      z.object({ id: z.union([z.number(), z.string()]) }).passthrough(),
    );
    this.id = id;
  }

  /** Loads the variation ("easy" where the server can) and returns the task text and first observation. */
  async load(
    task: string,
    variation: number,
    dataIdx?: number,
  ): Promise<{ taskDescription: string; observation: string }> {
    if (this.dialect === "agentgym") {
      if (dataIdx === undefined)
        throw new EnvError(
          `the agentgym dialect needs each task's data_idx (task ${task}, variation ${variation})`,
        );
      const reply = await this.call(
        "reset",
        { id: this.id, data_idx: dataIdx },
        z.object({ task_description: z.string(), observation: z.string() }).passthrough(),
      );
      return { taskDescription: reply.task_description, observation: reply.observation };
    }
    const reply = await this.call(
      "load",
      { id: this.id, task, variation, simplification: "easy" },
      z.object({ task_description: z.string(), observation: z.string() }).passthrough(),
    );
    return { taskDescription: reply.task_description, observation: reply.observation };
  }

  step(action: string): Promise<SciworldStep> {
    return this.call("step", { id: this.id, action }, stepSchema);
  }

  /** getValidActionObjectCombinations(); undefined where the server has none (agentgym). */
  async validActions(): Promise<string[] | undefined> {
    if (this.dialect === "agentgym") return undefined;
    return (
      await this.call("valid_actions", { id: this.id }, z.object({ valid_actions: z.array(z.string()) }))
    ).valid_actions;
  }

  async look(): Promise<string> {
    if (this.dialect === "agentgym") return "";
    return (await this.call("look", { id: this.id }, z.object({ observation: z.string() }))).observation;
  }

  async inventory(): Promise<string> {
    if (this.dialect === "agentgym") return "";
    return (await this.call("inventory", { id: this.id }, z.object({ observation: z.string() }))).observation;
  }

  async close(): Promise<void> {
    if (this.id === undefined) return;
    await this.call("close", { id: this.id }, z.unknown()).catch(() => {});
  }
}
