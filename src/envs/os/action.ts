// Parses an os_interaction reply as AgentBench does: the last recognised "Act:" line wins; bash runs
// every ```bash block joined by a blank line; answer(...) takes the text between the first "(" and the
// last ")".
export type OsAction =
  | { kind: "bash"; code: string }
  | { kind: "commit"; answer?: string }
  | { kind: "invalid"; label: "invalid_format" | "invalid_action"; reason: string };

export function parseOsAction(reply: string): OsAction {
  const acts = [...reply.matchAll(/Act:\s*(.+)/g)].map((m) => m[1] ?? "");
  if (acts.length === 0) return { kind: "invalid", label: "invalid_format", reason: 'no "Act:" line' };
  for (const act of acts.reverse()) {
    const lower = act.toLowerCase();
    if (lower.startsWith("bash")) {
      const blocks = [...reply.matchAll(/```bash\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "");
      return { kind: "bash", code: blocks.join("\n\n") };
    }
    if (lower.startsWith("finish")) return { kind: "commit" };
    if (lower.startsWith("answer")) {
      const content = act.slice(6).trim();
      const open = content.indexOf("(");
      const close = content.lastIndexOf(")");
      if (open === -1 || close === -1) continue;
      return { kind: "commit", answer: content.slice(open + 1, close) };
    }
  }
  return {
    kind: "invalid",
    label: "invalid_action",
    reason: `no bash, finish or answer(...) action in: ${acts.at(-1)}`,
  };
}
