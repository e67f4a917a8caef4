// The task sets a server answers for (`--task name=env:file`, or a YAML of them), and opening one:
// its tasks read, its backend started. Shared by the AgentBench task server and the OpenEnv server.
import { resolve } from "node:path";
import { z } from "zod";
import { InputError, readYamlConfig } from "../core/index.js";
import { type EnvBackend, type EnvSpec, getEnvSpec, protocols } from "../envs/index.js";

/** One task set: an env, its task file and how its backend is opened. */
export const servedTaskSchema = z.strictObject({
  env: z.string(),
  /** The env's task file (or a built-in set such as "agentbench-ext"). */
  tasks: z.string(),
  protocol: z.enum(protocols).optional(),
  agentbench: z.string().optional(),
  agenttuning: z.string().optional(),
  backend: z.string().optional(),
  /** os: the folder of the scripts the task file refers to. */
  scripts: z.string().optional(),
  limit: z.number().int().positive().optional(),
  /** Sessions at once (the AgentBench worker's concurrency). */
  capacity: z.number().int().positive().default(4),
});
export type ServedTask = z.infer<typeof servedTaskSchema>;
export const servedTasksSchema = z.strictObject({ tasks: z.record(z.string(), servedTaskSchema) });

/** `--task name=env:file`, e.g. dbbench-dev=db:data/dbbench/dev.jsonl. */
export function parseTaskFlag(flag: string): [string, ServedTask] {
  const match = /^([\w.-]+)=([\w-]+):(.+)$/.exec(flag);
  if (!match) throw new InputError(`--task ${flag}: expected NAME=ENV:FILE, e.g. dbbench-dev=db:dev.jsonl`);
  const [, name, env, file] = match as unknown as [string, string, string, string];
  return [name, servedTaskSchema.parse({ env, tasks: file })];
}

/** The served tasks of a YAML file (`tasks: {name: {env, tasks, …}}`), paths relative to it. */
export function loadServedTasks(file: string): Record<string, ServedTask> {
  const config = readYamlConfig(file, servedTasksSchema);
  for (const task of Object.values(config.tasks))
    for (const key of ["tasks", "agentbench", "agenttuning", "scripts"] as const) {
      const value = task[key];
      if (value && !(key === "tasks" && !/[/.]/.test(value))) task[key] = resolve(file, "..", value);
    }
  return config.tasks;
}

/** A task set opened: its env, its tasks in file order, its backend (closed by the server). */
export interface OpenTaskSet {
  name: string;
  config: ServedTask;
  // biome-ignore lint/suspicious/noExplicitAny: tasks of any env
  spec: EnvSpec<any>;
  backend: EnvBackend<unknown>;
  tasks: unknown[];
}

/** Reads a task set's tasks and opens its backend; errors name the set and its file. */
export async function openTaskSet(name: string, config: ServedTask): Promise<OpenTaskSet> {
  const spec = getEnvSpec(config.env);
  const tasks: unknown[] = [];
  for await (const task of spec.loadTasks(config.tasks, config.scripts ? { scripts: config.scripts } : {})) {
    if (config.limit !== undefined && tasks.length >= config.limit) break;
    tasks.push(task);
  }
  if (tasks.length === 0) throw new InputError(`${name}: ${config.tasks} holds no ${config.env} tasks`);
  const backend = await spec.open({
    ...(config.protocol ? { protocol: config.protocol } : {}),
    ...(config.agentbench ? { agentbench: config.agentbench } : {}),
    ...(config.agenttuning ? { agenttuning: config.agenttuning } : {}),
    ...(config.backend ? { backend: config.backend } : {}),
    taskFiles: [config.tasks],
  });
  return { name, config, spec, backend, tasks };
}
