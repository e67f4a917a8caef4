// One task's SQLite database speaking MySQL (through mysql-dialect.ts): its table, MySQL's functions,
// comparisons and error texts. It runs statements to their end; sqlite-backend.ts decides where.
import Database from "better-sqlite3";
import { clauseOf, generalCiKey, MysqlSyntaxError, printableAscii, toSqlite } from "./mysql-dialect.js";
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
import { md5Hex, tableHash } from "./table-hash.js";
import type { DbTable } from "./tasks.js";

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** MySQL's max_allowed_packet (MariaDB 10.11's default): CONCAT returns NULL past it. */
export const maxAllowedPacket = 16 * 1024 * 1024;

/** Thrown from inside a statement whose string result outgrows `resultCharLimit`, or whose function work outgrows `workCharLimit` (see sqlite-backend.ts). */
export class ResultTooLarge extends Error {}

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

/** Text of a value as MySQL would CONCAT it. */
function textOf(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(value);
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return String(value);
}

/** MySQL's string → number conversion: the longest numeric prefix, else 0. */
/**
 * A value as MySQL stores it in a TEXT column: a DOUBLE prints without a trailing ".0" and with a bare
 * exponent (1e20); other values are unchanged.
 */
export function mysqlStoredText(value: unknown): unknown {
  if (typeof value !== "number") return value;
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(value).replace("e+", "e");
}

export function mysqlNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  const match = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(String(value));
  return match ? Number(match[0]) : 0;
}

interface WorkBudget {
  used: number;
  limit: number;
}

function registerMysqlFunctions(db: Database.Database, work: WorkBudget, resultCharLimit = maxAllowedPacket) {
  // MySQL returns NULL for a string function's result over max_allowed_packet; a lower limit aborts
  const tooLong = () => {
    if (resultCharLimit < maxAllowedPacket) throw new ResultTooLarge();
    return null;
  };
  const capped = (text: string) => {
    spend(text.length);
    return text.length <= resultCharLimit ? text : tooLong();
  };
  /** A function's input text, counted against the statement's budget. */
  const input = (v: unknown) => {
    const text = textOf(v);
    spend(text.length);
    return text;
  };
  const spend = (chars: number) => {
    work.used += chars;
    if (work.used > work.limit) throw new ResultTooLarge();
  };
  db.function("md5", { deterministic: true }, (v: unknown) => (v === null ? null : md5Hex(input(v))));
  db.function("mysql_num", { deterministic: true }, mysqlNumber);
  db.function("mysql_text", { deterministic: true }, mysqlStoredText);
  db.function("mysql_ci", { deterministic: true }, (v: unknown) =>
    v === null ? null : generalCiKey(input(v)),
  );
  db.function("mysql_concat", { deterministic: true, varargs: true }, (...args: unknown[]) =>
    args.some((a) => a === null) ? null : capped(args.map(textOf).join("")),
  );
  db.function(
    "mysql_concat_ws",
    { deterministic: true, varargs: true },
    (sep: unknown, ...args: unknown[]) =>
      sep === null
        ? null
        : capped(
            args
              .filter((a) => a !== null)
              .map(textOf)
              .join(textOf(sep)),
          ),
  );
  const repeat = (s: unknown, n: unknown) => {
    if (s === null || n === null) return null;
    const text = input(s);
    const count = Math.round(Number(n));
    if (!(count > 0)) return "";
    // past the limit without building the string (REPEAT('a', 1e9))
    if (text.length * count > resultCharLimit) return tooLong();
    return capped(text.repeat(count));
  };
  db.function("mysql_repeat", { deterministic: true }, repeat);
  db.function("mysql_space", { deterministic: true }, (n: unknown) => repeat(" ", n));
  db.function("mysql_left", { deterministic: true }, (s: unknown, n: unknown) =>
    s === null ? null : [...input(s)].slice(0, Number(n)).join(""),
  );
  db.function("mysql_right", { deterministic: true }, (s: unknown, n: unknown) =>
    s === null ? null : Number(n) <= 0 ? "" : [...input(s)].slice(-Number(n)).join(""),
  );
  db.function("mysql_locate", { deterministic: true }, (sub: unknown, s: unknown) =>
    sub === null || s === null ? null : input(s).toLowerCase().indexOf(input(sub).toLowerCase()) + 1,
  );
  // SUM/AVG over TEXT columns are DOUBLE in MySQL: always a float, NULL over no non-NULL values.
  const numericAggregate = (finish: (sum: number, n: number) => number) => ({
    start: () => ({ sum: 0, n: 0 }),
    step: (acc: { sum: number; n: number }, v: unknown) => {
      const num = mysqlNumber(v);
      if (num !== null) {
        acc.sum += num;
        acc.n++;
      }
      return acc;
    },
    result: (acc: { sum: number; n: number }) => (acc.n === 0 ? null : finish(acc.sum, acc.n)),
  });
  db.aggregate(
    "mysql_sum",
    numericAggregate((sum) => sum),
  );
  db.aggregate(
    "mysql_avg",
    numericAggregate((sum, n) => sum / n),
  );
}

