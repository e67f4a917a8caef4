// What the DB env needs from a SQL engine: one database per task, MySQL-shaped results and errors.
import type { Cell } from "./python-repr.js";
import type { DbTable } from "./tasks.js";

export type QueryOutcome = { rows: Cell[][] } | { error: string };

/** One task's database, holding its table. */
export interface TaskDatabase {
  /** Runs one statement; errors come back as MySQL's `code (state): message` text. */
  execute(sql: string): Promise<QueryOutcome>;
  /** The dbbench hash of the task table (see table-hash.ts); null when the table is empty or gone. */
  tableHash(): Promise<string | null>;
  close(): Promise<void>;
}

export interface SqlBackend {
  readonly name: string;
  openTask(table: DbTable): Promise<TaskDatabase>;
  close(): Promise<void>;
}

/** Column and row values as AgentBench inserts them: every column TEXT, values as strings. */
export function tableRowsAsText(table: DbTable): (string | null)[][] {
  return table.table_info.rows.map((row) =>
    table.table_info.columns.map((_, i) => {
      const v = row[i];
      return v === undefined || v === null ? null : String(v);
    }),
  );
}

/**
 * MySQL refuses empty column names and names ending in a space. AgentBench then runs the episode
 * without the table (its statements fail); both backends reproduce that, so they agree.
 */
export function unsupportedColumnName(table: DbTable): string | undefined {
  return table.table_info.columns.map((c) => c.name).find((name) => name === "" || name.endsWith(" "));
}
