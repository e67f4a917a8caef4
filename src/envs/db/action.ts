// Parses a dbbench reply the way AgentBench does: "Action: X" line, first ```sql block, "Final Answer:".

export type DbAction =
  | { kind: "operation"; sql: string }
  | { kind: "answer"; answer: string }
  | { kind: "invalid"; reason: string };

export function parseDbAction(reply: string): DbAction {
  const action = /Action: (.*?)\n/.exec(reply);
  if (action?.[1] === "Operation") {
    const block = /```sql\n([\s\S]*?)\n```/.exec(reply);
    if (!block) return { kind: "invalid", reason: "Action: Operation without a ```sql block" };
    // AgentBench runs the block on one line
    return { kind: "operation", sql: (block[1] ?? "").trim().replaceAll("\n", " ") };
  }
  const answer = /\nFinal Answer:(.*)/.exec(reply);
  if (!answer) return { kind: "invalid", reason: 'no "Action: Operation" with sql and no "Final Answer:"' };
  return { kind: "answer", answer: answer[1] ?? "" };
}
