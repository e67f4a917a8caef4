import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readYamlConfig } from "./config-file.js";

const schema = z.strictObject({
  teacher: z.string().default("oracle"),
  concurrency: z.number().int().positive().default(4),
  envs: z.record(
    z.string(),
    z.strictObject({ count: z.number().int().positive(), samples: z.number().int().default(1) }),
  ),
  decontam: z.strictObject({ eval: z.array(z.string()).default([]) }).optional(),
});
const dir = mkdtempSync(join(tmpdir(), "config-"));
const read = (text: string) => {
  const file = join(dir, "agenttune.yaml");
  writeFileSync(file, text);
  return () => readYamlConfig(file, schema);
};

describe("readYamlConfig", () => {
  it("parses a valid file with defaults", () => {
    expect(read("envs:\n  db: { count: 3 }\n")()).toEqual({
      teacher: "oracle",
      concurrency: 4,
      envs: { db: { count: 3, samples: 1 } },
    });
  });

  it("a misspelt top-level key is an error at its line with the key it resembles", () => {
    expect(read("envs:\n  db: { count: 3 }\nteachr: openai:gpt-4\n")).toThrow(
      /agenttune\.yaml:3: teachr: unknown key \(did you mean "teacher"\?\)$/,
    );
  });

  it("finds unknown keys inside records and nested objects", () => {
    expect(read("envs:\n  db:\n    count: 3\n    sampels: 2\n")).toThrow(
      /agenttune\.yaml:4: envs\.db\.sampels: unknown key \(did you mean "samples"\?\)/,
    );
    expect(read("envs:\n  db: { count: 3 }\ndecontam:\n  evals: [a]\n")).toThrow(
      /:4: decontam\.evals: unknown key \(did you mean "eval"\?\)/,
    );
  });

  it("lists the known keys when nothing is close", () => {
    expect(read("envs:\n  db: { count: 3 }\nzzz: 1\n")).toThrow(
      /:3: zzz: unknown key \(known: teacher, concurrency, envs, decontam\)/,
    );
  });

  it("wrong values and missing keys name the line", () => {
    expect(read("concurrency: many\nenvs:\n  db: { count: 3 }\n")).toThrow(/:1: concurrency: Invalid input/);
    expect(read("envs:\n  db:\n    samples: 2\n")).toThrow(
      /:2: envs\.db\.count: missing \(expected number\)/,
    );
  });

  it("broken YAML and a missing file are one line each", () => {
    expect(read("envs:\n  db: [\n")).toThrow(/agenttune\.yaml:\d+: invalid YAML: /);
    expect(() => readYamlConfig(join(dir, "nope.yaml"), schema)).toThrow(/nope\.yaml: file not found$/);
  });
});
