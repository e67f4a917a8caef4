// WebShop: search latency and text-mode step time at 5k and 100k products, 256 concurrent text
// episodes on one shop, and the site's requests/s under a bounded loopback load (bench/results/webshop.json).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oracleModel } from "../src/agent/index.js";
import { generateCatalog, sampleGoals } from "../src/envs/webshop/catalog.js";
import { WebshopEnvironment } from "../src/envs/webshop/env.js";
import { Shop } from "../src/envs/webshop/shop.js";
import { serveShopSite } from "../src/envs/webshop/site.js";
import { getDefaultShop, webshopSpec } from "../src/envs/webshop/spec.js";
import { runTasks } from "../src/runner/index.js";
import { type Row, writeResults } from "./table.js";

export async function benchWebshop(): Promise<Row[]> {
  const rows: Row[] = [];
  const results: Record<string, unknown> = { date: new Date().toISOString() };
  for (const size of [5_000, 100_000]) {
    let start = performance.now();
    const shop = new Shop(generateCatalog(1, size));
    const buildMs = performance.now() - start;
    const goals = sampleGoals(shop.products, 200, 2);
    start = performance.now();
    for (const g of goals) shop.search(g.name);
    const searchMs = (performance.now() - start) / goals.length;
    // a text step: click a listed product on a results page (parse, act, render the observation)
    const env = new WebshopEnvironment(shop, goals[0] as (typeof goals)[number], Number.POSITIVE_INFINITY);
    await env.reset();
    await env.step(`Thought:\nx\n\nAction:\nsearch[${goals[0]?.name}]`);
    const asin = shop.search(goals[0]?.name ?? "")[0]?.toLowerCase();
    start = performance.now();
    for (let i = 0; i < 500; i++) {
      await env.step(`Thought:\nx\n\nAction:\nclick[${asin}]`);
      await env.step("Thought:\nx\n\nAction:\nclick[< prev]");
    }
    const stepMs = (performance.now() - start) / 1000;
    results[size] = { buildMs, searchMs, stepMs };
    rows.push({
      measure: `webshop ${size.toLocaleString("en")} products`,
      value: `${searchMs.toFixed(2)} ms/search`,
      note: `index built in ${(buildMs / 1000).toFixed(1)} s; text step ${stepMs.toFixed(3)} ms`,
    });
  }

  // 256 concurrent text episodes on one shop (the default 5k catalog)
  const backend = await webshopSpec.open();
  const goals = sampleGoals(getDefaultShop().products, 256, 4);
  const outDir = mkdtempSync(join(tmpdir(), "bench-ws-"));
  let start = performance.now();
  const summary = await runTasks({
    spec: webshopSpec,
    backend,
    tasks: goals,
    model: oracleModel(webshopSpec),
    outDir,
    concurrency: 256,
  });
  const seconds = (performance.now() - start) / 1000;
  rmSync(outDir, { recursive: true, force: true });
  rows.push({
    measure: "webshop 256 concurrent text episodes",
    value: `${(256 / seconds).toFixed(1)} episodes/s`,
    note: `average reward ${summary.averageReward.toFixed(2)}`,
  });

  // the site under a bounded load from this process: 2,000 page views, 32 at a time, loopback only
  const site = await serveShopSite(
    backend ? (await import("../src/envs/webshop/spec.js")).getDefaultShop() : (undefined as never),
    goals,
  );
  const sessionUrl =
    (await fetch(`${site.url}start/0`, { redirect: "manual" })).headers.get("location") ?? "";
  const total = 2000;
  let next = 0;
  start = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < total) {
        next++;
        await (await fetch(new URL(sessionUrl, site.url))).text();
      }
    }),
  );
  const perSecond = total / ((performance.now() - start) / 1000);
  await site.close();
  rows.push({
    measure: "webshop site page views",
    value: `${perSecond.toFixed(0)} req/s`,
    note: "2,000 GETs of one session's page, 32 concurrent, loopback",
  });
  writeResults("webshop", {
    ...results,
    concurrent: { episodes: 256, seconds, averageReward: summary.averageReward },
    site: { requests: total, perSecond },
  });
  return rows;
}
