import { describe, expect, it } from "vitest";
import { tokenize } from "./mysql-tokens.js";

/**
 * The tokenizer as plain patterns, one per token kind, tried in order at every character: the reading
 * tokenize's ASCII shortcuts must give on any text.
 */
function tokenizeByPatterns(sql: string): { type: string; text: string; start: number }[] {
  const patterns: [string, RegExp][] = [
    ["ws", /\s+/y],
    ["comment", /--\s[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//y],
    ["number", /(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)(?![\w$])/iy],
    ["word", /[\p{L}\p{N}_$]+/uy],
    ["op", /<=>|<=|>=|<>|!=|=|<|>/y],
  ];
  const tokens: { type: string; text: string; start: number }[] = [];
  let pos = 0;
  next: while (pos < sql.length) {
    const ch = sql[pos] as string;
    if (ch === "'" || ch === '"' || ch === "`") {
      // the quoted readers are shared: take tokenize's token for the quote
      const token = tokenize(sql.slice(pos))[0] as { type: string; text: string };
      tokens.push({ type: token.type, text: token.text, start: pos });
      pos += token.text.length;
      continue;
    }
    for (const [type, pattern] of patterns) {
      pattern.lastIndex = pos;
      if (pattern.test(sql) && pattern.lastIndex > pos) {
        tokens.push({ type, text: sql.slice(pos, pattern.lastIndex), start: pos });
        pos = pattern.lastIndex;
        continue next;
      }
    }
    tokens.push({ type: "punct", text: ch, start: pos });
    pos++;
  }
  return tokens;
}

const strip = (tokens: readonly { type: string; text: string; start: number }[]) =>
  tokens.map(({ type, text, start }) => ({ type, text, start }));

describe("tokenize", () => {
  it("reads statements as the plain patterns do", () => {
    for (const sql of [
      "SELECT `Library` FROM `city_libraries` WHERE `District` = 'West' AND `Books` > 6170",
      "select a,b from t where x<=>1.5e3 and y!=.5 -- done\n#c\n/* x */ limit 3;",
      "SELECT naïve_col, ＡＢＣ, 1952_British_Grand_Prix_0 FROM t\u00a0WHERE a\u3000= 'x'",
      "SELECT $a, _b, a$1, 12abc, 1.e5, 3e+, x-1, x--1, x/*y, !a, ! = 1",
      "SELECT 😀, a😀b, \u2028, tab\there",
    ])
      expect(strip(tokenize(sql))).toEqual(tokenizeByPatterns(sql));
  });

  it("reads random texts as the plain patterns do", () => {
    const alphabet = [
      ..."aZ_$09 .\t\n\r\v\f-#/*<>=!(),;+%e'\"`\\",
      "é",
      "\u00a0",
      "\u3000",
      "ß",
      "😀",
      "٣",
      "\ud800",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 3000; n++) {
      let sql = "";
      const length = 1 + Math.floor(random() * 24);
      for (let i = 0; i < length; i++) sql += alphabet[Math.floor(random() * alphabet.length)];
      let expected: unknown;
      try {
        expected = tokenizeByPatterns(sql);
      } catch (error) {
        expected = error;
      }
      if (expected instanceof Error) expect(() => tokenize(sql), sql).toThrow(expected.message);
      else {
        expect(strip(tokenize(sql)), JSON.stringify(sql)).toEqual(expected);
        const solid = (expected as { type: string }[]).filter((t) => t.type !== "ws" && t.type !== "comment");
        expect(strip(tokenize(sql, { spaces: false })), JSON.stringify(sql)).toEqual(solid);
      }
    }
  });
});
