// An episode's database on the run's thread and its move to a worker process: the agent must not be
// able to tell where a statement ran, except by the time a runaway one is given.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatRows } from "./python-repr.js";
import type { QueryOutcome, SqlBackend } from "./sql-backend.js";
import { createSqliteBackend, inThreadLimits, type TwoLaneSqliteDatabase } from "./sqlite-backend.js";
import { statementTimeoutError } from "./sqlite-process.js";
import type { DbTable } from "./tasks.js";

const table: DbTable = {
  table_name: "t",
  table_info: {
    columns: [{ name: "a" }, { name: "b" }],
    rows: [
      ["1", "x"],
      ["2", "y"],
    ],
  },
};
const text = (outcome: QueryOutcome) => ("error" in outcome ? outcome.error : formatRows(outcome.rows));

describe("sqlite on the run's thread", () => {
  let backend: SqlBackend;
  beforeAll(() => {
    backend = createSqliteBackend({ statementTimeoutMs: 1500 });
  });
  afterAll(() => backend?.close());
  const open = async () => (await backend.openTask(table)) as TwoLaneSqliteDatabase;

  it("runs bounded statements in the thread and keeps them there", async () => {
    const db = await open();
    expect(text(await db.execute("INSERT INTO t VALUES ('3', 'z')"))).toBe("[]");
    expect(text(await db.execute("SELECT a FROM t WHERE b = 'Z'"))).toBe("[('3',)]");
    expect(text(await db.execute("SELECT nope FROM t"))).toMatch(/^1054 \(42S22\): Unknown column 'nope'/);
    expect(db.lane).toBe("thread");
    await db.close();
  });

  it("a task played again starts from its table as given, not as the last episode left it", async () => {
    // built the first time, built and kept as an image the second, copied from the image after
    const played: DbTable = structuredClone(table);
    const episodes: TwoLaneSqliteDatabase[] = [];
    for (let i = 0; i < 4; i++) {
      const db = (await backend.openTask(played)) as TwoLaneSqliteDatabase;
      expect(text(await db.execute("SELECT a, b FROM t"))).toBe("[('1', 'x'), ('2', 'y')]");
      await db.execute("DELETE FROM t WHERE a = '1'");
      await db.execute(`INSERT INTO t VALUES ('${9 - i}', 'q')`);
      episodes.push(db);
    }
    for (const [i, db] of episodes.entries())
      expect(text(await db.execute("SELECT a, b FROM t"))).toBe(`[('2', 'y'), ('${9 - i}', 'q')]`);
    await Promise.all(episodes.map((db) => db.close()));
  });

  it("builds a table of more rows than one INSERT binds, every row in order", async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [String(i), `v${i}`, i % 7 ? "x" : null]);
    const big: DbTable = {
      table_name: "big",
      table_info: { columns: [{ name: "a" }, { name: "b" }, { name: "c" }], rows },
    };
    const db = await backend.openTask(big);
    expect(text(await db.execute("SELECT COUNT(*), COUNT(c), MIN(a + 0), MAX(a + 0) FROM big"))).toBe(
      "[(10000, 8571, 0.0, 9999.0)]",
    );
    expect(text(await db.execute("SELECT a, b, c FROM big LIMIT 2665, 3"))).toBe(
      "[('2665', 'v2665', 'x'), ('2666', 'v2666', 'x'), ('2667', 'v2667', None)]",
    );
    await db.close();
  });

  it("a write that returns rows (INSERT … RETURNING) is kept when the database moves", async () => {
    const db = await open();
    expect(text(await db.execute("INSERT INTO t VALUES ('3', 'z') RETURNING a"))).toBe("[('3',)]");
    expect(db.lane).toBe("thread");
    expect(text(await db.execute("SELECT COUNT(*) FROM t AS p, t AS q"))).toBe("[(9,)]");
    expect(db.lane).toBe("worker");
    expect(text(await db.execute("SELECT a FROM t ORDER BY a"))).toBe("[('1',), ('2',), ('3',)]");
    await db.close();
  });

  it("moves after a second slow statement, or one very slow one: a GC pause can make one look slow", async () => {
    const saved = { ...inThreadLimits };
    try {
      inThreadLimits.statementMs = -1; // every statement counts as slow
      const db = await open();
      await db.execute("INSERT INTO t VALUES ('3', 'z')");
      expect(db.lane).toBe("thread");
      expect(text(await db.execute("SELECT a FROM t WHERE b = 'z'"))).toBe("[('3',)]");
      expect(db.lane).toBe("worker");
      expect(db.movedBecause).toMatch(/^a statement took \d+ ms$/);
      expect(text(await db.execute("SELECT a FROM t ORDER BY a"))).toBe("[('1',), ('2',), ('3',)]");
      await db.close();
      inThreadLimits.slowStatementMs = -1;
      const other = await open();
      await other.execute("SELECT a FROM t");
      expect(other.lane).toBe("worker");
      await other.close();
    } finally {
      Object.assign(inThreadLimits, saved);
    }
  });

  it("moves on the first statement not bounded by its text, with the writes made so far", async () => {
    const db = await open();
    await db.execute("UPDATE t SET b = 'w' WHERE a = '1'");
    await db.execute("DELETE FROM t WHERE a = '2'");
    const before = await db.tableHash();
    expect(text(await db.execute("SELECT COUNT(*) FROM t AS p, t AS q"))).toBe("[(1,)]");
    expect(db.lane).toBe("worker");
    expect(db.movedBecause).toBe("a statement not bounded by its text");
    expect(await db.tableHash()).toBe(before);
    expect(text(await db.execute("SELECT a, b FROM t"))).toBe("[('1', 'w')]");
    await db.close();
  });

  it("a runaway statement moves the episode and gets the statement time limit, not the thread", async () => {
    const db = await open();
    await db.execute("INSERT INTO t VALUES ('3', 'z')");
    const endless =
      "SELECT COUNT(*) FROM t a, t b, t c, t d, t e, t f, t g, t h, t i, t j, t k, t l, t m, t n, t o, t p, t q, t r, t s, t u, t v, t w, t x, t y";
    const started = Date.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50); // the thread stays free while the worker runs it
    const outcome = await db.execute(endless);
    clearInterval(timer);
    expect(text(outcome)).toBe(statementTimeoutError);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor((Date.now() - started) / 50 / 4));
    expect(text(await db.execute("SELECT COUNT(*) FROM t"))).toBe("[(3,)]");
    await db.close();
  });

  it("a result that outgrows the thread's limit is rerun in the worker, with MySQL's result", async () => {
    const db = await open();
    const times = 8;
    const concat = `UPDATE t SET b = CONCAT(${Array(times).fill("b").join(", ")})`;
    let length = 1;
    while (length * times <= inThreadLimits.resultChars) {
      await db.execute(concat);
      length *= times;
    }
    expect(db.lane).toBe("thread");
    expect(text(await db.execute(concat))).toBe("[]");
    expect(db.lane).toBe("worker");
    expect(db.movedBecause).toBe("a result or the functions' work outgrew the thread's limit");
    expect(text(await db.execute("SELECT LENGTH(b) FROM t"))).toBe(
      `[(${length * times},), (${length * times},)]`,
    );
    await db.close();
  });

  it("a statement whose functions do more work than the thread allows is rolled back and rerun in the worker", async () => {
    // each row's result stays under the CONCAT limit, the table under the size limit, the statement
    // at 2 calls: only the work over all rows (1,024 rows × 3.8 KiB, concatenated and hashed) is too much
    const db = await open();
    await db.execute("UPDATE t SET b = CONCAT(b, b, b, b, b, b, b, b)"); // 8 chars
    for (let i = 0; i < 9; i++) await db.execute("INSERT INTO t SELECT a, b FROM t"); // 1,024 rows
    expect(db.lane).toBe("thread");
    const sql = `UPDATE t SET a = MD5(CONCAT(${Array(480).fill("b").join(", ")}))`;
    expect(sql.length).toBeLessThan(4096);
    const outcome = await db.execute(sql);
    expect(db.lane).toBe("worker");
    expect(db.movedBecause).toBe("a result or the functions' work outgrew the thread's limit");
    expect(text(outcome)).toBe("[]");
    // the reference: the same statements, each in a worker process
    const workerOnly = createSqliteBackend({ inThread: false });
    const reference = await workerOnly.openTask(table);
    await reference.execute("UPDATE t SET b = CONCAT(b, b, b, b, b, b, b, b)");
    for (let i = 0; i < 9; i++) await reference.execute("INSERT INTO t SELECT a, b FROM t");
    await reference.execute(sql);
    const probe = "SELECT COUNT(*), COUNT(DISTINCT a), MIN(a), MIN(b), MAX(LENGTH(b)) FROM t";
    expect(text(await db.execute(probe))).toBe(text(await reference.execute(probe)));
    expect(await db.tableHash()).toBe(await reference.tableHash());
    await Promise.all([db.close(), reference.close()]);
    await workerOnly.close();
  });

  it("a table that outgrows the thread's limit moves", async () => {
    const db = await open();
    const row = `('${"r".repeat(1000)}', 'x')`;
    const insert = `INSERT INTO t VALUES ${Array(3).fill(row).join(", ")}`;
    let rows = 2;
    while (db.lane === "thread") {
      expect(text(await db.execute(insert))).toBe("[]");
      rows += 3;
      expect(rows).toBeLessThan(1000);
    }
    expect(db.movedBecause).toBe("the table outgrew the thread's limit");
    expect(text(await db.execute("SELECT COUNT(*) FROM t"))).toBe(`[(${rows},)]`);
    await db.close();
  });
});
