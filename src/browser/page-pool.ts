// Browser pages kept for reuse, one context each: a new context and page cost Chromium several hundred
// milliseconds (a new renderer), while loading the next task into a kept page costs little and still
// starts from a fresh document. Each episode borrows a page and gives it back; at most as many exist as
// episodes ran at once.
import type { Browser, BrowserContextOptions, Page } from "playwright-core";

export class PagePool {
  private readonly idle: Page[] = [];
  private readonly all = new Set<Page>();

  constructor(
    private readonly browser: Browser,
    private readonly options: BrowserContextOptions = {},
  ) {}

  async acquire(): Promise<Page> {
    const kept = this.idle.pop();
    if (kept) return kept;
    const context = await this.browser.newContext(this.options);
    const page = await context.newPage();
    this.all.add(page);
    return page;
  }

  /** Takes a page back, emptied (about:blank) so the last task's timers stop; a broken page is closed. */
  async release(page: Page): Promise<void> {
    if (!page.isClosed() && this.browser.isConnected()) {
      try {
        await page.goto("about:blank", { timeout: 10_000 });
        this.idle.push(page);
        return;
      } catch {
        // a page that cannot even go blank is not worth keeping
      }
    }
    this.all.delete(page);
    await page
      .context()
      .close()
      .catch(() => {});
  }

  /** How many pages exist (at most the episodes that ran at once). */
  get size(): number {
    return this.all.size;
  }

  async close(): Promise<void> {
    this.idle.length = 0;
    await Promise.all(
      [...this.all].map((page) =>
        page
          .context()
          .close()
          .catch(() => {}),
      ),
    );
    this.all.clear();
  }
}
