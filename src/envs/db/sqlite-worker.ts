// A child process holding several episodes' SQLite databases (see sqlite-process.ts): a statement that
// never ends, or eats memory, costs this process, which the parent kills and replaces.
import { SqliteTaskDatabase } from "./sqlite-database.js";
import type { DbTable } from "./tasks.js";

export type WorkerBody =
  | { op: "open"; db: number; table: DbTable; replay: string[] }
  | { op: "execute"; db: number; sql: string }
  | { op: "hash"; db: number }
  | { op: "close"; db: number };
export type WorkerRequest = WorkerBody & { id: number };

const databases = new Map<number, SqliteTaskDatabase>();

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.op === "open") {
    const db = new SqliteTaskDatabase(request.table, { heapLimitBytes: 256 * 1024 * 1024 });
    for (const sql of request.replay) await db.execute(sql);
    databases.set(request.db, db);
    return null;
  }
  const db = databases.get(request.db);
  if (!db) throw new Error(`no database ${request.db}`);
  if (request.op === "execute") return db.execute(request.sql);
  if (request.op === "hash") return db.tableHash();
  databases.delete(request.db);
  await db.close();
  return null;
}

// one request after another, in the order sent: the parent times each from the previous answer, and
// several requests arriving in one chunk would otherwise interleave at their awaits
let chain = Promise.resolve();
process.on("message", (request: WorkerRequest) => {
  chain = chain.then(async () => {
    try {
      process.send?.({ id: request.id, result: await handle(request) });
    } catch (error) {
      process.send?.({ id: request.id, failure: (error as Error).message });
    }
  });
});
// the parent's death closes the channel: nothing may outlive it
process.on("disconnect", () => process.exit(0));
