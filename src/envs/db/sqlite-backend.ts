// The embedded default: one in-memory SQLite database per task, speaking MySQL (sqlite-database.ts).
// An episode's database starts on the run's own thread, where a statement costs what SQLite costs;
// only statements whose cost is bounded by their text and a small table run there (sqlite-bounded.ts).
// The first other statement, or one that took long, moves the database for good to a worker process
// (sqlite-process.ts), which holds the statement time limit: it is rebuilt there from the task's table
// and the episode's writes, and runs every statement from then on.
import { performance } from "node:perf_hooks";
import type { QueryOutcome, SqlBackend, TaskDatabase } from "./sql-backend.js";
import { SqliteTaskDatabase } from "./sqlite-database.js";
import { IsolatedSqliteDatabase, SqliteWorkerPool } from "./sqlite-process.js";
import type { DbTable } from "./tasks.js";

/** Limits of the run's own thread; past any of them an episode's database moves to a worker. */
export const inThreadLimits = {
  /** Bytes of the database (its table grows with the agent's writes). */
  databaseBytes: 256 * 1024,
  /** Characters of one CONCAT result (the statement is rerun in the worker, under MySQL's limit). */
  resultChars: 64 * 1024,
  /** Characters one statement passes through the JavaScript functions (MD5, CONCAT…): ~10 ms of work. */
  workChars: 4 * 1024 * 1024,
  /**
   * Milliseconds a statement took: after two that slow (one may have waited out a GC pause of the
   * thread), or one over `slowStatementMs`, statements are not run on the run's thread again.
   */
  statementMs: 20,
  slowStatementMs: 100,
};

export interface SqliteBackendOptions {
  statementTimeoutMs?: number;
  /** false: every statement in a worker process (the only mode before in-thread statements). */
  inThread?: boolean;
}

export function createSqliteBackend({
  statementTimeoutMs,
  inThread = true,
}: SqliteBackendOptions = {}): SqlBackend {
  const pool = new SqliteWorkerPool();
  return {
    name: "sqlite",
    openTask: async (table) => {
      const isolated = new IsolatedSqliteDatabase(table, pool, statementTimeoutMs);
      return inThread ? new TwoLaneSqliteDatabase(table, isolated) : isolated;
    },
    close: () => pool.close(),
  };
}

/** Where the statement ran, for tests and benchmarks. */
export type Lane = "thread" | "worker";

export class TwoLaneSqliteDatabase implements TaskDatabase {
  private local: SqliteTaskDatabase | undefined;
  /** Why the database moved to a worker, once it has. */
  movedBecause: string | undefined;
  /** Statements over `inThreadLimits.statementMs` so far. */
  private slowStatements = 0;

  constructor(
    table: DbTable,
    private readonly worker: IsolatedSqliteDatabase,
  ) {
    this.local = new SqliteTaskDatabase(table, {
      resultCharLimit: inThreadLimits.resultChars,
      workCharLimit: inThreadLimits.workChars,
      reuseImage: true,
    });
  }

  get lane(): Lane {
    return this.local ? "thread" : "worker";
  }

  async execute(sql: string): Promise<QueryOutcome> {
    const local = this.local;
    if (local) {
      const start = performance.now();
      const outcome = local.run(sql, { boundedOnly: true });
      const ms = performance.now() - start;
      if ("refused" in outcome) this.move("a statement not bounded by its text");
      else if ("tooLarge" in outcome)
        this.move("a result or the functions' work outgrew the thread's limit"); // rolled back: rerun
      else {
        if (outcome.wrote) this.worker.recordWrite(sql);
        if (ms > inThreadLimits.statementMs) this.slowStatements++;
        if (ms > inThreadLimits.slowStatementMs || this.slowStatements >= 2)
          this.move(`a statement took ${ms.toFixed(0)} ms`);
        else if (outcome.wrote && local.sizeBytes() > inThreadLimits.databaseBytes)
          this.move("the table outgrew the thread's limit");
        return "error" in outcome ? { error: outcome.error } : { rows: outcome.rows };
      }
    }
    return this.worker.execute(sql);
  }

  private move(reason: string) {
    this.movedBecause = reason;
    void this.local?.close();
    this.local = undefined;
  }

  async tableHash(): Promise<string | null> {
    return this.local ? this.local.tableHash() : this.worker.tableHash();
  }

  async close(): Promise<void> {
    await this.local?.close();
    this.local = undefined;
    await this.worker.close();
  }
}
