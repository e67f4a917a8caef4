// One os_interaction episode: init scripts and the start script in a fresh sandbox, bash actions in the
// agent's persistent shell, then the match or the checks (run in that same sandbox).
import type { Message, StepResult } from "../../core/index.js";
import { pythonRegex } from "../lib/python-regex.js";
import { type RunOptions, type Sandbox, ShellExited } from "../lib/sandbox/sandbox.js";
import { defaultProtocol, type Environment, type Protocol } from "../types.js";
import { parseOsAction } from "./action.js";
import { type OsTexts, osMessages, osObservation } from "./prompt.js";
import type { OsTask } from "./tasks.js";

export const defaultOsRoundLimit = 8;

/** Judges an answer as AgentBench does: match (strip, then equal or regex) or every check exits 0. */
export async function judgeOsAnswer(
  task: OsTask,
  sandbox: Sandbox,
  answer: string | undefined,
): Promise<{ pass: boolean; detail: string }> {
  if (task.match) {
    const given = answer === undefined ? undefined : task.match.strip ? answer.trim() : answer;
    if (given === undefined) return { pass: false, detail: "no answer" };
    if (task.match.answer !== undefined)
      return { pass: given === task.match.answer, detail: `expected ${JSON.stringify(task.match.answer)}` };
    if (task.match.regex !== undefined)
      // AgentBench: re.search(regex, answer), Python's syntax (os_interaction/task.py)
      return { pass: pythonRegex(task.match.regex).test(given), detail: `regex ${task.match.regex}` };
    return { pass: false, detail: "match without answer or regex" };
  }
  const params = [String(answer ?? "None")];
  for (const [i, script] of (task.check ?? []).entries()) {
    const run = script ?? task.example;
    if (!run) return { pass: false, detail: `check ${i}: null check without an example` };
    // in the trusted view: the image's own tools, every agent process stopped
    const result = await sandbox.runScript(run.language, run.code, params, { judge: true });
    if (result.exitCode !== 0)
      return { pass: false, detail: `check ${i} exited ${result.exitCode ?? "(timeout)"}` };
    params.push(result.output);
  }
  return { pass: true, detail: "all checks passed" };
}

export class OsEnvironment implements Environment {
  private rounds = 0;

  constructor(
    private readonly task: OsTask,
    private readonly sandbox: Sandbox,
    private readonly roundLimit = defaultOsRoundLimit,
    /** agenttune's interrupting rule when set; AgentBench's waiting rule otherwise. */
    private readonly actionTimeoutMs: number | undefined = undefined,
    private readonly protocol: Protocol = defaultProtocol,
    private readonly texts?: OsTexts,
  ) {}

  async reset(): Promise<{ messages: Message[]; finished?: StepResult }> {
    const messages = osMessages(this.task, this.texts);
    for (const script of this.task.init) {
      const run = await this.sandbox.runScript(script.language, script.code);
      // agentbench-old ignores init exit codes (AgentBench.old os_interaction/task.py:385-387); v0.2
      // fails the sample before the agent sees it (v0.2 task.py:409-416)
      if (run.exitCode !== 0 && this.protocol === "agentbench-v0.2")
        return { messages, finished: initFailed(`init script exited ${run.exitCode}`, run.output) };
    }
    if (this.task.start) {
      const start = await this.sandbox.run(this.task.start.code, this.runOptions());
      if (start.exitCode !== 0 && this.protocol === "agentbench-v0.2")
        return { messages, finished: initFailed(`start script exited ${start.exitCode}`, start.output) };
    }
    return { messages };
  }

  async step(reply: string): Promise<StepResult> {
    this.rounds++;
    const action = parseOsAction(reply);
    if (action.kind === "invalid")
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: action.label,
        info: { reason: action.reason },
      };
    if (action.kind === "commit") {
      const verdict = await judgeOsAnswer(this.task, this.sandbox, action.answer);
      return {
        observation: "",
        reward: verdict.pass ? 1 : 0,
        done: true,
        info: { answer: action.answer ?? null, detail: verdict.detail },
      };
    }
    if (this.rounds >= this.roundLimit)
      return { observation: "", reward: 0, done: true, failure: "round_limit" };
    let result: Awaited<ReturnType<Sandbox["run"]>>;
    try {
      result = await this.sandbox.run(action.code, this.runOptions());
    } catch (error) {
      if (!(error instanceof ShellExited)) throw error;
      // `exit`, `kill -9 $$`: the agent ended its own machine; the episode fails, the run goes on
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "invalid_action",
        info: { reason: error.message },
      };
    }
    if (this.actionTimeoutMs === undefined)
      return {
        observation: osObservation(agentBenchOutput(result.output, this.protocol)),
        reward: 0,
        done: false,
      };
    const note = result.timedOut
      ? `${result.output ? "\n" : ""}[the command did not finish within ${this.actionTimeoutMs / 1000} s and was interrupted]`
      : "";
    return { observation: osObservation(result.output + note), reward: 0, done: false };
  }

  private runOptions(): RunOptions {
    if (this.actionTimeoutMs !== undefined) return { timeoutMs: this.actionTimeoutMs };
    return { agentbench: agentBenchWait[this.protocol], raw: true };
  }

  async close() {
    await this.sandbox.close();
  }
}

/**
 * AgentBench's waiting rule: 5 s without output ends the read (the socket timeout, task.py:39); v0.2
 * also stops after 30 s in all (v0.2 task.py:67-73). AgentBench.old has no such cap and would read a
 * never-ending output forever; agenttune stops at 60 s.
 */
export const agentBenchWait: Record<Protocol, { idleMs: number; capMs: number }> = {
  "agentbench-old": { idleMs: 5_000, capMs: 60_000 },
  "agentbench-v0.2": { idleMs: 5_000, capMs: 30_000 },
  // the main branch reads through agentrl's controller, whose rule is not in AgentBench: v0.2's is kept
  "agentbench-fc": { idleMs: 5_000, capMs: 30_000 },
};

/**
 * The terminal's output as each AgentBench shows it: AgentBench.old as read from the tty (CRLF,
 * escapes); v0.2 without CSI, title and bracketed-paste sequences (v0.2 task.py:92-99).
 */
export function agentBenchOutput(raw: string, protocol: Protocol): string {
  if (protocol === "agentbench-old") return raw;
  // the main branch also drops a shell prompt after an escape (os_interaction/task.py Container.execute)
  const text =
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
    protocol === "agentbench-fc" ? raw.replace(/\x1b.+@.+[#|$] /g, "") : raw;
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
      .replace(/\x1b\[[0-9;]*[a-zA-Z]/g, "")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
      .replace(/\x1b\][0-9]*;[^\x07]*\x07/g, "")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
      .replace(/\x1b\[\?2004[hl]/g, "")
  );
}

function initFailed(reason: string, output: string): StepResult {
  return {
    observation: "",
    reward: 0,
    done: true,
    failure: "env_error",
    info: { reason, output: output.slice(0, 800) },
  };
}
