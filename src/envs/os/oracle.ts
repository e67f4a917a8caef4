// The os_interaction oracle: runs the task's example script through `Act: bash` and answers with its
// output, or answers the match directly.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import type { OsTask } from "./tasks.js";

export function osOracle(task: OsTask): OracleSolver {
  return {
    reply(messages: readonly Message[]): string {
      if (task.match?.answer !== undefined) return `Act: answer(${task.match.answer})`;
      const ran = messages.filter((m) => m.role === "assistant" && m.loss !== false).length > 0;
      if (!ran && task.example) {
        // a non-bash example runs as its own program, written to a file first
        const code =
          task.example.language === "bash"
            ? task.example.code
            : `cat > /tmp/.oracle-example <<'AGENTTUNE_EOF'\n${task.example.code}\nAGENTTUNE_EOF\n${task.example.language === "python" ? "python3" : "bash"} /tmp/.oracle-example`;
        return `Act: bash\n\n\`\`\`bash\n${code.replace(/\n+$/, "")}\n\`\`\``;
      }
      const observation = messages.at(-1)?.content ?? "";
      const output = observation.startsWith("The output of the OS:\n\n")
        ? observation.slice("The output of the OS:\n\n".length)
        : "";
      return `Act: answer(${output.trim()})`;
    },
  };
}
