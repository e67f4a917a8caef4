import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "./errors/index.js";
import { readJsonlAll } from "./jsonl.js";

const schema = z.object({ taskId: z.string(), replies: z.array(z.string()) });
const dir = mkdtempSync(join(tmpdir(), "jsonl-"));

function file(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("readJsonlAll", () => {
  it("reads records with their line numbers, skipping blank lines", async () => {
    const path = file("ok.jsonl", '{"taskId":"a","replies":[]}\n\n{"taskId":"b","replies":["x"]}\n');
    const records = await readJsonlAll(path, schema);
    expect(records.map((r) => [r.line, r.value.taskId])).toEqual([
      [1, "a"],
      [3, "b"],
    ]);
  });

  it("names file, line and field of a record that fails the schema", async () => {
    const path = file("bad-field.jsonl", '{"taskId":"a","replies":[]}\n{"taskId":"b","replies":[1]}\n');
    await expect(readJsonlAll(path, schema)).rejects.toThrow(`${path}:2: replies.0:`);
  });

  it("names file and line of malformed JSON", async () => {
    const path = file("bad-json.jsonl", '{"taskId":"a","replies":[]}\n{"taskId": oops}\n');
    const error = await readJsonlAll(path, schema).catch((e) => e);
    expect(InputError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(new RegExp(`^${path}:2: invalid JSON`));
  });

  it("drops a torn last line only when asked to", async () => {
    const path = file("torn.jsonl", '{"taskId":"a","replies":[]}\n{"taskId":"b","rep');
    await expect(readJsonlAll(path, schema)).rejects.toThrow(":2: invalid JSON");
    const records = await readJsonlAll(path, schema, { tolerateTornTail: true });
    expect(records).toHaveLength(1);
  });

  it("fails on a complete last line that does not parse, even when torn ones are dropped", async () => {
    // a text file given as trajectories read as 0 records before: its one line ends with a newline
    const path = file("text.jsonl", "not json\n");
    await expect(readJsonlAll(path, schema, { tolerateTornTail: true })).rejects.toThrow(
      "text.jsonl:1: invalid JSON",
    );
    const wrong = file("wrong.jsonl", '{"taskId":"a","replies":[]}\n{"other":1}\n');
    await expect(readJsonlAll(wrong, schema, { tolerateTornTail: true })).rejects.toThrow("wrong.jsonl:2: ");
  });

  it("reports a missing file by name", async () => {
    await expect(readJsonlAll(join(dir, "nope.jsonl"), schema)).rejects.toThrow("nope.jsonl: file not found");
  });
});
