import { describe, expect, it } from "vitest";
import { boundedStatementMaxChars, isBoundedStatement, maxFunctionCalls } from "./sqlite-bounded.js";

describe("isBoundedStatement", () => {
  it.each([
    "SELECT `Name` FROM `Players` WHERE `Age` > 30 AND `Team` = 'Lakers' ORDER BY `Age` DESC LIMIT 3",
    "SELECT COUNT(*), AVG(score) FROM t GROUP BY team HAVING COUNT(*) > 1",
    "select distinct lower(a) as k from t as x where b like '%foo%' and c not like 'a_c'",
    "UPDATE t SET a = CONCAT(a, 'x'), b = b + 1 WHERE c = 'y'",
    "INSERT INTO t (a, b) VALUES ('1', '2'), ('3', '4')",
    "INSERT INTO t SELECT * FROM t WHERE a = '1'",
    "DELETE FROM t WHERE LEFT(name, 2) = 'ab'",
    "SELECT IF(a > 1, 'y', 'n'), CAST(b AS CHAR(20)), ROUND(c, 2) FROM t",
    "SELECT 1",
    "SELECT 1; SELECT 2", // refused as MySQL refuses it, before it runs
    `SELECT ${Array(maxFunctionCalls).fill("UPPER(a)").join(", ")} FROM t`,
  ])("bounded: %s", (sql) => expect(isBoundedStatement(sql)).toBe(true));

  it.each([
    [
      "a recursive CTE",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c",
    ],
    ["a comma join", "SELECT COUNT(*) FROM t, t AS b, t AS c"],
    ["a join", "SELECT * FROM t JOIN u ON t.a = u.a"],
    ["a subquery", "SELECT * FROM t WHERE a IN (SELECT a FROM t)"],
    ["a derived table", "SELECT * FROM (SELECT 1) AS x"],
    ["a compound", "SELECT a FROM t UNION SELECT a FROM t"],
    ["EXISTS", "SELECT 1 WHERE EXISTS (SELECT 1)"],
    ["a multi-table update", "UPDATE t, u SET t.a = u.a"],
    ["many wildcards", "SELECT * FROM t WHERE a LIKE '%a%a%a%a%b'"],
    ["a long pattern", `SELECT * FROM t WHERE a LIKE '%${"a".repeat(80)}'`],
    ["a pattern from a column", "SELECT * FROM t WHERE 'aaaa' LIKE a"],
    ["a pattern that is an expression", "SELECT * FROM t WHERE a LIKE '%a' || b"],
    ["`||`", "SELECT a || b FROM t"],
    ["REPEAT", "SELECT REPEAT('a', 100000000)"],
    ["SPACE", "SELECT SPACE(100000000)"],
    ["REPLACE", "UPDATE t SET a = REPLACE(a, 'a', a)"],
    ["CHAR()", "INSERT INTO t VALUES (CHAR(233))"],
    ["GLOB", "SELECT * FROM t WHERE a GLOB '*a*'"],
    ["REGEXP", "SELECT * FROM t WHERE a REGEXP '(a+)+b'"],
    ["a window", "SELECT SUM(a) OVER () FROM t"],
    ["a transaction", "BEGIN"],
    ["a file statement", "ATTACH '/etc/passwd' AS p"],
    ["a schema change", "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW DELETE FROM t"],
    ["a backquoted function", "SELECT `concat`(a) FROM t"],
    ["a long statement", `SELECT '${"a".repeat(boundedStatementMaxChars)}'`],
    // each call may run once per row: 560 MD5s of a grown column held the thread 181 ms
    [
      `${maxFunctionCalls + 1} function calls`,
      `SELECT ${Array(maxFunctionCalls + 1)
        .fill("MD5(a)")
        .join(", ")} FROM t`,
    ],
  ])("not bounded: %s", (_why, sql) => expect(isBoundedStatement(sql)).toBe(false));
});
