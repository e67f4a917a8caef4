import { describe, expect, it } from "vitest";
import { asciiLiterals, toSqlite } from "./mysql-dialect.js";
import { boundedStatementMaxChars, isBoundedTranslation } from "./sqlite-bounded.js";
import { readStatement, sqliteStatementAllowed, statementCacheSize } from "./statement-text.js";

describe("readStatement", () => {
  it("is what toSqlite and the checks say of the text, remembered per text and data kind", () => {
    const sql = "SELECT `Name` FROM `t` WHERE `Kind` = 'West'";
    const first = readStatement(sql, true);
    const translation = toSqlite(sql, { asciiData: true });
    expect(first).toEqual({
      sql: translation.sql,
      tokens: translation.tokens.length,
      bounded: isBoundedTranslation({ sql, tokens: translation.tokens }),
      asciiLiterals: asciiLiterals(translation.tokens),
      allowed: true,
    });
    expect(first.bounded).toBe(true);
    expect(readStatement(sql, true)).toBe(first);
    // data that is not all ASCII folds differently: its own entry
    const unicode = readStatement(sql, false);
    expect(unicode).not.toBe(first);
    expect(unicode.sql).toBe(toSqlite(sql, { asciiData: false }).sql);
    // as many other statements push the oldest out, of their own kind only
    for (let i = 0; i < statementCacheSize; i++) readStatement(`SELECT ${i}`, true);
    expect(readStatement(sql, false)).toBe(unicode);
    expect(readStatement(sql, true)).not.toBe(first);
    expect(readStatement(sql, true)).toEqual(first);
  });

  it("remembers only bounded texts (at most 4 KiB): the others run in a worker, where reading is not the cost", () => {
    const unbounded = "SELECT COUNT(*) FROM t AS p, t AS q";
    expect(readStatement(unbounded, true).bounded).toBe(false);
    expect(readStatement(unbounded, true)).not.toBe(readStatement(unbounded, true));
    const long = `SELECT a FROM t WHERE a = '${"x".repeat(boundedStatementMaxChars)}'`;
    expect(readStatement(long, true)).not.toBe(readStatement(long, true));
    expect(readStatement(long, true)).toEqual(readStatement(long, true));
  });

  it("remembers nothing for a text that does not translate: it throws each time", () => {
    expect(() => readStatement("SELECT 'open", true)).toThrow();
    expect(() => readStatement("SELECT 'open", true)).toThrow();
  });

  it("marks SQLite's own statements as not allowed and unbounded ones as such", () => {
    expect(readStatement("ATTACH DATABASE '/etc/passwd' AS p", true).allowed).toBe(false);
    expect(readStatement("PRAGMA table_info(t)", true).allowed).toBe(false);
    expect(sqliteStatementAllowed("CREATE VIRTUAL TABLE v USING fts5(x)")).toBe(false);
    expect(readStatement("SELECT * FROM t a, t b, t c, t d", true).bounded).toBe(false);
    expect(readStatement("INSERT INTO t VALUES ('é')", true).asciiLiterals).toBe(false);
  });
});
