// The os_interaction oracle: runs the task's example script through `Act: bash` and answers with its
// output, or answers the match directly.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import type { OsTask } from "./tasks.js";

/**
 * The task's example as one bash command that runs it as the judge does for the expected answer (one
 * `bash -c` or `python3 -c` process, stdin /dev/null): what it counts or prints is then the same there,
 * e.g. its own process in a process count, or no warning from tools that warn only on a terminal.
 */
export function exampleScript(example: NonNullable<OsTask["example"]>): string {
  const program = example.language === "python" ? "python3" : "bash";
  const code = example.code.replace(/\n+$/, "");
  return `${program} -c "$(cat <<'AGENTTUNE_EOF'\n${code}\nAGENTTUNE_EOF\n)" </dev/null`;
}

/** The command output an observation shows, trimmed ("" for an empty output). */
export function shownOutput(observation: string): string {
  const prefix = "The output of the OS:\n\n";
  return observation.startsWith(prefix) ? observation.slice(prefix.length).trim() : "";
}

export function osOracle(task: OsTask): OracleSolver {
  return {
    reply(messages: readonly Message[]): string {
      if (task.match?.answer !== undefined) return `Act: answer(${task.match.answer})`;
      const ran = messages.filter((m) => m.role === "assistant" && m.loss !== false).length > 0;
      if (!ran && task.example) return `Act: bash\n\n\`\`\`bash\n${exampleScript(task.example)}\n\`\`\``;
      return `Act: answer(${shownOutput(messages.at(-1)?.content ?? "")})`;
    },
  };
}
