// The Environment and EnvSpec interfaces every env implements (see DESIGN.md, "Core interfaces").
import type { ZodType } from "zod";
import type { FailureLabel, Message, StepResult, ToolCall, ToolSpec, Trajectory } from "../core/index.js";
import type { ChatModel } from "../models/index.js";

/** One live episode; owns its backend resources until close(). */
export interface Environment {
  /**
   * System prompt + one-shot + task description, in the env's original protocol. `finished` ends the
   * episode before the agent's first turn, as the original harness does for some samples (an init
   * script that fails in AgentBench v0.2's os, a Mind2Web step with one candidate).
   */
  reset(): Promise<{ messages: Message[]; finished?: StepResult }>;
  /** `action` is the model's raw reply; `extra` what else the model returned that the env asked for. */
  step(action: string, extra?: StepExtra): Promise<StepResult>;
  /** Always called, also on error or abort. */
  close(): Promise<void>;
  /**
   * Each observation is a whole prompt and the model sees only the newest one (AgentBench clears
   * Mind2Web's session before every round); the trajectory still records every turn.
   */
  readonly independentTurns?: boolean;
  /**
   * The model gets one plain-text prompt built from the conversation, no chat template, each reply cut
   * at `stop` (BOLAA's HotpotQA agent sends raw text). Models without a completions endpoint get the
   * text as one user turn; the trajectory records which.
   */
  textPrompt?(messages: readonly Message[]): { prompt: string; stop?: string[] };
  /**
   * The env's own rule for fitting the conversation into the model's context (SciWorld's harness drops
   * its few-shot turns, oldest first), used instead of the run's history policy; undefined when the
   * conversation cannot fit. The trajectory still records every turn.
   */
  trimHistory?(messages: readonly Message[]): Message[] | undefined;
  /**
   * Ask the model for the log-probabilities of this many most likely first tokens (MMLU predicts from
   * the next-token distribution); they reach step() where the model gives them.
   */
  readonly firstTokenLogprobs?: number;
  /** The protocol's sampling temperature for this episode (MT-Bench's per category), over the run's. */
  readonly temperature?: number;
  /**
   * A function-calling protocol (AgentBench's main branch): the env reads the reply's calls itself and
   * answers with the turns its harness injects (tool results by call id, user turns), in order. Used
   * instead of step() when the backend declares `tools`.
   */
  stepCalls?(reply: CallingReply): Promise<CallingStepResult>;
}

/** A reply in a function-calling protocol: its text and the calls it made (possibly none). */
export interface CallingReply {
  content: string;
  toolCalls: readonly ToolCall[];
}

/** What a function-calling harness injects after a reply, and whether the sample ended. */
export interface CallingStepResult {
  /** `tool` turns (with toolCallId) and `user` turns, in the order the harness injects them. */
  messages: Message[];
  done: boolean;
  reward: number;
  failure?: FailureLabel;
  info?: Record<string, unknown>;
}

/** What a model returned beside its reply text, for envs that ask. */
export interface StepExtra {
  firstTokenLogprobs?: Record<string, number>;
}

/**
 * One action of an env, as a tool for function calling and as the ReAct text its parser reads: the
 * env's parser reads what `toReact` writes (tested for every action), so the two formats drive the same
 * env and cannot drift.
 */
export interface ActionDefinition {
  tool: ToolSpec;
  /** The action as the ReAct text of the env's protocol. */
  toReact(args: Record<string, unknown>): string;
  /** The arguments of a ReAct reply that is this action (read by the env's own parser), else undefined. */
  fromReact(reply: string): Record<string, unknown> | undefined;
}

/** An oracle for a function-calling protocol: each reply's text and calls (name, arguments object). */
export interface CallingOracleSolver {
  reply(messages: readonly Message[]): { content?: string; calls: { name: string; arguments: unknown }[] };
}

/** Produces, turn by turn, replies that reach reward 1; sees the same history a model sees. */
export interface OracleSolver {
  reply(messages: readonly Message[]): string;
  /** Why the oracle cannot solve this task (it will fail it), where it knows before the episode. */
  unsolved?: string;
}

export interface LoadTasksOptions {
  /** Folder of the scripts a task file refers to (os_interaction's script dir). */
  scripts?: string;
  /** Draw this many tasks as the original harness samples them (rewoo: pandas' df.sample). */
  sample?: number;
  /** The sampling seed (rewoo: 2024, as ReWOO's run_eval.py). */
  seed?: number;
  /** Episodes per task where a task list names tasks, not episodes (miniwob: 10, seeds 0…9). */
  episodes?: number;
  /** webarena: site URLs, "shopping=URL,gitlab=URL" (else WebArena's environment variables). */
  sites?: string;
  /** Told about each task the loader leaves out, and why (webarena: a site that is not configured). */
  onSkip?: (reason: string) => void;
}

/**
 * Which AgentBench a held-in env reproduces: the copy vendored in THUDM/AgentTuning (`AgentBench.old`,
 * where AgentTuning's numbers and AgentInstruct's trajectories come from), THUDM/AgentBench v0.2, or
 * the function-calling rewrite on THUDM/AgentBench's main branch (agentbench-fc: db, os, kg, alfworld
 * and webshop only).
 */
export const protocols = ["agentbench-old", "agentbench-v0.2", "agentbench-fc"] as const;
export type Protocol = (typeof protocols)[number];
export const defaultProtocol: Protocol = "agentbench-old";

