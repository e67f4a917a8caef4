// `agenttune serve`: agenttune's envs behind AgentBench v0.2's task-controller API.
import type { Command } from "commander";
import { InputError } from "../core/index.js";
import { loadServedTasks, parseTaskFlag, type ServedTask, serveTasks } from "../server/index.js";
import { positiveInt } from "./options.js";

export function registerServe(program: Command) {
  program
    .command("serve")
    .description(
      "serve envs as AgentBench v0.2's task controller (/api), for AgentBench's assigner and clients",
    )
    .option(
      "--task <name=env:file>",
      "a task name and what it runs, e.g. dbbench-dev=db:dev.jsonl (repeatable)",
      (value: string, list: string[] = []) => [...list, value],
    )
    .option(
      "--config <file>",
      "a YAML of tasks: {tasks: {name: {env, tasks, protocol, agentbench, backend, capacity}}}",
    )
    .option("--port <n>", "port", positiveInt, 5000)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--capacity <n>", "sessions at once per --task", positiveInt, 4)
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
      const running = await serveTasks({
        tasks,
        port: opts.port,
        hostname: opts.host,
        sessionTimeoutMs: opts.sessionTimeout * 1000,
        ...(opts.out ? { out: opts.out } : {}),
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(
        `agenttune task server: ${running.url} (AgentBench v0.2 controller API) — Ctrl-C to stop\n`,
      );
    });
}
