// What a statement's text alone says about it, worked out once per text: its SQLite translation,
// whether its cost is bounded by the text, whether SQLite may run it. A rollout group's episodes
// (and a teacher replaying tasks) send many of the same statements, so the latest are remembered.
import { asciiLiterals, toSqlite } from "./mysql-dialect.js";
import { isBoundedTranslation } from "./sqlite-bounded.js";

/** Kept small: a run remembers a thousand of them. */
export interface StatementText {
  /** The SQLite translation (mysql-dialect.ts). */
  sql: string;
  /** Its MySQL tokens, without spaces and comments. */
  tokens: number;
  /** Its cost is bounded by its text (sqlite-bounded.ts): it may run on the run's thread. */
  bounded: boolean;
  /** Every literal is printable ASCII (a bounded write keeps the data ASCII). */
  asciiLiterals: boolean;
  /** SQLite runs it as MySQL would (not ATTACH, PRAGMA…). */
  allowed: boolean;
}

/** How many bounded texts are remembered per data kind; past it the oldest is dropped. */
export const statementCacheSize = 1024;
// one map per data kind: the statement's own string is the key (its hash is computed once per string)
const remembered = { ascii: new Map<string, StatementText>(), other: new Map<string, StatementText>() };

/**
 * The statement's text read for data that is all printable ASCII or not (they translate differently).
 * Throws what toSqlite throws, and remembers nothing then.
 */
export function readStatement(sql: string, asciiData: boolean): StatementText {
  const texts = asciiData ? remembered.ascii : remembered.other;
  const hit = texts.get(sql);
  if (hit) return hit;
  const translation = toSqlite(sql, { asciiData });
  const text: StatementText = {
    sql: translation.sql,
    tokens: translation.tokens.length,
    bounded: isBoundedTranslation({ sql, tokens: translation.tokens }),
    asciiLiterals: asciiLiterals(translation.tokens),
    allowed: sqliteStatementAllowed(translation.sql),
  };
  // only what runs on the run's thread, at most 4 KiB (a worker's statement costs far more than its
  // reading), under a copy of the text: the reply it was cut from is not kept alive with it
  if (!text.bounded) return text;
  texts.set(Buffer.from(sql, "utf8").toString("utf8"), text);
  if (texts.size > statementCacheSize) texts.delete(texts.keys().next().value as string);
  return text;
}

/**
 * Statement kinds a MySQL client can send that SQLite runs the same way. Everything else (ATTACH,
 * DETACH, PRAGMA, VACUUM, REINDEX, ANALYZE, CREATE VIRTUAL TABLE) is a syntax error in MySQL too.
 */
const allowedStatements = new Set([
  "select",
  "with",
  "insert",
  "update",
  "delete",
  "replace",
  "create",
  "drop",
  "alter",
  "values",
  "begin",
  "commit",
  "rollback",
  "savepoint",
  "release",
  "explain",
]);

export function sqliteStatementAllowed(sqliteSql: string): boolean {
  const words = sqliteSql
    .replace(/\/\*[\s\S]*?(\*\/|$)|--[^\n]*/g, " ")
    .replace(/^[\s(]+/, "")
    .split(/[^A-Za-z_]+/, 3)
    .map((w) => w.toLowerCase());
  const [first = "", second = ""] = words;
  if (!allowedStatements.has(first)) return false;
  return !(first === "create" && second === "virtual");
}
