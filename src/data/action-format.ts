// Trajectories between the two action formats: ReAct text and function calls. An env's actions (its
// ActionDefinitions) say how a call reads as text and which text is which call; a record that cannot
// be converted says why (an env without actions, a reply with no action, several calls in one reply).
import type { Message, Trajectory } from "../core/index.js";
import {
  type ActionDefinition,
  getEnvSpec,
  messagesAsReact,
  withoutToolsNote,
  withToolsNote,
} from "../envs/index.js";

export type ActionFormat = "react" | "tools";

export type Converted = { trajectory: Trajectory } | { problem: string };

/** The env's actions, or why there are none. */
function actionsOf(env: string): readonly ActionDefinition[] | string {
  let actions: readonly ActionDefinition[] | undefined;
  try {
    actions = getEnvSpec(env).actions;
  } catch {
    return `env "${env}" is unknown here`;
  }
  return actions?.length ? actions : `${env} declares no actions as tools`;
}

/** The trajectory in `to`; unchanged when it is in that format already. */
export function convertActionFormat(trajectory: Trajectory, to: ActionFormat): Converted {
  const from: ActionFormat = trajectory.actionFormat ?? "react";
  if (from === to) return { trajectory };
  const actions = actionsOf(trajectory.env);
  if (typeof actions === "string") return { problem: `${trajectory.id}: ${actions}` };
  // a protocol's own tools (agentbench-fc) have no ReAct text in this env
  if (trajectory.tools && JSON.stringify(trajectory.tools) !== JSON.stringify(actions.map((a) => a.tool)))
    return {
      problem: `${trajectory.id}: its tools (${trajectory.tools.map((t) => t.name).join(", ")}) are not ${trajectory.env}'s actions (a --protocol agentbench-fc run?); only the env's own actions convert to ReAct text`,
    };
  return to === "react" ? toReact(trajectory, actions) : toTools(trajectory, actions);
}

/** Calls rendered as the env's action text after the reply's own text; tool results become user turns. */
function toReact(trajectory: Trajectory, actions: readonly ActionDefinition[]): Converted {
  const react = messagesAsReact(withoutToolsNote(trajectory.messages), actions);
  if ("problem" in react) return { problem: `${trajectory.id}: ${react.problem}` };
  const { actionFormat: _, tools: __, ...rest } = trajectory;
  return { trajectory: { ...rest, messages: react.messages } };
}

/** Where a reply's action text starts: what comes before is its thought. */
const actionStart = /^(?:Action|Act|ACTION|Final Answer|Find Answer)\b/m;

/** Each reply's action becomes a call (its thought the content); the observation after it, the call's result. */
function toTools(trajectory: Trajectory, actions: readonly ActionDefinition[]): Converted {
  const messages: Message[] = [];
  let pending: string | undefined;
  let calls = 0;
  for (const [i, m] of withToolsNote(trajectory.messages).entries()) {
    if (m.role === "user" && pending !== undefined) {
      messages.push({ role: "tool", toolCallId: pending, content: m.content });
      pending = undefined;
      continue;
    }
    if (m.role !== "assistant") {
      messages.push(m);
      continue;
    }
    const match = actions.flatMap((a) => {
      const args = a.fromReact(m.content);
      return args ? [{ action: a, args }] : [];
    })[0];
    if (!match) {
      // a canned acknowledgement ("Ok.") stays text; an agent turn without an action cannot be a call
      if (m.loss === false || i === 1) {
        messages.push(m);
        continue;
      }
      return { problem: `${trajectory.id}: turn ${i + 1} has no action of ${trajectory.env} in it` };
    }
    const id = `call_${calls++}`;
    const cut = actionStart.exec(m.content);
    const thought = (cut ? m.content.slice(0, cut.index) : "").trim();
    messages.push({
      ...m,
      content: thought,
      toolCalls: [{ id, name: match.action.tool.name, arguments: JSON.stringify(match.args) }],
    });
    pending = id;
  }
  return {
    trajectory: { ...trajectory, messages, actionFormat: "tools", tools: actions.map((a) => a.tool) },
  };
}
