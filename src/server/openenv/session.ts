// One OpenEnv session: the env instance of one WebSocket connection (OpenEnv keeps one env per
// connection, http_server.py:1309-1330). A reset starts an agenttune Episode on the chosen task; each
// step is one agent turn, scored exactly as in evaluation; the env's resources are freed when the
// episode ends, on the next reset, and on close.
import { Episode } from "../../agent/index.js";
import { EnvError, mulberry32, type Trajectory } from "../../core/index.js";
import type { OpenTaskSet } from "../served-tasks.js";
import type { Action, ObservationData, ResetData, State, ToolInfo } from "./protocol.js";
import { type TextTool, textTool, toolInfo } from "./tools.js";

/** A task set with its cursor: resets without task_id, index or seed take its tasks in file order. */
export interface SessionTaskSet extends OpenTaskSet {
  cursor: number;
}

/** A step or reset the session cannot take (no episode yet, one that is over, an unknown task). */
export class SessionUseError extends Error {}

export interface SessionContext {
  sets: ReadonlyMap<string, SessionTaskSet>;
  /** Called with each episode that ends (results.jsonl). */
  onFinished?: (set: SessionTaskSet, trajectory: Trajectory) => void;
  /** A number for each episode's trajectory id (unique across the server's sessions). */
  nextSample: () => number;
}

const timingWindow = 1000;

export class OpenEnvSession {
  private episode: Episode<unknown> | undefined;
  private set: SessionTaskSet | undefined;
  private index: number | undefined;
  private episodeId: string | null = null;
  private stepCount = 0;
  private stepMs: number[] = [];
  private resetMs: number | undefined;
  /** Set in react mode: the one tool that carries a reply. */
  private text: TextTool | undefined;
  private calls = 0;

  constructor(private readonly context: SessionContext) {}

  /** Starts an episode on the task the data chooses, ending the one before. */
  async reset(data: ResetData): Promise<ObservationData> {
    await this.endEpisode();
    const set = this.chooseSet(data.split);
    const index = this.chooseIndex(set, data);
    const started = performance.now();
    const wantsTools = data.action_format !== "react" && Boolean(set.spec.actions?.length);
    const episode = await Episode.start({
      spec: set.spec,
      backend: set.backend,
      task: set.tasks[index],
      modelId: "openenv-client",
      sample: this.context.nextSample(),
      ...(wantsTools ? { actionFormat: "tools" as const } : {}),
      ...(data.max_turns ? { maxTurns: data.max_turns } : {}),
    });
    this.resetMs = performance.now() - started;
    this.episode = episode;
    this.set = set;
    this.index = index;
    this.episodeId = data.episode_id ?? episode.id;
    this.stepCount = 0;
    this.stepMs = [];
    this.text = episode.tools ? undefined : textTool(set.spec);
    if (episode.infrastructure) throw new EnvError(episode.infrastructure.message);
    const messages = [...episode.conversation];
    const observation = {
      text: messages.at(-1)?.content ?? "",
      messages,
      tools: this.tools(),
      task_id: episode.taskId,
    };
    if (episode.done) return this.finish(observation);
    return { observation, reward: 0, done: false };
  }

  /** One agent turn (or, for list_tools, none). */
  async step(action: Action): Promise<ObservationData> {
    if (action.type === "list_tools")
      return { observation: { text: "", messages: [], tools: this.tools() }, reward: 0, done: false };
    const episode = this.episode;
    if (!episode) throw new SessionUseError("no episode: send a reset first");
    if (episode.done) throw new SessionUseError("the episode is over: send a reset to start another");
    const before = episode.conversation.length;
    const started = performance.now();
    let toolName: string | undefined;
    if (action.type === "call_tool") {
      toolName = action.tool_name;
      if (this.text) {
        // react mode: the one text tool carries the reply; another name is refused without a turn
        if (action.tool_name !== this.text.info.name)
          return {
            observation: {
              text: "",
              messages: [],
              tool_name: action.tool_name,
              result: null,
              error: `Unknown tool "${action.tool_name}": the tools are ${this.text.info.name}.`,
            },
            reward: 0,
            done: false,
          };
        await episode.respond(String(action.arguments[this.text.argument] ?? ""));
      } else
        await episode.respond("", {
          toolCalls: [
            {
              id: `call_${this.calls++}`,
              name: action.tool_name,
              arguments: JSON.stringify(action.arguments),
            },
          ],
        });
    } else await episode.respond(action.content);
    this.stepCount++;
    this.stepMs.push(performance.now() - started);
    if (this.stepMs.length > timingWindow) this.stepMs.shift();
    if (episode.infrastructure) {
      const message = episode.infrastructure.message;
      await this.endEpisode();
      throw new EnvError(message);
    }
    // the round limit (and an env's own context rule) ends the episode as in evaluation
    if (!episode.done) episode.prompt();
    const added = episode.conversation.slice(before + 1);
    const text = episode.done ? episode.lastObservation : added.map((m) => m.content).join("\n\n");
    const observation = {
      text,
      messages: added,
      ...(toolName !== undefined
        ? { tool_name: toolName, result: text, error: this.toolError(episode) }
        : {}),
    };
    if (episode.done) return this.finish(observation);
    return { observation, reward: 0, done: false };
  }

