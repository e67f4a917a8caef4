// The db environment (AgentBench dbbench): tasks, backends, oracle, metrics and generator in one spec.

import { InputError } from "../../core/index.js";
import { checkoutFor, dbbenchTexts, textsFromCheckout } from "../lib/agentbench/checkout.js";
import { fcTexts } from "../lib/agentbench/fc.js";
import { defaultProtocol, type EnvSpec } from "../types.js";
import { parseDbAction } from "./action.js";
import { dbActions } from "./actions.js";
import { DbEnvironment, defaultRoundLimit } from "./env.js";
import { DbCallingEnvironment, dbCallingOracle } from "./fc.js";
import { generateDbTasks } from "./generate.js";
import { dbMetrics } from "./metrics.js";
import { createMysqlBackend } from "./mysql-backend.js";
import { dbOracle } from "./oracle.js";
import type { SqlBackend } from "./sql-backend.js";
import { createSqliteBackend } from "./sqlite-backend.js";
import { type DbTask, dbTaskSchema, loadDbTasks } from "./tasks.js";

/**
 * "sqlite" (default), "sqlite-worker" (every statement in a worker process, none on the run's thread),
 * "mariadb" (start a private mariadbd) or a mysql:// URL.
 */
export async function openSqlBackend(backend = "sqlite"): Promise<SqlBackend> {
  if (backend === "sqlite") return createSqliteBackend();
  if (backend === "sqlite-worker") return createSqliteBackend({ inThread: false });
  if (backend === "mariadb" || backend === "mysql") return createMysqlBackend();
  if (/^(mysql|mariadb):\/\//.test(backend))
    return createMysqlBackend(backend.replace(/^mariadb:/, "mysql:"));
  throw new InputError(
    `--backend "${backend}": expected sqlite, sqlite-worker, mariadb or a mysql://user:pass@host:port URL`,
  );
}

export const dbSpec: EnvSpec<DbTask> = {
  name: "db",
  description: "AgentBench dbbench: answer questions about, or modify, a MySQL table through SQL",
  taskSchema: dbTaskSchema,
  taskId: (task) => task.id ?? "",
  taskText: (task) => task.description,
  replyProblem: (reply) => {
    const action = parseDbAction(reply);
    return action.kind === "invalid" ? action.reason : undefined;
  },
  loadTasks: loadDbTasks,
  generateTasks: generateDbTasks,
  async open({ backend, roundLimit, agentbench, protocol = defaultProtocol } = {}) {
    if (protocol === "agentbench-fc") {
      const texts = fcTexts("dbbench", checkoutFor({ agentbench, protocol }));
      const sql = await openSqlBackend(backend);
      return {
        name: sql.name,
        ...(texts.fromCheckout ? { prompts: agentbench } : {}),
        tools: texts.tools,
        maxTurns: roundLimit ?? texts.rounds,
        create: async (task) => new DbCallingEnvironment(task, await sql.openTask(task.table), texts),
        close: () => sql.close(),
      };
    }
    const instruction = textsFromCheckout({ agentbench, protocol }, dbbenchTexts)?.instruction;
    const sql = await openSqlBackend(backend);
    return {
      name: sql.name,
      ...(instruction ? { prompts: agentbench } : {}),
      maxTurns: (roundLimit ?? defaultRoundLimit) + 1,
      create: async (task) =>
        new DbEnvironment(task, await sql.openTask(task.table), roundLimit ?? defaultRoundLimit, instruction),
      close: () => sql.close(),
    };
  },
  actions: dbActions,
  oracle: dbOracle,
  callingOracle: dbCallingOracle,
  gold: (task) => ({
    type: task.type[0],
    ...(task.answer_md5 ? { answer_md5: task.answer_md5 } : { label: task.label }),
    ...(task.sql?.query ? { sql: task.sql.query } : {}),
  }),
  benchmark: { task: "DB", category: "held-in" },
  // AgentBench reports DB as the success rate over all tasks
  score: (_metrics, { successRate }) => 100 * successRate,
  metrics: (results, tasks) => dbMetrics(results, tasks),
  // AgentBench: 5 operations, then one more reply to answer; 128 new tokens a turn
  defaults: { maxTurns: defaultRoundLimit + 1, maxTokens: 128, minReward: 1 },
};
