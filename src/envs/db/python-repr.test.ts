import { describe, expect, it } from "vitest";
import { parsePythonLiteral } from "./python-literal.js";
import { formatRows, pythonFloatRepr, pythonStrRepr } from "./python-repr.js";

describe("python repr", () => {
  it("renders rows as Python tuples with a trailing comma for one column", () => {
    expect(formatRows([[{ kind: "str", value: "March 19, 1998" }]])).toBe("[('March 19, 1998',)]");
    expect(
      formatRows([
        [
          { kind: "str", value: "a" },
          { kind: "int", text: "6" },
        ],
        [null, { kind: "decimal", text: "3" }],
      ]),
    ).toBe("[('a', 6), (None, Decimal('3'))]");
    expect(formatRows([])).toBe("[]");
  });

  it("quotes strings like Python", () => {
    expect(pythonStrRepr("Don't")).toBe(`"Don't"`);
    expect(pythonStrRepr(`say "hi" don't`)).toBe(`'say "hi" don\\'t'`);
    expect(pythonStrRepr("a\\b\nc")).toBe("'a\\\\b\\nc'");
    expect(pythonStrRepr("2–1 café")).toBe("'2–1 café'");
  });

  it("prints floats like Python", () => {
    expect(pythonFloatRepr(3)).toBe("3.0");
    expect(pythonFloatRepr(10.5)).toBe("10.5");
    expect(pythonFloatRepr(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(pythonFloatRepr(1e16)).toBe("1e+16");
    expect(pythonFloatRepr(123456789012345.6)).toBe("123456789012345.6");
    expect(pythonFloatRepr(0.0001)).toBe("0.0001");
    expect(pythonFloatRepr(0.00001)).toBe("1e-05");
    expect(pythonFloatRepr(-2.5e-7)).toBe("-2.5e-07");
  });
});

describe("parsePythonLiteral", () => {
  it("parses lists, tuples, strings, numbers and None", () => {
    expect(parsePythonLiteral(` ["a", 'b', 1.5, -2, None]`)).toEqual(["a", "b", 1.5, -2, null]);
    expect(parsePythonLiteral("[('x',), ('y',)]")).toEqual([["x"], ["y"]]);
    expect(parsePythonLiteral(`["Don't", 'it\\'s']`)).toEqual(["Don't", "it's"]);
    expect(parsePythonLiteral("7")).toBe(7);
  });

  it("rejects what Python's eval would reject", () => {
    expect(() => parsePythonLiteral("[Giza]")).toThrow();
    expect(() => parsePythonLiteral("['a'")).toThrow();
    expect(() => parsePythonLiteral("'a' b")).toThrow();
  });
});
