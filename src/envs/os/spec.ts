// The os environment (AgentBench os_interaction): tasks, the sandbox, oracle, metrics and generator.
import type { EnvSpec } from "../types.js";
import { parseOsAction } from "./action.js";
import { defaultOsRoundLimit, OsEnvironment } from "./env.js";
import { generateOsTasks } from "./generate.js";
import { osOracle } from "./oracle.js";
import { Sandbox, sandboxProblem } from "./sandbox.js";
import { loadOsTasks, type OsTask, osTaskSchema } from "./tasks.js";

export const osSpec: EnvSpec<OsTask> = {
  name: "os",
  description: "AgentBench os_interaction: answer questions about, or change, a Linux system through bash",
  taskSchema: osTaskSchema,
  taskId: (task) => task.id,
  taskText: (task) => task.description,
  replyProblem: (reply) => {
    const action = parseOsAction(reply);
    return action.kind === "invalid" ? action.reason : undefined;
  },
  loadTasks: (source, options) => loadOsTasks(source, options?.scripts),
  generateTasks: generateOsTasks,
  unavailable: sandboxProblem,
  async open({ backend, roundLimit = defaultOsRoundLimit } = {}) {
    if (backend && backend !== "bwrap") throw new Error(`os: backend "${backend}": only bwrap is built in`);
    const problem = sandboxProblem();
    if (problem) throw new Error(`os sandbox: ${problem}`);
    return {
      name: "bwrap",
      maxTurns: roundLimit,
      create: async (task) => new OsEnvironment(task, await Sandbox.create(), roundLimit),
      close: async () => {},
    };
  },
  oracle: osOracle,
  metrics: (results) => ({
    accuracy: results.length ? results.filter((r) => r.success).length / results.length : 0,
    avg_rounds: results.length ? results.reduce((n, r) => n + r.turns, 0) / results.length : 0,
  }),
  benchmark: { task: "OS", category: "held-in" },
  score: (_metrics, { successRate }) => 100 * successRate,
  defaults: { maxTurns: defaultOsRoundLimit, maxTokens: 512, minReward: 1 },
};