/** Maps a SQLite error to the text MySQL's connector would show for the same mistake. */
export function mysqlError(
  error: unknown,
  sql: string,
  tableName: string,
  /** The statement was translated: SQLite's syntax error is located in the MySQL text. */
  translated = false,
): string {
  if (error instanceof MysqlSyntaxError) return syntaxError(error.near);
  const message = (error as Error).message ?? String(error);
  if (/syntax error|unrecognized token/.test(message) && translated) {
    // Locate the error without the comparison wrappers, whose own parentheses SQLite may point at.
    const plain = toSqlite(sql, { comparisons: false });
    const plainMessage = plainSyntaxError(plain.sql) ?? message;
    const near = /(?:near|unrecognized token:) "(.*?)"/s.exec(plainMessage)?.[1];
    const piece = plain.pieces().find((p) => p.text === near);
    return syntaxError(piece ? sql.slice(piece.start) : (near ?? ""));
  }
  for (const [pattern, render] of errorMappings) {
    const match = pattern.exec(message);
    if (match) return render(match[1] ?? "", { sql, db: tableName });
  }
  return `1064 (42000): ${message}`;
}

/** SQLite message pattern → MySQL error text (the database is named after the table, as in AgentBench). */
const errorMappings: [RegExp, (name: string, at: { sql: string; db: string }) => string][] = [
  [/no such table: (?:\w+\.)?(.+)$/, (name, { db }) => `1146 (42S02): Table '${db}.${name}' doesn't exist`],
  [/(?:no such column:|has no column named) (.+)$/, unknownColumn],
  [/no such function: (.+)$/, (name, { db }) => `1305 (42000): FUNCTION ${db}.${name} does not exist`],
  [/incomplete input/, () => syntaxError("")],
  [
    /values were supplied|values for \d+ columns/,
    () => "1136 (21S01): Column count doesn't match value count at row 1",
  ],
  [/table (.+) already exists/, (name) => `1050 (42S01): Table '${name}' already exists`],
];

function unknownColumn(column: string, { sql }: { sql: string }): string {
  return `1054 (42S22): Unknown column '${column}' in '${clauseOf(sql, column.replace(/^.*\./, ""))}'`;
}

function plainSyntaxError(sql: string): string | undefined {
  const probe = new Database(":memory:");
  try {
    probe.prepare(sql);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    probe.close();
  }
}

export function syntaxError(near: string): string {
  // the server drops the statement's terminating semicolon before it quotes the rest
  let rest = near.trim().replace(/;\s*$/, "");
  if (rest.length > 80) rest = `${rest.slice(0, 77)}...`; // MariaDB quotes at most 80 characters
  return `1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${rest}' at line 1`;
}
