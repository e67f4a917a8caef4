import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AppendLog } from "./append-log.js";

const dir = mkdtempSync(join(tmpdir(), "append-log-"));

describe("AppendLog", () => {
  it("appends one JSON line per record", () => {
    const path = join(dir, "plain.jsonl");
    const log = new AppendLog(path);
    log.append({ a: 1 });
    log.append({ b: "x\ny" });
    log.close();
    expect(readFileSync(path, "utf8")).toBe('{"a":1}\n{"b":"x\\ny"}\n');
  });

  it("cuts a torn last line when reopened and keeps every whole line", () => {
    const path = join(dir, "torn.jsonl");
    appendFileSync(path, '{"a":1}\n{"a":2}\n{"a":');
    const log = new AppendLog(path);
    expect(log.repairedBytes).toBe(5);
    log.append({ a: 3 });
    log.close();
    expect(readFileSync(path, "utf8")).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');
  });

  it("leaves only whole lines after the writer is killed with SIGKILL", async () => {
    const path = join(dir, "killed.jsonl");
    const script = `
      import { AppendLog } from ${JSON.stringify(new URL("./append-log.ts", import.meta.url).pathname)};
      const log = new AppendLog(${JSON.stringify(path)});
      const pad = "x".repeat(5000);
      for (let i = 0; ; i++) { log.append({ i, pad }); if (i === 50) process.stdout.write("go\\n"); }
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    new AppendLog(path).close(); // reopen repairs a torn tail, if the kill made one
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.length).toBeGreaterThan(50);
    for (const [i, line] of lines.entries()) expect(JSON.parse(line).i).toBe(i);
  });
});
