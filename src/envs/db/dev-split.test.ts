// The AgentBench dbbench dev split (60 tasks), read unchanged from AGENTTUNE_BENCHMARKS.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import { generateDbTasks } from "./generate.js";
import { formatRows } from "./python-repr.js";
import { dbSpec, openSqlBackend } from "./spec.js";
import type { SqlBackend } from "./sql-backend.js";
import { hashFromAnswerMd5 } from "./table-hash.js";
import { type DbTask, goldSql, isModifyingType } from "./tasks.js";
import { dbBackends, mariadbAvailable } from "./test-backends.js";

const dir = benchmarksDir();
const devFile = dir ? join(dir, "agentbench", "dbbench", "dev.jsonl") : "";

async function devTasks(): Promise<DbTask[]> {
  const tasks: DbTask[] = [];
  for await (const task of dbSpec.loadTasks(devFile)) tasks.push(task);
  return tasks;
}

describe.skipIf(!dir)("dbbench dev split", () => {
  it.each(dbBackends)("the oracle solves all 60 tasks on %s", async (name) => {
    const tasks = await devTasks();
    expect(tasks).toHaveLength(60);
    const backend = await dbSpec.open({ backend: name });
    try {
      const results = await Promise.all(
        tasks.map((task) => runEpisode({ spec: dbSpec, backend, task, model: oracleModel(dbSpec) })),
      );
      expect(
        results.filter((r) => !r.success).map((r) => `${r.taskId}: ${r.failure} ${r.error ?? ""}`),
      ).toEqual([]);
      const metrics = dbSpec.metrics(results, new Map(tasks.map((t) => [t.id ?? "", t])));
      expect(metrics).toMatchObject({
        SELECT_accuracy: 1,
        INSERT_accuracy: 1,
        UPDATE_accuracy: 1,
        overall_cat_accuracy: 1,
      });
    } finally {
      await backend.close();
    }
  });

  it("every gold statement leaves the recorded hash on SQLite", async () => {
    const sqlite = await openSqlBackend("sqlite");
    const modifying = (await devTasks()).filter((t) => isModifyingType(t.type[0] ?? ""));
    expect(modifying).toHaveLength(40);
    for (const task of modifying) {
      const db = await sqlite.openTask(task.table);
      await db.execute(goldSql(task) ?? "");
      expect({ id: task.id, hash: await db.tableHash() }).toEqual({
        id: task.id,
        hash: hashFromAnswerMd5(task.answer_md5 ?? ""),
      });
      await db.close();
    }
  });

  it.each(dbBackends)(
    "tasks derived from the dev tables on SQLite are solved by the oracle on %s",
    async (name) => {
      const derived: DbTask[] = [];
      for await (const task of generateDbTasks({ count: 110, seed: 5, source: devFile })) derived.push(task);
      expect(derived).toHaveLength(110);
      const backend = await dbSpec.open({ backend: name });
      try {
        const results = await Promise.all(
          derived.map((task) => runEpisode({ spec: dbSpec, backend, task, model: oracleModel(dbSpec) })),
        );
        expect(
          results.filter((r) => !r.success).map((r) => `${r.taskId}: ${r.failure} ${JSON.stringify(r.info)}`),
        ).toEqual([]);
      } finally {
        await backend.close();
      }
    },
  );

  describe.skipIf(!mariadbAvailable)("SQLite and MariaDB agree", () => {
    let sqlite: SqlBackend;
    let mariadb: SqlBackend;
    beforeAll(async () => {
      sqlite = await openSqlBackend("sqlite");
      mariadb = await openSqlBackend("mariadb");
    });
    afterAll(async () => {
      await sqlite?.close();
      await mariadb?.close();
    });

    it("on the output and resulting table hash of every gold statement", async () => {
      const tasks = await devTasks();
      let compared = 0;
      for (const task of tasks) {
        const statement = goldSql(task);
        if (!statement) continue;
        const outputs = [];
        for (const backend of [sqlite, mariadb]) {
          const db = await backend.openTask(task.table);
          const outcome = await db.execute(statement);
          outputs.push({
            id: task.id,
            output: "error" in outcome ? outcome.error : formatRows(outcome.rows),
            hash: await db.tableHash(),
          });
          await db.close();
        }
        expect(outputs[0]).toEqual(outputs[1]);
        compared++;
      }
      expect(compared).toBe(60);
    });
  });
});
