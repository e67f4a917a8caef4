// The humaneval environment (general): OpenAI's HumanEval, each completion's program run by python3 in
// the os sandbox's clean image, scored pass@1 (and pass@k with --samples n), as human-eval computes it.
import { cachedOsImage, type OsImage } from "../lib/sandbox/image.js";
import { Sandbox, sandboxProblem } from "../lib/sandbox/sandbox.js";
import type { EnvSpec } from "../types.js";
import { HumanevalEnvironment } from "./env.js";
import { passAtK } from "./program.js";
import { type HumanevalTask, humanevalTaskSchema, loadHumanevalTasks } from "./tasks.js";

export const humanevalSpec: EnvSpec<HumanevalTask> = {
  name: "humaneval",
  description: "HumanEval Python problems, each program run in the os sandbox, scored pass@k",
  taskSchema: humanevalTaskSchema,
  taskId: (task) => task.task_id,
  taskText: (task) => task.prompt,
  replyProblem: (reply) => (reply.trim() ? undefined : "an empty reply"),
  loadTasks: (file) => loadHumanevalTasks(file),
  unavailable: () => sandboxProblem(),
  async open() {
    const image: OsImage | undefined = cachedOsImage();
    return {
      name: image
        ? "python3 in the os sandbox (clean image)"
        : "python3 in the os sandbox (host system, read-only)",
      // a sandbox per program, so one problem's files and processes never meet the next
      create: async (task) =>
        new HumanevalEnvironment(task, () => Sandbox.create({ image, memoryMb: 512, maxProcesses: 64 })),
      close: async () => {},
    };
  },
  oracle: (task) => ({ reply: () => `\`\`\`python\n${task.prompt}${task.canonical_solution}\`\`\`` }),
  gold: (task) => ({ canonical_solution: task.canonical_solution }),
  benchmark: { task: "HumanEval", category: "general" },
  score: (metrics) => metrics["pass@1"] ?? 0,
  metrics: (results) => {
    const byTask = new Map<string, { n: number; c: number }>();
    for (const r of results) {
      const entry = byTask.get(r.taskId) ?? { n: 0, c: 0 };
      entry.n++;
      if (r.info?.passed === true) entry.c++;
      byTask.set(r.taskId, entry);
    }
    const counts = [...byTask.values()];
    const metrics: Record<string, number> = { problems: counts.length };
    const fewest = Math.min(...counts.map((t) => t.n));
    for (const k of [1, 10, 100])
      if (counts.length && fewest >= k)
        metrics[`pass@${k}`] =
          (100 * counts.reduce((sum, t) => sum + passAtK(t.n, t.c, k), 0)) / counts.length;
    return metrics;
  },
  // one completion per problem; greedy unless --temperature
  defaults: { maxTurns: 1, maxTokens: 512, minReward: 1 },
};
