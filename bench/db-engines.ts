// Where a db statement could run (bench/results/db-engines.json), for the choice issue 34 asks for:
// the same query on a task's table, measured alternately, per statement round trip:
// better-sqlite3 in-process (the raw reference), SQLite compiled to WASM (sql.js) in-process, and
// sql.js in a worker thread, the one of these a runaway statement can be stopped in (terminate()
// interrupts WebAssembly; it does not interrupt better-sqlite3's native call).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import initSqlJs from "sql.js";
import { generateDbTasks } from "../src/envs/db/generate.js";
import type { DbTask } from "../src/envs/db/tasks.js";
import { type Row, writeResults } from "./table.js";

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

function setupSql(task: DbTask): string[] {
  const { table_name, table_info } = task.table;
  const literal = (v: unknown) => (v === null ? "NULL" : `'${String(v).replaceAll("'", "''")}'`);
  return [
    `CREATE TABLE ${quote(table_name)} (${table_info.columns.map((c) => `${quote(c.name)} TEXT`).join(", ")})`,
    ...table_info.rows.map(
      (row) => `INSERT INTO ${quote(table_name)} VALUES (${row.map(literal).join(", ")})`,
    ),
  ];
}

const threadSource = `
const { parentPort, workerData } = require("node:worker_threads");
require(workerData.sqljs)().then((SQL) => {
  const db = new SQL.Database();
  for (const sql of workerData.setup) db.run(sql);
  parentPort.on("message", ({ id, sql }) => {
    const statement = db.prepare(sql);
    const rows = [];
    while (statement.step()) rows.push(statement.get());
    statement.free();
    parentPort.postMessage({ id, rows });
  });
  parentPort.postMessage({ ready: true });
});
`;

async function timeAsync(n: number, f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await f();
  return ((performance.now() - start) * 1000) / n;
}

export async function benchDbEngines(): Promise<Row[]> {
  const tasks: DbTask[] = [];
  for await (const task of generateDbTasks({ count: 64, seed: 42 })) tasks.push(task);
  const task = tasks.find((t) => t.type[0] === "comparison") as DbTask;
  // the task's table whole: its rows cross the thread boundary as an observation's would
  const sql = `SELECT * FROM ${quote(task.table.table_name)}`;
  const setup = setupSql(task);

  const native = new Database(":memory:");
  for (const s of setup) native.exec(s);
  const SQL = await initSqlJs();
  const wasm = new SQL.Database();
  for (const s of setup) wasm.run(s);
  const thread = new Worker(threadSource, {
    eval: true,
    workerData: { sqljs: createRequire(import.meta.url).resolve("sql.js"), setup },
  });
  let next = 0;
  const waiting = new Map<number, (rows: unknown) => void>();
  await new Promise<void>((ready) =>
    thread.on("message", (m: { ready?: boolean; id: number; rows: unknown }) => {
      if (m.ready) return ready();
      waiting.get(m.id)?.(m.rows);
      waiting.delete(m.id);
    }),
  );
  const inThread = () =>
    new Promise((done) => {
      const id = next++;
      waiting.set(id, done);
      thread.postMessage({ id, sql });
    });
  const wasmQuery = () => {
    const statement = wasm.prepare(sql);
    const rows = [];
    while (statement.step()) rows.push(statement.get());
    statement.free();
    return Promise.resolve(rows);
  };
  // rows as arrays in all three, as the db backend reads them (raw)
  const nativeQuery = () => Promise.resolve(native.prepare(sql).raw(true).all());
  // the three must agree before they are timed
  const [a, b, c] = [await nativeQuery(), await wasmQuery(), await inThread()] as unknown[][];
  if (a?.length !== b?.length || b?.length !== c?.length) throw new Error("db-engines: engines disagree");

  const n = 5_000;
  const us = { native: 0, wasm: 0, thread: 0 };
  for (let round = 0; round < 4; round++) {
    us.native += (await timeAsync(n, nativeQuery)) / 4;
    us.wasm += (await timeAsync(n, wasmQuery)) / 4;
    us.thread += (await timeAsync(n, inThread)) / 4;
  }
  await thread.terminate();
  native.close();
  wasm.close();
  writeResults("db-engines", { date: new Date().toISOString(), query: sql, rows: a?.length, us });
  return [
    {
      measure: "db statement, better-sqlite3 in-process",
      value: `${us.native.toFixed(1)} µs`,
      note: `the raw reference (${a?.length} rows of the task's ${task.table.table_info.rows.length})`,
    },
    {
      measure: "db statement, sql.js (SQLite WASM) in-process",
      value: `${us.wasm.toFixed(1)} µs`,
      note: `${(us.wasm / us.native).toFixed(2)}× native`,
    },
    {
      measure: "db statement, sql.js in a worker thread (round trip)",
      value: `${us.thread.toFixed(1)} µs`,
      note: `${(us.thread / us.native).toFixed(2)}× native; terminate() stops a runaway statement there`,
    },
  ];
}
