// MiniWoB++ browser tests: the shared task pages (AGENTTUNE_BENCHMARKS/miniwob/html) served on
// loopback to one Chromium per test file; the describe skips without Chromium or the pages (and fails
// under AGENTTUNE_REQUIRE_BACKENDS).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { PagePool, type StaticServer, startStaticServer } from "../../src/browser/index.js";
import { benchmarksDir } from "./backends.js";
import { chromiumAvailable, launchChromium } from "./chromium.js";

const html = benchmarksDir() ? join(benchmarksDir() as string, "miniwob", "html") : undefined;

/** Whether the MiniWoB++ browser tests can run here. */
export const miniwobAvailable = chromiumAvailable && html !== undefined;

/** Call inside a describe: starts Chromium and the page server before its tests, stops them after. */
export function useMiniwobSite(): {
  browser(): Browser;
  pages(): PagePool;
  serverUrl(): string;
  taskUrl(task: string): string;
} {
  let browser: Browser | undefined;
  let pages: PagePool | undefined;
  let server: StaticServer | undefined;
  beforeAll(async () => {
    if (!existsSync(join(html as string, "miniwob", "click-button.html")))
      throw new Error(`${html}: MiniWoB++ pages missing`);
    browser = await launchChromium();
    pages = new PagePool(browser, { viewport: { width: 500, height: 500 } });
    server = await startStaticServer(html as string);
  }, 60_000);
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await server?.close();
  });
  return {
    browser: () => browser as Browser,
    pages: () => pages as PagePool,
    serverUrl: () => (server as StaticServer).url,
    taskUrl: (task) => `${(server as StaticServer).url}miniwob/${task}.html`,
  };
}
