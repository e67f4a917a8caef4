// SQLite's errors as the texts MySQL's connector shows for the same mistakes (MariaDB 10.11).
import Database from "better-sqlite3";
import { clauseOf, toSqlite } from "./mysql-dialect.js";
import { MysqlSyntaxError } from "./mysql-tokens.js";

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
