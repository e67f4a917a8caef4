// One task's SQLite database speaking MySQL: its table, statements translated by mysql-dialect.ts,
// MySQL's functions (mysql-functions.ts) and error texts (mysql-errors.ts). It runs statements to
// their end; sqlite-backend.ts decides where.
import Database from "better-sqlite3";
import { mysqlError, syntaxError } from "./mysql-errors.js";
import { ResultTooLarge, registerMysqlFunctions, textOf, type WorkBudget } from "./mysql-functions.js";
import { printableAscii } from "./mysql-tokens.js";
import type { Cell } from "./python-repr.js";
import type { QueryOutcome, TaskDatabase } from "./sql-backend.js";
import {
  CappedRows,
  resultCharLimit as resultCharCap,
  resultRowLimit,
  tableRowsAsText,
  unsupportedColumnName,
} from "./sql-backend.js";
import { type DataKind, readStatement, type StatementText } from "./statement-text.js";
import { tableHash } from "./table-hash.js";
import type { DbTable } from "./tasks.js";

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export type RunOutcome = (QueryOutcome & { wrote?: boolean }) | { tooLarge: true } | { refused: true };

export interface SqliteTaskDatabaseOptions {
  /**
   * Caps SQLite's heap for the whole process (sqlite3_hard_heap_limit64 is global): for worker
   * processes, whose databases are all the process holds.
   */
  heapLimitBytes?: number;
  /** A CONCAT result longer than this ends the statement with ResultTooLarge (rolled back). */
  resultCharLimit?: number;
  /**
   * Characters one statement may pass through agenttune's JavaScript functions (MD5, CONCAT, LEFT…,
   * in and out); past it the statement ends with ResultTooLarge (rolled back). Unlimited by default.
   */
  workCharLimit?: number;
  /**
   * Start from the table's image when this table object was opened twice before; keep one the second
   * time (a table played once, as in most evaluations, does not pay for an image): for the run's
   * thread, where a task is played again (a GRPO group, another model). A worker gets a new table
   * object with every request, so an image there would never be used.
   */
  reuseImage?: boolean;
}

/** A task table's database file, built once per table object opened twice. */
const images = new WeakMap<DbTable, { bytes: Buffer; asciiData: boolean; given: GivenTable }>();
/** Table objects opened once, without an image. */
const openedOnce = new WeakSet<DbTable>();

/** The table as the task gives it, until the first write: what bounds a bounded statement's result. */
interface GivenTable {
  rows: number;
  /** The longest value's characters. */
  longestValue: number;
  /** Some value ends with a space. */
  trailingSpaces: boolean;
}

