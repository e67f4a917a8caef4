// Generation verifies every task with the oracle on the real backend; a backend that fails must stop
// it with the reason, never pass for "0 verified".
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
});
