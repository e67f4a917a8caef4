// The os_interaction oracle: runs the task's example script through `Act: bash` and answers with its
// output, or answers the match directly.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import type { OsTask } from "./tasks.js";

/** The task's example as one bash script: a non-bash example runs as its own program, written to a file first. */
export function exampleScript(example: NonNullable<OsTask["example"]>): string {
  const code =
    example.language === "bash"
      ? example.code
      : `cat > /tmp/.oracle-example <<'AGENTTUNE_EOF'\n${example.code}\nAGENTTUNE_EOF\n${example.language === "python" ? "python3" : "bash"} /tmp/.oracle-example`;
  return code.replace(/\n+$/, "");
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
