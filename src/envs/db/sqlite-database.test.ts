import { describe, expect, it } from "vitest";
import { toSqlite } from "./mysql-dialect.js";
import { cachedTranslation } from "./sqlite-database.js";

describe("cachedTranslation", () => {
  it("is toSqlite's translation, remembered per text and data kind, the oldest dropped first", () => {
    const sql = "SELECT `Name` FROM `t` WHERE `Kind` = 'West'";
    const first = cachedTranslation(sql, true);
    expect(first).toEqual(toSqlite(sql, { asciiData: true }));
    expect(cachedTranslation(sql, true)).toBe(first);
    // non-ASCII data folds differently: its own entry
    const unicode = cachedTranslation(sql, false);
    expect(unicode).not.toBe(first);
    expect(unicode).toEqual(toSqlite(sql, { asciiData: false }));
    // 1,024 other statements push it out; a statement used again stays
    for (let i = 0; i < 1023; i++) {
      cachedTranslation(`SELECT ${i}`, true);
      if (i === 500) expect(cachedTranslation(sql, false)).toBe(unicode);
    }
    expect(cachedTranslation(sql, false)).toBe(unicode);
    expect(cachedTranslation(sql, true)).not.toBe(first);
    // a statement that does not translate is not remembered: it throws each time
    expect(() => cachedTranslation("SELECT 'open", true)).toThrow();
    expect(() => cachedTranslation("SELECT 'open", true)).toThrow();
  });
});
