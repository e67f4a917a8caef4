// Generation verifies every task with the oracle on the real backend; a backend that fails must stop
// it with the reason, never pass for "0 verified".
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChatModel } from "../models/index.js";
import { generateTasksFile } from "./generate-tasks.js";

describe("generateTasksFile", () => {
  it("stops with the backend's error when verification cannot run", async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 500;
      res.end("down");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(
        generateTasksFile({
          env: "kg",
          count: 2,
          out: join(mkdtempSync(join(tmpdir(), "gen-")), "kg.jsonl"),
          backend: `http://127.0.0.1:${port}/sparql`,
        }),
      ).rejects.toThrow(
        /kg: the backend failed while verifying a generated task: SPARQL endpoint .*HTTP 500/,
      );
    } finally {
      server.close();
    }
  });

  it("self-instruct that verifies nothing says why, and leaves no empty file behind", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "gen-")), "db.jsonl");
    const chatty: ChatModel = { id: "chatty", complete: async () => ({ text: "Sure! Here is a task." }) };
    await expect(generateTasksFile({ env: "db", count: 2, out, model: chatty })).rejects.toThrow(
      /^db: no task verified out of 0 proposed; dropped: the reply holds no JSON line with "description" and "sql" ×120; nothing written to /,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);

    // gold SQL that fails on the table is named too
    const wrong: ChatModel = {
      id: "wrong",
      complete: async () => ({
        text: '{"description": "How many rows?", "sql": "SELECT COUNT(*) FROM nowhere"}',
      }),
    };
    await expect(generateTasksFile({ env: "db", count: 1, out, model: wrong })).rejects.toThrow(
      /dropped: its gold SQL fails or returns nothing on the table ×60/,
    );
  });
});
