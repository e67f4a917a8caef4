// The program human-eval checks (execution.py check_program): prompt + completion + "\n" + test +
// "\n" + "check(entry_point)"; it passes when it runs to the end within the time limit. A chat model
// usually answers with a fenced block holding the whole function: the block is the completion (a
// whole function redefines the prompt's stub, which Python allows).
import type { HumanevalTask } from "./tasks.js";

/** The completion in a reply: its first fenced code block, else the reply itself. */
export function completionOf(reply: string): string {
  const fenced = /```[^\n]*\n([\s\S]*?)```/.exec(reply);
  return fenced ? (fenced[1] as string) : reply;
}

export function checkProgram(task: HumanevalTask, completion: string): string {
  return `${task.prompt}${completion}\n${task.test}\ncheck(${task.entry_point})`;
}

/**
 * pass@k's unbiased estimator (Chen et al. 2021; human-eval's estimate_pass_at_k): 1 − C(n−c, k)/C(n, k),
 * computed as a product to stay exact for large n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}