export interface EnvOpenOptions {
  /** The AgentBench version whose conversation and scoring the env reproduces (default agentbench-old). */
  protocol?: Protocol;
  /** Backend selector, e.g. "sqlite" or "mysql://user:pass@host:3306" for db. */
  backend?: string;
  /** Round limit override. */
  roundLimit?: number;
  /**
   * A folder holding AgentBench (AgentBench.old, an AgentTuning checkout, or AgentBench v0.2 as the
   * protocol says): its instructions and one-shot examples replace agenttune's own wording.
   */
  agentbench?: string;
  /** os: interrupt a command (Ctrl-C) after this long, agenttune's rule; default AgentBench's waiting rule, which never interrupts. */
  actionTimeoutMs?: number;
  /** An AgentTuning checkout: the held-out envs read their original prompts from its eval_heldout/. */
  agenttuning?: string;
  /** The run's task files: envs that build a corpus from them (hotpotqa's offline wiki) read them all. */
  taskFiles?: string[];
  /** More corpus files (HotpotQA files, a Wikipedia abstracts dump) for the offline wiki. */
  corpus?: string[];
  /** The model that grades answers where the protocol has an LLM judge (rewoo). */
  judge?: ChatModel;
  /** The judge's grading prompt file (text, or a Python file with `template`); default agenttune's. */
  judgePrompt?: string;
  /** rewoo: the model behind the LLM tool (default: the model under test, as a turn of its own). */
  toolModel?: ChatModel;
  /** miniwob: MiniWoB++'s html folder (miniwob/*.html, core/, common/). */
  miniwob?: string;
  /** miniwob: the RCI agent's prompt folder (prompt/, available_tasks.txt). */
  prompts?: string;
  /** webarena: site URLs, "shopping=URL,gitlab=URL" (else WebArena's environment variables). */
  sites?: string;
  /** sciworld: the ScienceWorld server's URL and its API dialect (default agenttune). */
  sciworld?: string;
  sciworldApi?: "agentgym" | "agenttune";
}

/** An env's backend opened for a run (a database server, a sandbox pool), shared by its episodes. */
export interface EnvBackend<Task> {
  /** Human-readable backend name for summaries, e.g. "sqlite" or "mariadb 10.11". */
  readonly name: string;
  /** Most model replies per episode when the backend's options change it (e.g. a round limit). */
  readonly maxTurns?: number;
  /** Most new tokens per reply when the backend's variant needs more (e.g. a chain-of-thought prompt). */
  readonly maxTokens?: number;
  /** The checkout whose prompts the episodes use; absent: agenttune's own wording. */
  readonly prompts?: string;
  /**
   * The protocol's own tools (agentbench-fc): the model gets them, and the env's stepCalls() acts on
   * the calls; the env's `actions` are not used.
   */
  readonly tools?: readonly ToolSpec[];
  /** Which benchmark's checkout `prompts` is (default agentbench). */
  readonly promptSource?: "agentbench" | "agenttuning";
  create(task: Task): Promise<Environment>;
  /**
   * A warning, said before a run starts, when these tasks cannot be solved on this backend (KG
   * questions about Freebase entities on the built-in graph); undefined when they can.
   */
  preflight?(tasks: readonly Task[]): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface GenerateTasksOptions {
  count: number;
  seed: number;
  /** With a model: self-instruct new tasks; only verified ones are kept. */
  model?: ChatModel;
  /** Task derivation: an existing task file (the env's format) whose material new tasks are built from. */
  source?: string;
  /** Told why each dropped proposal was dropped (a reply that is no task, a gold solution that fails). */
  onReject?: (reason: string) => void;
}

export interface EnvSpec<Task> {
  name: string;
  description: string;
  taskSchema: ZodType<Task>;
  taskId(task: Task): string;
  /** The task's natural-language text, for near-duplicate and contamination checks. */
  taskText(task: Task): string;
  /** Why a reply is not a valid action in this env's format, or undefined when it is. */
  replyProblem(reply: string): string | undefined;
  /** Loads tasks from the env's real benchmark format. */
  loadTasks(source: string, options?: LoadTasksOptions): AsyncIterable<Task>;
  generateTasks?(options: GenerateTasksOptions): AsyncIterable<Task>;
  /** Why the env cannot run on this machine (a missing tool), or undefined when it can. */
  unavailable?(): string | undefined;
  open(options?: EnvOpenOptions): Promise<EnvBackend<Task>>;
  oracle(task: Task): OracleSolver;
  /** What a correct episode must produce (gold answer, target product…), shown beside transcripts. */
  gold?(task: Task): Record<string, unknown>;
  /** Aggregate metrics over finished episodes, the env's own benchmark metrics. */
  metrics(results: readonly Trajectory[], tasks: ReadonlyMap<string, Task>): Record<string, number>;
  /** The env's actions as tools (function calling, `--action-format tools`); absent: ReAct text only. */
  actions?: readonly ActionDefinition[];
  /** The oracle of the env's function-calling protocol (agentbench-fc), which replies with calls. */
  callingOracle?(task: Task): CallingOracleSolver;
  /** Where the env sits in AgentTuning's tables: the task name there and its category. */
  benchmark: { task: string; category: "held-in" | "held-out" | "general" };
  /** The task's reported score (percent, as the paper prints it) from its metrics and rates. */
  score(metrics: Record<string, number>, rates: { successRate: number; averageReward: number }): number;
  defaults: {
    /** Most model replies per episode. */
    maxTurns: number;
    /** Most new tokens per reply (AgentTuning: 128). */
    maxTokens: number;
    /** Lowest reward a trajectory needs to be kept as training data (1 for pass/fail tasks). */
    minReward: number;
  };
}
