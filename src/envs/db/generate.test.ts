import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateTasksFile } from "../../data/index.js";
import type { ChatModel } from "../../models/index.js";
import { generateDbTasks, taskTypes } from "./generate.js";
import type { DbTask } from "./tasks.js";
import { inferTheme } from "./themes.js";

async function collect(options: Parameters<typeof generateDbTasks>[0]): Promise<DbTask[]> {
  const tasks: DbTask[] = [];
  for await (const task of generateDbTasks(options)) tasks.push(task);
  return tasks;
}

describe("task derivation (--from)", () => {
  const dir = mkdtempSync(join(tmpdir(), "derive-"));
  const table = {
    table_name: "Ferry Routes",
    table_info: {
      columns: [{ name: "Route" }, { name: "Operator" }, { name: "Length (km)" }, { name: "Port" }],
      rows: [
        ["Ash–Bay", "Nordline", "12", "Ash"],
        ["Bay–Cove", "Nordline", "30", "Bay"],
        ["Cove–Dune", "Seaway", "7", "Cove"],
        ["Dune–Elm", "Seaway", "19", "Dune"],
        ["Elm–Fir", "Nordline", "44", "Elm"],
        ["Fir–Ash", "Seaway", "23", "Fir"],
      ],
    },
  };

  it("finds the roles of an existing table's columns", () => {
    expect(inferTheme(table)).toMatchObject({
      key: "Route",
      category: "Operator",
      numbers: [{ name: "Length (km)", lo: 7, hi: 44 }],
      extra: "Port",
    });
  });

  it("builds verified tasks of every type over the source tables", async () => {
    const source = join(dir, "source.jsonl");
    writeFileSync(source, `${JSON.stringify({ description: "q", type: ["other"], label: ["x"], table })}\n`);
    const out = join(dir, "derived.jsonl");
    const report = await generateTasksFile({ env: "db", count: 22, seed: 2, out, source });
    expect(report).toMatchObject({ verified: 22, unverified: 0 });
    const tasks = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as DbTask);
    expect(new Set(tasks.map((t) => t.table.table_name))).toEqual(new Set(["Ferry Routes"]));
    expect(new Set(tasks.map((t) => t.type[0]))).toEqual(new Set(taskTypes));
  });

  it("says so when no source table can be used", async () => {
    const fixture = new URL("../../../test/fixtures/dbbench-sample.jsonl", import.meta.url).pathname;
    await expect(collect({ count: 1, seed: 1, source: fixture })).rejects.toThrow(
      /no table with a key column and a category column/,
    );
  });
});

describe("generateDbTasks", () => {
  it("makes tasks of every dbbench type, deterministically by seed", async () => {
    const a = await collect({ count: 44, seed: 3 });
    const b = await collect({ count: 44, seed: 3 });
    expect(a).toEqual(b);
    expect(taskTypes).toHaveLength(11); // every dbbench type, plus DELETE
    expect(new Set(a.map((t) => t.type[0]))).toEqual(new Set(taskTypes));
    expect((await collect({ count: 44, seed: 4 })).map((t) => t.description)).not.toEqual(
      a.map((t) => t.description),
    );
  });

  it("keeps only tasks the oracle solves on the backend (all of them, for the built-in generator)", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "gen-")), "db.jsonl");
    const report = await generateTasksFile({ env: "db", count: 60, seed: 11, out });
    expect(report).toMatchObject({ verified: 60, unverified: 0 });
    expect(report.generated).toBe(60 + report.duplicates + report.nearDuplicates);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(60);
  });

  it("self-instructs with a model and keeps only proposals whose SQL verifies", async () => {
    let call = 0;
    const model: ChatModel = {
      id: "proposer",
      complete: async (messages) => {
        const table = /named `(.*?)`/.exec(messages[0]?.content ?? "")?.[1] ?? "";
        const proposals = [
          `{"description": "How many rows are there?", "sql": "SELECT COUNT(*) FROM \`${table}\`"}`,
          `{"description": "Broken", "sql": "SELEC nothing"}`,
          "no json here",
        ];
        return { text: proposals[call++ % 3] ?? "" };
      },
    };
    const tasks = await collect({ count: 2, seed: 1, model });
    expect(tasks).toHaveLength(2);
    expect(tasks.every((t) => t.description === "How many rows are there?")).toBe(true);
    expect(tasks.every((t) => Number(t.label[0]) > 0)).toBe(true);
  });
});
