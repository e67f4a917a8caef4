// One loss policy for every target: which assistant turns are trained.
import type { Message } from "../core/index.js";
import { InputError } from "../core/index.js";

/** all-assistant: every assistant turn; last-turn: only the last; per-turn: each turn's `loss` flag. */
export const lossPolicies = ["all-assistant", "last-turn", "per-turn"] as const;
export type LossPolicy = (typeof lossPolicies)[number];

export function parseLossPolicy(text: string): LossPolicy {
  if (!(lossPolicies as readonly string[]).includes(text)) {
    throw new InputError(`--loss "${text}": expected one of ${lossPolicies.join(", ")}`);
  }
  return text as LossPolicy;
}

/** Whether each message is trained under the policy (false for every non-assistant turn). */
export function trainedTurns(messages: readonly Message[], policy: LossPolicy): boolean[] {
  const lastAssistant = messages.map((m) => m.role).lastIndexOf("assistant");
  return messages.map((m, i) => {
    if (m.role !== "assistant") return false;
    if (policy === "all-assistant") return true;
    if (policy === "last-turn") return i === lastAssistant;
    return m.loss !== false;
  });
}