function createTable(db: Database.Database, table: DbTable, rows: (string | null)[][]) {
  if (unsupportedColumnName(table) !== undefined) return;
  const columns = table.table_info.columns.map((c) => `${quoteIdent(c.name)} TEXT COLLATE NOCASE`).join(", ");
  try {
    db.exec(`CREATE TABLE ${quoteIdent(table.table_name)} (${columns})`);
  } catch (error) {
    // AgentBench ignores a failed init (its error text is returned to no one, AgentBench.old
    // dbbench/__init__.py:68): a table MySQL refuses (two columns named alike) is simply absent
    if ((error as { code?: string }).code === "SQLITE_ERROR") return;
    throw error;
  }
  // many rows a statement, in one transaction: a statement per row, or better-sqlite3's transaction()
  // (which prepares its own five statements on each new database), cost more than the table
  const width = table.table_info.columns.length;
  const perStatement = Math.max(1, Math.floor(maxInsertValues / Math.max(width, 1)));
  const tuple = `(${table.table_info.columns.map(() => "?").join(", ")})`;
  db.exec("BEGIN");
  try {
    for (let from = 0; from < rows.length; from += perStatement) {
      const chunk = rows.slice(from, from + perStatement);
      const tuples = Array.from({ length: chunk.length }, () => tuple).join(", ");
      db.prepare(`INSERT INTO ${quoteIdent(table.table_name)} VALUES ${tuples}`).run(chunk.flat());
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** Bound values in one INSERT (SQLite allows 32,766). */
const maxInsertValues = 8_000;

export class SqliteTaskDatabase implements TaskDatabase {
  readonly db: Database.Database;
  /**
   * Every value is printable ASCII: true for most tables, kept while each write is bounded
   * (sqlite-bounded.ts: only functions that map ASCII to ASCII) and has ASCII literals.
   */
  private asciiData: boolean;
  /** The table as given, until a statement writes. */
  private given: GivenTable | undefined;
  /** The JavaScript functions' work in the running statement. */
  private readonly work: WorkBudget;

  constructor(
    private readonly table: DbTable,
    { heapLimitBytes, resultCharLimit, workCharLimit, reuseImage = false }: SqliteTaskDatabaseOptions = {},
  ) {
    // from the image, a copy, ~5× faster than building the table
    const image = reuseImage ? images.get(table) : undefined;
    this.db = new Database(image?.bytes ?? ":memory:");
    // SQLite's own heap (a REPEAT of a billion characters, a huge temp b-tree) fails with "out of memory"
    if (heapLimitBytes !== undefined) this.db.pragma(`hard_heap_limit = ${heapLimitBytes}`);
    this.work = { used: 0, limit: workCharLimit ?? Number.POSITIVE_INFINITY };
    registerMysqlFunctions(this.db, this.work, resultCharLimit);
    if (image) {
      this.asciiData = image.asciiData;
      this.given = image.given;
      return;
    }
    const rows = tableRowsAsText(table);
    let asciiData = true;
    let longestValue = 0;
    let trailingSpaces = false;
    for (const row of rows)
      for (const v of row) {
        if (v === null) continue;
        if (asciiData && !printableAscii.test(v)) asciiData = false;
        longestValue = Math.max(longestValue, v.length);
        if (v.endsWith(" ")) trailingSpaces = true;
      }
    this.asciiData = asciiData;
    this.given = { rows: rows.length, longestValue, trailingSpaces };
    createTable(this.db, table, rows);
    if (!reuseImage) return;
    if (openedOnce.has(table))
      images.set(table, { bytes: this.db.serialize(), asciiData: this.asciiData, given: this.given });
    else openedOnce.add(table);
  }

  async execute(sql: string): Promise<QueryOutcome & { wrote?: boolean }> {
    const outcome = this.run(sql);
    if ("tooLarge" in outcome || "refused" in outcome) throw new Error("unreachable: no thread limits set");
    return outcome;
  }

  /**
   * Runs one statement to its end, on this thread; with `boundedOnly`, only a statement bounded by
   * its text (sqlite-bounded.ts), refusing any other before it runs.
   */
  run(sql: string, { boundedOnly = false }: { boundedOnly?: boolean } = {}): RunOutcome {
    let statement: Database.Statement;
    let text: StatementText | undefined;
    this.work.used = 0;
    try {
      text = readStatement(sql, this.dataKind());
      if (boundedOnly && !text.bounded) return { refused: true };
      // SQLite's own statements (ATTACH, PRAGMA, VACUUM INTO…) reach files; MySQL has none of them
      if (!text.allowed) return { error: syntaxError(sql) };
      statement = this.db.prepare(text.sql);
    } catch (error) {
      return { error: mysqlError(error, sql, this.table.table_name, text !== undefined) };
    }
    try {
      // a write may also return rows (INSERT … RETURNING, as MariaDB has): it is still a write
      const writes = !statement.readonly;
      if (writes) {
        if (!(text.bounded && text.asciiLiterals)) this.asciiData = false;
        this.given = undefined;
      }
      if (!statement.reader) {
        statement.run();
        return { rows: [], wrote: true };
      }
      statement.safeIntegers(true).raw(true);
      // read whole when that is certainly within the caps (one native call instead of one a row), and
      // always for a write, which must not stop half done
      const rows =
        writes || this.resultFitsCaps(text, sql.length)
          ? readCapped(statement.all() as unknown[][])
          : readCapped(statement.iterate() as IterableIterator<unknown[]>);
      return writes ? { rows, wrote: true } : { rows };
    } catch (error) {
      if (error instanceof ResultTooLarge) return { tooLarge: true };
      return { error: mysqlError(error, sql, this.table.table_name, true) };
    }
  }

  private dataKind(): DataKind {
    if (!this.asciiData) return "other";
    return this.given && !this.given.trailingSpaces ? "given-plain" : "ascii";
  }

  /**
   * Whether a statement's whole result is certainly within the row and character caps: a bounded one
   * (one table, no join, only functions linear in their input) on the table as given yields at most
   * one row per table row, each of at most one value (or an MD5 or number text) per token, plus its
   * literals.
   */
  private resultFitsCaps(text: StatementText, sqlChars: number): boolean {
    if (!(text.bounded && this.given)) return false;
    const rows = Math.max(this.given.rows, 1);
    const rowChars = text.tokens * Math.max(this.given.longestValue, 32) + sqlChars;
    return rows <= resultRowLimit && rows * rowChars <= resultCharCap;
  }

  async tableHash(): Promise<string | null> {
    const columns = this.table.table_info.columns.map((c) => quoteIdent(c.name)).join(", ");
    try {
      const rows = this.db
        .prepare(`SELECT ${columns} FROM ${quoteIdent(this.table.table_name)}`)
        .raw(true)
        .all();
      return tableHash((rows as unknown[][]).map((row) => row.map((v) => (v === null ? null : textOf(v)))));
    } catch {
      return null; // the agent dropped or altered the table
    }
  }

  /** Bytes the database file takes (pages × page size). */
  sizeBytes(): number {
    return (
      (this.db.pragma("page_count", { simple: true }) as number) *
      (this.db.pragma("page_size", { simple: true }) as number)
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Rows up to the caps; leaving the loop early closes a statement's iterator (its return()). */
function readCapped(rows: Iterable<unknown[]>): Cell[][] {
  const capped = new CappedRows();
  for (const row of rows) if (!capped.add(row.map(toCell))) break;
  return capped.rows;
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return { kind: "int", text: value.toString() };
  if (typeof value === "number") return { kind: "float", value };
  if (Buffer.isBuffer(value)) return { kind: "str", value: value.toString("utf8") };
  return { kind: "str", value: String(value) };
}
