// Ordinary OS errors a user causes (a file where a folder goes, a folder where a file goes, a port in
// use) come out as one line naming the path or port, with no stack trace.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { systemErrorLine } from "./system-errors.js";
import { agenttune } from "./test-helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "agenttune-oserr-"));
const file = join(dir, "a-file");
writeFileSync(file, "x");

function oneLine(result: { code: number; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("OS errors", () => {
  it("names the path or port and what to do", () => {
    expect(systemErrorLine({ code: "ENOTDIR", path: "/x/y" })).toBe(
      "/x/y: a part of this path is a file, not a folder",
    );
    expect(systemErrorLine({ code: "EADDRINUSE", port: 80, address: "127.0.0.1" })).toBe(
      "port 80 on 127.0.0.1 is in use: pick another with --port",
    );
    expect(systemErrorLine(new Error("plain"))).toBeUndefined();
  });

  it("quickstart --out under a file, eval --out a file, report --out a folder, view on a busy port", async () => {
    oneLine(
      await agenttune("quickstart", "--out", join(file, "q")),
      /a-file\/q.*: a part of this path is a file/,
    );
    const tasks = join(dir, "tasks.jsonl");
    expect((await agenttune("tasks", "generate", "--env", "db", "--count", "2", "--out", tasks)).code).toBe(
      0,
    );
    oneLine(
      await agenttune("eval", "--env", "db", "--tasks", tasks, "--model", "oracle", "--out", file),
      /a-file: already exists and is not a folder/,
    );
    const run = join(dir, "run");
    expect(
      (await agenttune("eval", "--env", "db", "--tasks", tasks, "--model", "oracle", "--out", run)).code,
    ).toBe(0);
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    oneLine(await agenttune("report", run, "--out", folder), /a-folder: is a folder, a file is needed here/);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      oneLine(await agenttune("view", run, "--port", String(port)), new RegExp(`port ${port} .*is in use`));
    } finally {
      busy.close();
    }
  });
});
