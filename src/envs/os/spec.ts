// The os environment (AgentBench os_interaction): tasks, the sandbox, oracle, metrics and generator.

import { EnvError } from "../../core/index.js";
import { checkoutFor, osTexts, textsFromCheckout } from "../lib/agentbench/checkout.js";
import { fcTexts } from "../lib/agentbench/fc.js";
import { cachedOsImage, importOsImage, type OsImage } from "../lib/sandbox/image.js";
import { poolSizeFromEnv, SandboxPool } from "../lib/sandbox/pool.js";
import { Sandbox, sandboxIsolation, sandboxProblem } from "../lib/sandbox/sandbox.js";
import type { EnvSpec } from "../types.js";
import { parseOsAction } from "./action.js";
import { osActions } from "./actions.js";
import { defaultOsRoundLimit, OsEnvironment } from "./env.js";
import { OsCallingEnvironment, osCallingOracle } from "./fc.js";
import { generateOsTasks } from "./generate.js";
import { osOracle } from "./oracle.js";
import { loadOsTasks, type OsTask, osTaskSchema } from "./tasks.js";

const noticed = new Set<string>();
function notice(line: string) {
  if (noticed.has(line)) return;
  noticed.add(line);
  process.stderr.write(`${line}\n`);
}

/**
 * `--backend` for os: unset or "bwrap" (the cached clean image, else the host view), "host" (the host's
 * system dirs read-only), or "image:PATH" (a root filesystem dir or tar, e.g. from `docker export`).
 */
async function openImage(backend: string | undefined): Promise<OsImage | undefined> {
  if (backend === "host") return undefined;
  if (backend?.startsWith("image:")) return importOsImage(backend.slice("image:".length), { log: notice });
  if (backend && backend !== "bwrap")
    throw new EnvError(`os: backend "${backend}": use bwrap (default), host or image:PATH`);
  const image = cachedOsImage();
  if (!image)
    notice(
      "os: no clean image built yet, so episodes see the host's system dirs read-only (tasks that install, add users or write to /usr, /etc or /var fail as they would not in AgentBench's container); build it once with `agenttune os image` (about a minute, needs Debian's mirror)",
    );
  return image;
}

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
  async open({ backend, roundLimit, actionTimeoutMs, protocol, agentbench } = {}) {
    const calling =
      protocol === "agentbench-fc"
        ? fcTexts("os_interaction", checkoutFor({ agentbench, protocol }))
        : undefined;
    const texts = calling ? undefined : textsFromCheckout({ agentbench, protocol }, osTexts);
    const problem = sandboxProblem();
    if (problem) throw new EnvError(`os sandbox: ${problem}`);
    const image = await openImage(backend ?? process.env.AGENTTUNE_OS_IMAGE);
    const isolation = sandboxIsolation();
    if (isolation.warning) notice(isolation.warning);
    const name = image ? `bwrap image ${image.manifest.key}` : "bwrap host-view";
    const pool = new SandboxPool({ image }, poolSizeFromEnv());
    const close = async () => {
      await pool.close();
      await Sandbox.settled();
    };
    if (calling)
      return {
        name,
        ...(calling.fromCheckout ? { prompts: agentbench } : {}),
        tools: calling.tools,
        maxTurns: roundLimit ?? calling.rounds,
        create: async (task) => new OsCallingEnvironment(task, await pool.acquire(), calling),
        close,
      };
    return {
      name,
      ...(texts ? { prompts: agentbench } : {}),
      maxTurns: roundLimit ?? defaultOsRoundLimit,
      create: async (task) =>
        new OsEnvironment(
          task,
          await pool.acquire(),
          roundLimit ?? defaultOsRoundLimit,
          actionTimeoutMs,
          protocol,
          texts,
        ),
      close,
    };
  },
  actions: osActions,
  oracle: osOracle,
  callingOracle: osCallingOracle,
  gold: (task) => ({
    ...(task.match ? { match: task.match } : {}),
    ...(task.check
      ? { check: task.check.map((c) => (c ? `${c.language}: ${c.code.slice(0, 400)}` : "(example script)")) }
      : {}),
    ...(task.example ? { example: `${task.example.language}: ${task.example.code.slice(0, 400)}` } : {}),
  }),
  metrics: (results) => ({
    accuracy: results.length ? results.filter((r) => r.success).length / results.length : 0,
    avg_rounds: results.length ? results.reduce((n, r) => n + r.turns, 0) / results.length : 0,
  }),
  benchmark: { task: "OS", category: "held-in" },
  score: (_metrics, { successRate }) => 100 * successRate,
  defaults: { maxTurns: defaultOsRoundLimit, maxTokens: 512, minReward: 1 },
};
