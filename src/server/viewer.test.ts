import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../../test/helpers/chromium.js";
import type { Trajectory } from "../core/index.js";
import { runEval } from "../eval/index.js";
import { resultsFormatVersion } from "../runner/index.js";
import { createViewerApp, serveViewer, type Viewer } from "./viewer.js";

const dir = mkdtempSync(join(tmpdir(), "viewer-"));

function episode(i: number, pad = ""): Trajectory {
  const success = i % 3 === 0;
  return {
    id: `db/${i}/0`,
    env: "db",
    taskId: String(i),
    model: "m",
    messages: [
      { role: "user", content: `instructions${pad}` },
      { role: "assistant", content: "Ok.", loss: false },
      { role: "user", content: `question ${i}` },
      { role: "assistant", content: success ? 'Action: Answer\nFinal Answer: ["<b>4</b>"]' : "no idea" },
      // a tools-mode exchange: the call and its result
      ...(i === 5
        ? [
            {
              role: "assistant" as const,
              content: "",
              toolCalls: [{ id: "call_0", name: "execute_sql", arguments: '{"sql": "SELECT <1>"}' }],
            },
            { role: "tool" as const, toolCallId: "call_0", content: "[(1,)]" },
          ]
        : []),
    ],
    reward: success ? 1 : 0,
    success,
    turns: 1,
    ...(success ? {} : { failure: "invalid_format" as const }),
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 20,
  };
}

async function writeRun(name: string, count: number, pad = ""): Promise<string> {
  const run = join(dir, name);
  mkdirSync(run, { recursive: true });
  writeFileSync(
    join(run, "summary.json"),
    JSON.stringify({
      formatVersion: resultsFormatVersion,
      env: "db",
      model: "m",
      backend: "sqlite",
      tasks: count,
      complete: true,
      successRate: 0,
      averageReward: 0,
      metrics: {},
      failures: {},
      durationMs: 1,
    }),
  );
  const out = createWriteStream(join(run, "results.jsonl"));
  for (let i = 0; i < count; i++) {
    if (!out.write(`${JSON.stringify(episode(i, pad))}\n`))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return run;
}

describe("viewer", () => {
  it("lists runs, filters and pages episodes, and shows one conversation, escaped", async () => {
    const { app, runs } = await createViewerApp([await writeRun("small", 120)]);
    const name = runs[0]?.name ?? "";
    expect(await (await app.request("/")).text()).toContain("small");
    const failed = await (await app.request(`/runs/${name}?success=no&failure=invalid_format`)).text();
    expect(failed).toContain("80 matching episodes · page 1 of 2");
    expect((failed.match(/class="episode"/g) ?? []).length).toBe(50);
    const second = await (await app.request(`/runs/${name}?success=yes&page=1`)).text();
    expect(second).toContain("40 matching episodes");
    const one = await (await app.request(`/runs/${name}/episodes/3`)).text();
    expect(one).toContain("question 3");
    expect(one).toContain("&#60;b&#62;4&#60;/b&#62;"); // model text is shown, never interpreted
    expect(one).toContain("(not trained)");
    expect((await app.request(`/runs/${name}/episodes/999`)).status).toBe(404);
    // a tools-mode turn shows its call, and the tool turn which call it answers
    const calls = await (await app.request(`/runs/${name}/episodes/5`)).text();
    expect(calls).toContain("call call_0: execute_sql({&#34;sql&#34;: &#34;SELECT &#60;1&#62;&#34;})");
    expect(calls).toContain("(result of call_0)");
  });

  it("pages a 100,000-episode run from disk without holding the episodes in memory", async () => {
    const run = await writeRun("large", 100_000, " ".repeat(1000)); // about 110 MB of results
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const { app, runs } = await createViewerApp([run]);
    const heapGrowth = process.memoryUsage().heapUsed - before;
    expect(runs[0]?.episodes).toHaveLength(100_000);
    expect(heapGrowth).toBeLessThan(60 * 1024 * 1024); // the index, not the 110 MB of conversations
    const last = await (await app.request(`/runs/${runs[0]?.name}?page=2000`)).text();
    expect(last).toContain("page 2000 of 2000");
    expect(await (await app.request(`/runs/${runs[0]?.name}/episodes/99999`)).text()).toContain(
      "question 99999",
    );
  });

  it("shows an episode's gold answer from the run's task file beside how it was judged", async () => {
    const tasks = join(dir, "gold-tasks.jsonl");
    copyFileSync(fileURLToPath(new URL("../../test/fixtures/dbbench-sample.jsonl", import.meta.url)), tasks);
    const out = join(dir, "gold-run");
    await runEval({ env: "db", tasks, model: "oracle", out, limit: 2, progress: false });
    const { app } = await createViewerApp([out]);
    const html = await (await app.request("/runs/0-gold-run/episodes/0")).text();
    const gold = /<pre id="gold">([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? "";
    expect(gold).toContain("&#34;label&#34;: [\n    &#34;4&#34;\n  ]");
    expect(/<pre id="judged">([\s\S]*?)<\/pre>/.exec(html)?.[1]).toContain("&#34;reward&#34;: 1");

    rmSync(tasks); // the task file moved away: the page says so instead of failing
    const { app: later } = await createViewerApp([out]);
    expect(await (await later.request("/runs/0-gold-run/episodes/0")).text()).toContain(
      `the task file ${tasks} is no longer there`,
    );
  });

  describe.skipIf(!chromiumAvailable)("in Chromium", () => {
    let viewer: Viewer | undefined;
    afterAll(() => viewer?.close());

    it("opens a run, filters it and opens an episode", async () => {
      viewer = await serveViewer([await writeRun("browser", 30)]);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(viewer.url);
        await page.getByRole("link", { name: /browser/ }).click();
        await page.selectOption("select[name=success]", "no");
        await page.getByRole("button", { name: "filter" }).click();
        await expect.poll(() => page.locator("#count").textContent()).toContain("20 matching episodes");
        await page.locator("a.episode").first().click();
        await expect.poll(() => page.locator("h1").textContent()).toBe("db/1/0");
        expect(await page.locator(".turn").count()).toBe(4);
        expect(await page.locator(".fail").first().textContent()).toBe("invalid_format");
      } finally {
        await browser.close();
      }
    });
  });
});
