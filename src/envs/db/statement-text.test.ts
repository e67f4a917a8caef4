import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { parseDbAction } from "./action.js";
import { asciiLiterals, toSqlite } from "./mysql-dialect.js";
import { boundedStatementMaxChars, isBoundedTranslation } from "./sqlite-bounded.js";
import { readStatement, sqliteStatementAllowed, statementCacheSize } from "./statement-text.js";

describe("readStatement", () => {
  it("is what toSqlite and the checks say of the text, remembered per text and data kind", () => {
    const sql = "SELECT `Name` FROM `t` WHERE `Kind` = 'West'";
    const first = readStatement(sql, "ascii");
    const translation = toSqlite(sql, { asciiData: true });
    expect(first).toEqual({
      sql: translation.sql,
      tokens: translation.tokens.length,
      bounded: isBoundedTranslation({ sql, tokens: translation.tokens }),
      asciiLiterals: asciiLiterals(translation.tokens),
      allowed: true,
    });
    expect(first.bounded).toBe(true);
    expect(readStatement(sql, "ascii")).toBe(first);
    // data that is not all ASCII folds differently: its own entry
    const unicode = readStatement(sql, "other");
    expect(unicode).not.toBe(first);
    expect(unicode.sql).toBe(toSqlite(sql, { asciiData: false }).sql);
    // as many other statements push the oldest out, of their own kind only
    for (let i = 0; i < statementCacheSize; i++) readStatement(`SELECT ${i}`, "ascii");
    expect(readStatement(sql, "other")).toBe(unicode);
    expect(readStatement(sql, "ascii")).not.toBe(first);
    expect(readStatement(sql, "ascii")).toEqual(first);
  });

  it("remembers only bounded texts (at most 4 KiB): the others run in a worker, where reading is not the cost", () => {
    const unbounded = "SELECT COUNT(*) FROM t AS p, t AS q";
    expect(readStatement(unbounded, "ascii").bounded).toBe(false);
    expect(readStatement(unbounded, "ascii")).not.toBe(readStatement(unbounded, "ascii"));
    const long = `SELECT a FROM t WHERE a = '${"x".repeat(boundedStatementMaxChars)}'`;
    expect(readStatement(long, "ascii")).not.toBe(readStatement(long, "ascii"));
    expect(readStatement(long, "ascii")).toEqual(readStatement(long, "ascii"));
  });

  it("keeps no reply alive: a statement cut from a long reply is remembered under a copy", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 64; i++) {
      // 1 MiB of text after the statement, which the regex reads as one flat string
      const reply = `Action: Operation\n\`\`\`sql\nSELECT a FROM t WHERE a = 'kept ${i}'\n\`\`\`\n${"y".repeat(1 << 20)}`;
      const action = parseDbAction(reply);
      if (action.kind !== "operation") throw new Error("not an operation");
      expect(readStatement(action.sql, "ascii").bounded).toBe(true);
    }
    gc();
    // 64 MiB if each remembered text held its reply
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("remembers nothing for a text that does not translate: it throws each time", () => {
    expect(() => readStatement("SELECT 'open", "ascii")).toThrow();
    expect(() => readStatement("SELECT 'open", "ascii")).toThrow();
  });

  it("marks SQLite's own statements as not allowed and unbounded ones as such", () => {
    expect(readStatement("ATTACH DATABASE '/etc/passwd' AS p", "ascii").allowed).toBe(false);
    expect(readStatement("PRAGMA table_info(t)", "ascii").allowed).toBe(false);
    expect(sqliteStatementAllowed("CREATE VIRTUAL TABLE v USING fts5(x)")).toBe(false);
    expect(readStatement("SELECT * FROM t a, t b, t c, t d", "ascii").bounded).toBe(false);
    expect(readStatement("INSERT INTO t VALUES ('é')", "ascii").asciiLiterals).toBe(false);
  });
});

describe("sqliteStatementAllowed", () => {
  /** The rule as patterns: comments out, leading spaces and "(" off, the first two words. */
  function allowedByPatterns(sql: string): boolean {
    const [first = "", second = ""] = sql
      .replace(/\/\*[\s\S]*?(\*\/|$)|--[^\n]*/g, " ")
      .replace(/^[\s(]+/, "")
      .split(/[^A-Za-z_]+/, 3)
      .map((w) => w.toLowerCase());
    const kinds = ["select", "with", "insert", "update", "delete", "replace", "create", "drop", "alter"];
    const more = ["values", "begin", "commit", "rollback", "savepoint", "release", "explain"];
    if (![...kinds, ...more].includes(first)) return false;
    return !(first === "create" && second === "virtual");
  }

  it("reads the first two words as the patterns do", () => {
    const texts = [
      "SELECT 1",
      "  ((select 1))",
      "CREATE VIRTUAL TABLE v USING fts5(x)",
      "create\u00a0virtual table v",
      "CREATE /* x */ VIRTUAL TABLE v",
      "CREATE -- x\nVIRTUAL TABLE v",
      "CREATE TABLE virtual (a)",
      'ATTACH "x" AS y',
      "PRAGMA table_info(t)",
      "VACUUM INTO '/tmp/x'",
      "/* ATTACH */ SELECT 1",
      "-- SELECT\nATTACH 'x' AS y",
      '"select" 1',
      "",
      "(",
      "explain select 1",
      "Select_x 1",
      "WITH x AS (SELECT 1) SELECT * FROM x",
      "créate table t",
    ];
    for (const sql of texts) expect(sqliteStatementAllowed(sql), sql).toBe(allowedByPatterns(sql));
  });
});
