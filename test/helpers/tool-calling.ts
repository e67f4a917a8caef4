// A db conversation in tools mode with parallel calls (the first ran, the second was answered "not
// executed") and a final call that ends it: the case every function-calling export must carry.
import { dbActions } from "../../src/envs/db/actions.js";
import type { Conversation } from "../../src/tune/conversation.js";

export function toolCallingConversation(id = "parallel"): Conversation {
  return {
    id,
    source: "agent",
    env: "db",
    tools: dbActions.map((a) => a.tool),
    messages: [
      { role: "user", content: "How many rows has `t`?" },
      {
        role: "assistant",
        content: "Thought: count them.",
        toolCalls: [
          { id: "c1", name: "execute_sql", arguments: '{"sql": "SELECT COUNT(*) FROM t"}' },
          { id: "c2", name: "execute_sql", arguments: '{"sql": "SELECT 1"}' },
        ],
      },
      { role: "tool", content: "[(3,)]", toolCallId: "c1" },
      { role: "tool", content: "not executed", toolCallId: "c2" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "c3", name: "commit_final_answer", arguments: '{"answers": ["3"]}' }],
      },
    ],
  };
}
