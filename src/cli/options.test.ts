import { describe, expect, it } from "vitest";
import { share } from "./options.js";
import { agenttune } from "./test-helpers/run-cli.js";

describe("flag parsing", () => {
  it("eta is a number from 0 to 1", () => {
    expect(share("0.2")).toBe(0.2);
    for (const bad of ["abc", "", "1.5", "-0.1", "NaN"]) expect(() => share(bad)).toThrow(/from 0 to 1/);
  });

  it("an argument error is one line and a pointer to --help, not the whole help", async () => {
    const { code, stderr } = await agenttune(
      "mix",
      "--eta",
      "abc",
      "--agent",
      "a",
      "--general",
      "g",
      "--out",
      "o",
    );
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      "error: option '--eta <share>' argument 'abc' is invalid. expected a number from 0 to 1, e.g. 0.2",
      "(run with --help for usage)",
    ]);
  });
});