  state(): State {
    const trajectory = this.episode?.done ? this.episode.trajectory() : undefined;
    return {
      episode_id: this.episodeId,
      step_count: this.stepCount,
      ...(this.set ? { split: this.set.name } : {}),
      ...(this.episode ? { task_id: this.episode.taskId, done: this.episode.done } : {}),
      ...(this.index !== undefined ? { index: this.index } : {}),
      ...(trajectory ? { reward: trajectory.reward } : {}),
      ...(trajectory?.failure ? { failure: trajectory.failure } : {}),
      step_ms: [...this.stepMs],
      ...(this.resetMs !== undefined ? { reset_ms: this.resetMs } : {}),
    };
  }

  /** Frees the episode's resources (a sandbox, a database, a page); safe to call twice. */
  async close(): Promise<void> {
    await this.endEpisode();
  }

  /** The session's tools as list_tools gives them. */
  tools(): ToolInfo[] {
    if (this.text) return [this.text.info];
    const tools = this.episode?.tools;
    if (tools) return tools.map(toolInfo);
    // before a reset: the first set's tools in its default format
    const set = this.chooseSet(undefined);
    if (set.backend.tools) return set.backend.tools.map(toolInfo);
    if (set.spec.actions?.length) return set.spec.actions.map((a) => toolInfo(a.tool));
    return [textTool(set.spec).info];
  }

  private async finish(observation: ObservationData["observation"]): Promise<ObservationData> {
    const episode = this.episode as Episode<unknown>;
    const trajectory = episode.trajectory();
    await episode.close();
    if (this.set) this.context.onFinished?.(this.set, trajectory);
    return {
      observation: { ...observation, ...(trajectory.failure ? { failure: trajectory.failure } : {}) },
      reward: trajectory.reward,
      done: true,
    };
  }

  private toolError(episode: Episode<unknown>): string | null {
    if (!episode.done) return null;
    const error = episode.trajectory().info?.toolError;
    return typeof error === "string" ? error : null;
  }

  private async endEpisode(): Promise<void> {
    const episode = this.episode;
    this.episode = undefined;
    if (episode && !episode.done) episode.stop("model_error", "the client ended the session");
    await episode?.close();
  }

  private chooseSet(split: string | undefined): SessionTaskSet {
    const { sets } = this.context;
    if (split === undefined) return sets.values().next().value as SessionTaskSet;
    const set = sets.get(split);
    if (!set)
      throw new SessionUseError(`unknown split "${split}": the splits are ${[...sets.keys()].join(", ")}`);
    return set;
  }

  private chooseIndex(set: SessionTaskSet, data: ResetData): number {
    const count = set.tasks.length;
    if (data.task_id !== undefined) {
      const id = String(data.task_id);
      const index = set.tasks.findIndex((t) => set.spec.taskId(t) === id);
      if (index < 0) throw new SessionUseError(`${set.name}: no task with id "${id}"`);
      return index;
    }
    if (data.index !== undefined) {
      if (data.index >= count)
        throw new SessionUseError(`${set.name}: index ${data.index} is out of range (0…${count - 1})`);
      return data.index;
    }
    if (data.seed !== undefined) return Math.floor(mulberry32(data.seed)() * count);
    const index = set.cursor % count;
    set.cursor++;
    return index;
  }
}
