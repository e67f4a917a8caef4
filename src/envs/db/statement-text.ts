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

/**
 * The latest texts, oldest dropped first. The order is kept in a ring of keys: taking a Map's first key
 * walks past every entry deleted since its last rehash, hundreds of them when the map is full.
 */
class LatestTexts {
  private readonly byText = new Map<string, StatementText>();
  private readonly order: (string | undefined)[] = new Array(statementCacheSize).fill(undefined);
  private next = 0;

  get(sql: string): StatementText | undefined {
    return this.byText.get(sql);
  }

  /** For a text not remembered yet. */
  add(sql: string, text: StatementText): void {
    const oldest = this.order[this.next];
    if (oldest !== undefined) this.byText.delete(oldest);
    this.order[this.next] = sql;
    this.next = (this.next + 1) % statementCacheSize;
    this.byText.set(sql, text);
  }
}

/**
 * What a database's data says about how a statement translates: "given-plain" is the table as given
 * (nothing written yet) with every value printable ASCII and none ending in a space; "ascii" every value
 * printable ASCII; "other" anything else.
 */
export type DataKind = "given-plain" | "ascii" | "other";

// one per data kind: the statement's own string is the key (its hash is computed once per string)
const remembered: Record<DataKind, LatestTexts> = {
  "given-plain": new LatestTexts(),
  ascii: new LatestTexts(),
  other: new LatestTexts(),
};

/**
 * The statement's text read for a kind of data (they translate differently). Throws what toSqlite
 * throws, and remembers nothing then.
 */
export function readStatement(sql: string, data: DataKind): StatementText {
  const texts = remembered[data];
  const hit = texts.get(sql);
  if (hit) return hit;
  let translation = toSqlite(sql, { asciiData: data !== "other", givenPlainData: data === "given-plain" });
  const bounded = isBoundedTranslation({ sql, tokens: translation.tokens });
  // the plain comparisons hold for a bounded statement only (one table, no subquery)
  if (data === "given-plain" && !bounded) translation = toSqlite(sql, { asciiData: true });
  const text: StatementText = {
    sql: translation.sql,
    tokens: translation.tokens.length,
    bounded,
    asciiLiterals: asciiLiterals(translation.tokens),
    allowed: sqliteStatementAllowed(translation.sql),
  };
  // only what runs on the run's thread, at most 4 KiB (a worker's statement costs far more than its
  // reading), under a copy of the text: the reply it was cut from is not kept alive with it
  if (!text.bounded) return text;
  // (the concatenation is flattened into a new string; its slice refers to that string only)
  texts.add(` ${sql}`.slice(1), text);
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
  const [first, second] = firstTwoWords(sqliteSql);
  if (!allowedStatements.has(first)) return false;
  return !(first === "create" && second === "virtual");
}

/** The first two words (letters and _), lower-cased, after any spaces and "(" and outside comments. */
function firstTwoWords(sql: string): [string, string] {
  // a translation has no comments (toSqlite drops them): the text is scanned as it is
  if (sql.includes("--") || sql.includes("/*")) {
    const [first = "", second = ""] = sql
      .replace(/\/\*[\s\S]*?(\*\/|$)|--[^\n]*/g, " ")
      .replace(/^[\s(]+/, "")
      .split(/[^A-Za-z_]+/, 3)
      .map((w) => w.toLowerCase());
    return [first, second];
  }
  let pos = 0;
  while (pos < sql.length && /[\s(]/.test(sql[pos] as string)) pos++;
  const firstEnd = skipLetters(sql, pos);
  let secondStart = firstEnd;
  while (secondStart < sql.length && skipLetters(sql, secondStart) === secondStart) secondStart++;
  // a text that starts with no letter has an empty first word, as split() gives
  const second = firstEnd > pos ? sql.slice(secondStart, skipLetters(sql, secondStart)) : "";
  return [sql.slice(pos, firstEnd).toLowerCase(), second.toLowerCase()];
}

function skipLetters(sql: string, pos: number): number {
  let end = pos;
  for (let code = sql.charCodeAt(end); end < sql.length; code = sql.charCodeAt(++end))
    if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f)) break;
  return end;
}
