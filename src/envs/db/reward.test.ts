import { describe, expect, it } from "vitest";
import { parseDbAction } from "./action.js";
import { answerItems, selectAnswerCorrect } from "./reward.js";
import { hashFromAnswerMd5, md5Hex, tableHash } from "./table-hash.js";

describe("selectAnswerCorrect", () => {
  it("compares single values as floats when both parse", () => {
    expect(selectAnswerCorrect(' ["1"]', ["1.0"])).toBe(true);
    expect(selectAnswerCorrect(" [32502]", ["32502.0"])).toBe(true);
    expect(selectAnswerCorrect(' ["1.5"]', ["1.0"])).toBe(false);
  });

  it("compares single non-numbers as strings, exactly", () => {
    expect(selectAnswerCorrect(' ["March 19, 1998"]', ["March 19, 1998"])).toBe(true);
    expect(selectAnswerCorrect(' ["march 19, 1998"]', ["March 19, 1998"])).toBe(false);
    expect(selectAnswerCorrect(" [None]", ["none"])).toBe(false);
    expect(selectAnswerCorrect(' ["none"]', ["none"])).toBe(true);
  });

  it("decodes Python's string escapes as AgentBench's eval does (4 standard-split tasks hinge on it)", () => {
    // AgentBench.old dbbench/__init__.py:191: `ans = list(eval(ans))`
    expect(selectAnswerCorrect(' ["Ole M\\u00f8rk"]', ["Ole Mørk"])).toBe(true);
    expect(selectAnswerCorrect(' ["63\\u201385"]', ["63–85"])).toBe(true);
    expect(selectAnswerCorrect(' ["\\u0110eravica"]', ["Đeravica"])).toBe(true);
    expect(answerItems(String.raw` ['\x41\101\U0001F600', 'a\db', "it\'s"]`)).toEqual([
      "AA😀",
      "a\\db",
      "it's",
    ]);
    expect(answerItems(String.raw` ["\u12"]`)).toEqual([String.raw` ["\u12"]`]); // truncated: eval raises
  });

  it("compares several values as sets", () => {
    expect(selectAnswerCorrect(` ['1–0', "2–0"]`, ["2–0", "1–0"])).toBe(true);
    expect(selectAnswerCorrect(` ['1–0', '1–0', "2–0"]`, ["2–0", "1–0"])).toBe(true);
    expect(selectAnswerCorrect(` ['1–0']`, ["2–0", "1–0"])).toBe(false);
    expect(selectAnswerCorrect(" [1, 2]", ["1", "2"])).toBe(false); // 1 != "1" in Python
  });

  it("falls back to the raw text as in AgentBench when eval fails", () => {
    expect(answerItems(" Giza")).toEqual([" Giza"]);
    expect(selectAnswerCorrect(" 26", ["26"])).toBe(true); // float(" 26") == float("26")
    expect(answerItems(" 'ab'")).toEqual(["a", "b"]); // list('ab') in Python
  });
});

describe("parseDbAction", () => {
  it("takes the first sql block of an operation, on one line", () => {
    const reply = "Think.\nAction: Operation\n```sql\nSELECT *\nFROM t;\n```\n```sql\nSELECT 2\n```";
    expect(parseDbAction(reply)).toEqual({ kind: "operation", sql: "SELECT * FROM t;" });
  });

  it("reads the final answer and rejects replies with neither", () => {
    expect(parseDbAction('ok\nAction: Answer\nFinal Answer: ["a"]')).toEqual({
      kind: "answer",
      answer: ' ["a"]',
    });
    expect(parseDbAction("Action: Operation\nSELECT 1").kind).toBe("invalid");
    expect(parseDbAction("I don't know").kind).toBe("invalid");
  });
});

describe("tableHash", () => {
  it("hashes as MySQL's md5(group_concat(substring(md5(concat_ws(',', …)), 1, 5) order by …))", () => {
    const rows = [
      ["b", null, "c"],
      ["a", "x", "y"],
    ];
    const rowHashes = [md5Hex("b,c").slice(0, 5), md5Hex("a,x,y").slice(0, 5)].sort();
    expect(tableHash(rows)).toBe(md5Hex(rowHashes.join(",")));
    expect(tableHash([])).toBeNull();
  });

  it("truncates the concatenation at group_concat_max_len (1024 bytes)", () => {
    const rows = Array.from({ length: 300 }, (_, i) => [String(i)]);
    const joined = rows
      .map((r) => md5Hex(r[0] ?? "").slice(0, 5))
      .sort()
      .join(",");
    expect(tableHash(rows)).toBe(md5Hex(joined.slice(0, 1024)));
  });

  it("reads the hash out of answer_md5", () => {
    expect(hashFromAnswerMd5("[('09aa8fbf72f39362970f95a1276b957c',)]")).toBe(
      "09aa8fbf72f39362970f95a1276b957c",
    );
  });
});
