// One HumanEval problem: one reply, its program run by python3 in the os sandbox's clean image (no
// network, its own tmpfs, 3 s), passed when it exits 0.
import type { Message, StepResult } from "../../core/index.js";
import type { Sandbox } from "../lib/sandbox/sandbox.js";
import type { Environment } from "../types.js";
import { checkProgram, completionOf } from "./program.js";
import type { HumanevalTask } from "./tasks.js";

/** execution.py's timeout. */
export const programTimeoutMs = 3000;
/** The assumed wrapper (AgentTuning publishes none for HumanEval): Llama-2's short system message. */
export const humanevalSystem = "You are a helpful, respectful and honest assistant.";

export function humanevalMessages(task: HumanevalTask): Message[] {
  return [
    { role: "system", content: humanevalSystem },
    {
      role: "user",
      content: `Complete the following Python function. Answer with the whole function in a \`\`\`python code block.\n\n\`\`\`python\n${task.prompt}\`\`\``,
    },
  ];
}

export class HumanevalEnvironment implements Environment {
  constructor(
    private readonly task: HumanevalTask,
    private readonly sandbox: () => Promise<Sandbox>,
  ) {}

  async reset(): Promise<{ messages: Message[] }> {
    return { messages: humanevalMessages(this.task) };
  }

  async step(reply: string): Promise<StepResult> {
    const program = checkProgram(this.task, completionOf(reply));
    const sandbox = await this.sandbox();
    try {
      const run = await sandbox.runScript("python", program, [], { timeoutMs: programTimeoutMs });
      const passed = !run.timedOut && run.exitCode === 0;
      // the sandbox's job runner limits time with GNU timeout: 124 (or 137 after its -k) is the limit
      const timedOut = run.timedOut || run.exitCode === 124 || run.exitCode === 137;
      const tail = run.output.trim().split("\n").slice(-3).join("\n");
      return {
        observation: "",
        reward: passed ? 1 : 0,
        done: true,
        ...(passed ? {} : { failure: "wrong_answer" as const }),
        info: {
          passed,
          result: passed ? "passed" : timedOut ? "timed out" : `failed: ${tail || `exit ${run.exitCode}`}`,
        },
      };
    } finally {
      await sandbox.close();
    }
  }

  async close(): Promise<void> {}
}
