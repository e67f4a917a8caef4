// Rule-based failure analysis (as in the paper's error analysis): one kind per failed episode, with
// repetition (the same reply n times in a row) found in the conversation itself.
import type { FailureLabel, Trajectory } from "../core/index.js";

export type FailureKind = FailureLabel | "repetition";

export const failureKinds: readonly FailureKind[] = [
  "invalid_format",
  "invalid_action",
  "repetition",
  "round_limit",
  "context_limit",
  "wrong_answer",
  "model_error",
  "env_error",
];

/** The failure kind of an episode, undefined when it succeeded. */
export function analyzeFailure(
  trajectory: Pick<Trajectory, "success" | "failure" | "messages">,
  { repeats = 3 } = {},
): FailureKind | undefined {
  if (trajectory.success) return undefined;
  // looping on one reply is the cause, whatever ended the episode (usually the round limit)
  let run = 0;
  let previous: string | undefined;
  for (const message of trajectory.messages) {
    if (message.role !== "assistant" || message.loss === false) continue;
    const reply = message.content.trim();
    run = reply === previous ? run + 1 : 1;
    previous = reply;
    if (run >= repeats) return "repetition";
  }
  return trajectory.failure ?? "wrong_answer";
}
