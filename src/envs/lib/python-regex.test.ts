import { describe, expect, it } from "vitest";
import { pythonRegex } from "./python-regex.js";

// each case: what CPython's re.search(pattern, text) returns (match or None)
describe("pythonRegex", () => {
  it.each([
    [String.raw`^\d+$`, "220", true],
    [String.raw`(?P<n>\w+) (?P=n)`, "hey hey", true],
    [String.raw`(?P<n>\w+) (?P=n)`, "hey you", true], // "y y"
    [String.raw`^(?P<n>\w+) (?P=n)$`, "hey you", false],
    [String.raw`\Aroot\Z`, "root", true],
    [String.raw`\Aroot\Z`, "root\n", false], // \Z is the very end (unlike $)
    ["root$", "root\n", true], // Python's $ also matches before a final newline
    ["^a[$]b", "a$b", true],
    ["(?i)ubuntu", "Ubuntu 22.04", true],
    ["(?s)a.b", "a\nb", true],
    ["a.b", "a\nb", false],
  ])("%s on %j", (pattern, text, expected) => {
    expect(pythonRegex(pattern).test(text)).toBe(expected);
  });

  it("refuses verbose mode instead of misreading it", () => {
    expect(() => pythonRegex("(?x) a b")).toThrow(/verbose mode/);
  });
});
