// `agenttune serve`: agenttune's envs behind AgentBench v0.2's task-controller API, or (--openenv)
// behind OpenEnv's env-server protocol for RL trainers.
import type { Command } from "commander";
import { InputError } from "../core/index.js";
import {
  loadServedTasks,
  parseTaskFlag,
  type ServedTask,
  serveOpenEnv,
  serveTasks,
} from "../server/index.js";
import { positiveInt } from "./options.js";

export function registerServe(program: Command) {
  program
    .command("serve")
    .description(
      "serve envs as AgentBench v0.2's task controller (/api), or with --openenv as an OpenEnv server (WS /ws) for RL trainers",
    )
    .option(
      "--task <name=env:file>",
      "a task name and what it runs, e.g. dbbench-dev=db:dev.jsonl (repeatable; with --openenv, a reset's split)",
      (value: string, list: string[] = []) => [...list, value],
    )
    .option(
      "--config <file>",
      "a YAML of tasks: {tasks: {name: {env, tasks, protocol, agentbench, backend, capacity}}}",
    )
    .option("--openenv", "speak OpenEnv's protocol (WS /ws, /schema, /mcp) instead of AgentBench's")
    .option("--port <n>", "port (default 5000; 8000 with --openenv)", positiveInt)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--capacity <n>", "sessions at once per --task (AgentBench API)", positiveInt, 4)
    .option("--max-concurrent-envs <n>", "--openenv: sessions at once over all tasks", positiveInt, 64)
    .option("--protocol <protocol>", "AgentBench version the --task envs reproduce (default agentbench-old)")
    .option("--agentbench <dir>", "AgentBench checkout whose prompts the --task envs use")
    .option("--out <dir>", "append each finished sample's trajectory to <dir>/<task>/results.jsonl")
    .option(
      "--session-timeout <seconds>",
      "close a session idle this long (a client that went away)",
      positiveInt,
      600,
    )
    .action(async (opts) => {
      const tasks: Record<string, ServedTask> = opts.config ? loadServedTasks(opts.config) : {};
      for (const flag of opts.task ?? []) {
        const [name, task] = parseTaskFlag(flag);
        tasks[name] = {
          ...task,
          capacity: opts.capacity,
          ...(opts.protocol ? { protocol: opts.protocol } : {}),
          ...(opts.agentbench ? { agentbench: opts.agentbench } : {}),
        };
      }
      if (Object.keys(tasks).length === 0)
        throw new InputError("serve: pass --task NAME=ENV:FILE or --config FILE");
      const common = {
        tasks,
        hostname: opts.host,
        sessionTimeoutMs: opts.sessionTimeout * 1000,
        ...(opts.out ? { out: opts.out } : {}),
        log: (line: string) => process.stdout.write(`${line}\n`),
      };
      if (opts.openenv) {
        const running = await serveOpenEnv({
          ...common,
          port: opts.port ?? 8000,
          maxConcurrentEnvs: opts.maxConcurrentEnvs,
        });
        process.stdout.write(
          `agenttune OpenEnv server: ${running.url} (WS ${running.url.replace(/^http/, "ws")}/ws, up to ${opts.maxConcurrentEnvs} sessions) — Ctrl-C to stop\n`,
        );
        return;
      }
      const running = await serveTasks({ ...common, port: opts.port ?? 5000 });
      process.stdout.write(
        `agenttune task server: ${running.url} (AgentBench v0.2 controller API) — Ctrl-C to stop\n`,
      );
    });
}
