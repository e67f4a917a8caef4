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

/**
 * The observation shows the first 800 characters of the rows' text, so reading stops after enough
 * rows to fill far more than that: what the agent sees is unchanged, memory stays bounded.
 */
export const resultRowLimit = 10_000;
export const resultCharLimit = 4_000_000;

/** Result rows as they are read, up to the caps (both backends read through one). */
export class CappedRows {
  readonly rows: Cell[][] = [];
  private chars = 0;
  full = false;

  /** Keeps a row; false once the caps are reached (read no further). */
  add(cells: Cell[]): boolean {
    for (const cell of cells) if (cell && cell.kind === "str") this.chars += cell.value.length;
    this.rows.push(cells);
    this.full = this.rows.length >= resultRowLimit || this.chars >= resultCharLimit;
    return !this.full;
  }
}
