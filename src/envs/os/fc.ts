// os_interaction in AgentBench's function-calling protocol (main branch,
// src/server/tasks/os_interaction/task.py): a system prompt and the problem, then up to 8 rounds in
// which the reply's first call runs (bash_action) or commits (answer_action, finish_action).
import type { Message, StepResult } from "../../core/index.js";
import { type FcTexts, pythonStrOf, readCallArguments } from "../lib/agentbench/fc.js";
import { type Sandbox, ShellExited } from "../lib/sandbox/sandbox.js";
import type { CallingOracleSolver, CallingReply, CallingStepResult, Environment } from "../types.js";
import { agentBenchOutput, agentBenchWait, judgeOsAnswer } from "./env.js";
import { exampleScript, shownOutput } from "./oracle.js";
import { osObservation } from "./prompt.js";
import type { OsTask } from "./tasks.js";

const invalidCall = "Invalid function call. Please call a tool instead";

export class OsCallingEnvironment implements Environment {
  constructor(
    private readonly task: OsTask,
    private readonly sandbox: Sandbox,
    private readonly texts: FcTexts,
  ) {}

  async reset(): Promise<{ messages: Message[]; finished?: StepResult }> {
    const messages: Message[] = [
      { role: "system", content: this.texts.system },
      {
        role: "user",
        content: `Now, I will start a new problem in a new OS. My problem is:\n\n${this.task.description}`,
      },
    ];
    // _setup_execution_environment: a failing init or start script ends the sample before the agent
    for (const script of this.task.init) {
      const run = await this.sandbox.runScript(script.language, script.code);
      if (run.exitCode !== 0)
        return { messages, finished: setupFailed(`init script exited ${run.exitCode}`) };
    }
    if (this.task.start) {
      const start = await this.sandbox.run(this.task.start.code, this.runOptions());
      if (start.exitCode !== 0)
        return { messages, finished: setupFailed(`start script exited ${start.exitCode}`) };
    }
    return { messages };
  }

  async step(): Promise<never> {
    throw new Error("os_interaction (agentbench-fc) acts on tool calls: use stepCalls");
  }

  async stepCalls({ toolCalls }: CallingReply): Promise<CallingStepResult> {
    const call = toolCalls[0];
    // _handle_agent_action: no call is a user turn; only the first call of a reply is read
    if (!call)
      return {
        messages: [{ role: "user", content: "No executable tool calls found. Please call a tool instead" }],
        done: false,
        reward: 0,
      };
    const answer = (content: string): CallingStepResult => ({
      messages: [{ role: "tool", toolCallId: call.id, content }],
      done: false,
      reward: 0,
    });
    const read = readCallArguments(call.arguments);
    if (!read.ok && read.stage === "json") return answer(read.error);
    // list(arguments.values()): a JSON value that is no object raises outside the handler (TASK_ERROR)
    if (!read.ok)
      return {
        messages: [],
        done: true,
        reward: 0,
        failure: "invalid_format",
        info: { reason: "arguments are no JSON object" },
      };
    const { args, values } = read;
    const thought = args.thought;
    if (call.name === "bash_action" || call.name === "answer_action") {
      // arguments[0] of an empty object raises outside the handler as well
      if (values.length === 0)
        return {
          messages: [],
          done: true,
          reward: 0,
          failure: "invalid_format",
          info: { reason: `${call.name} without arguments` },
        };
    }
    if (call.name === "bash_action") {
      const output = await this.bash(values[0]);
      // `exit`, `kill -9 $$`: the agent ended its own machine; the episode fails, the run goes on
      if (output === undefined)
        return {
          messages: [],
          done: true,
          reward: 0,
          failure: "invalid_action",
          info: { reason: "the shell exited" },
        };
      return answer(output);
    }
    if (call.name === "answer_action" || call.name === "finish_action") {
      const given = call.name === "answer_action" ? values[0] : values.length ? values[0] : null;
      return { messages: [], done: true, ...(await this.judge(given, thought)) };
    }
    return answer(invalidCall);
  }

  private async bash(script: unknown): Promise<string | undefined> {
    if (typeof script !== "string") return "The output of the OS is empty.";
    try {
      const result = await this.sandbox.run(script, this.runOptions());
      return osObservation(agentBenchOutput(result.output, "agentbench-fc"));
    } catch (error) {
      if (!(error instanceof ShellExited)) throw error;
      return undefined;
    }
  }

  /** _evaluate_answer: a match compares strings only; the checks get str(answer). */
  private async judge(
    given: unknown,
    thought: unknown,
  ): Promise<{ reward: number; info: Record<string, unknown> }> {
    const info = { answer: given ?? null, ...(thought !== undefined ? { thought } : {}) };
    if (this.task.match && typeof given !== "string")
      return { reward: 0, info: { ...info, detail: "not a string" } };
    const text = typeof given === "string" ? given : given === null ? undefined : pythonStrOf(given);
    const verdict = await judgeOsAnswer(this.task, this.sandbox, text);
    return { reward: verdict.pass ? 1 : 0, info: { ...info, detail: verdict.detail } };
  }

  private runOptions() {
    return { agentbench: agentBenchWait["agentbench-fc"], raw: true };
  }

  async close() {
    await this.sandbox.close();
  }
}

function setupFailed(reason: string): StepResult {
  return { observation: "", reward: 0, done: true, failure: "env_error", info: { reason } };
}

/** The oracle: the example script through bash_action, then its output (or the match) through answer_action. */
export function osCallingOracle(task: OsTask): CallingOracleSolver {
  return {
    reply(messages) {
      if (task.match?.answer !== undefined)
        return { calls: [{ name: "answer_action", arguments: { answer: task.match.answer } }] };
      const ran = messages.some((m) => m.toolCalls?.some((c) => c.name === "bash_action"));
      if (!ran && task.example)
        return { calls: [{ name: "bash_action", arguments: { script: exampleScript(task.example) } }] };
      const answer = shownOutput(messages.at(-1)?.content ?? "");
      return { calls: [{ name: "answer_action", arguments: { answer } }] };
    },
  };
}
