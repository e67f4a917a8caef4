// Test helper: a tiny env whose task is to reply with a secret word; the reply's text drives each outcome.
import { z } from "zod";
import { EnvError } from "../core/index.js";
import type { EnvSpec } from "../envs/index.js";

const echoTaskSchema = z.object({ id: z.string(), secret: z.string() });
export type EchoTask = z.infer<typeof echoTaskSchema>;

export const echoSpec: EnvSpec<EchoTask> = {
  name: "echo",
  description: "say the secret word",
  taskSchema: echoTaskSchema,
  taskId: (task) => task.id,
  taskText: (task) => `Say the secret of task ${task.id}`,
  replyProblem: (reply) => (/^(guess: \w+|look|crash)$/.test(reply) ? undefined : "not guess/look"),
  async *loadTasks() {},
  async open() {
    return {
      name: "memory",
      async create(task) {
        if (task.secret === "broken-env") throw new EnvError("backend down");
        return {
          reset: async () => ({
            messages: [
              { role: "user", content: "Say the secret. Reply 'guess: WORD' or 'look'." },
              { role: "assistant", content: "Ok.", loss: false },
              { role: "user", content: `Task ${task.id}` },
            ],
          }),
          async step(action) {
            if (action === "look")
              return { observation: `the secret has ${task.secret.length} letters`, reward: 0, done: false };
            if (action === "crash") throw new Error("step crashed");
            const guess = /^guess: (\w+)$/.exec(action);
            if (!guess) return { observation: "", reward: 0, done: true, failure: "invalid_format" };
            return { observation: "", reward: guess[1] === task.secret ? 1 : 0, done: true };
          },
          close: async () => {},
        };
      },
      close: async () => {},
    };
  },
  oracle: (task) => ({ reply: () => `guess: ${task.secret}` }),
  benchmark: { task: "Echo", category: "held-out" },
  score: (_metrics, { successRate }) => 100 * successRate,
  metrics: (results) => ({ accuracy: results.filter((r) => r.success).length / Math.max(1, results.length) }),
  defaults: { maxTurns: 4, maxTokens: 32, minReward: 1 },
};
