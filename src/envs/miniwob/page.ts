// One MiniWoB++ task page in Chromium, driven as AgentTuning's computergym interface drives it
// (miniwob_interface/instance.py, action.py): load, wait for the sync screen, seed Math.seedrandom,
// start the episode, read the utterance and the DOM, act, read the reward the page computes itself.
import type { Locator, Page } from "playwright-core";
import type { PagePool } from "../../browser/index.js";

export interface MiniwobState {
  utterance: string;
  /** outerHTML of #wrap after core.getDOMInfo() (its data-wob_ref attributes included). */
  html: string;
  /** The other children of <body> (click-dialog's dialogs), as the RCI agent appends them. */
  extraHtml: string;
}

export interface MiniwobReward {
  done: boolean;
  /** WOB_REWARD_GLOBAL: the reward, scaled down by the time taken when the task says so. */
  reward: number;
  rawReward: number;
  reason: unknown;
}

/** Body children the interface leaves out of the extra HTML (instance.py get_state). */
const notExtra = ["reward-display", "click-canvas", "sync-task-cover", "wrap"];

/** Keys `press` accepts, as the RCI agent names them, and Playwright's names for them. */
export const pressKeys: Record<string, string> = {
  enter: "Enter",
  space: "Space",
  arrowleft: "ArrowLeft",
  arrowright: "ArrowRight",
  arrowup: "ArrowUp",
  arrowdown: "ArrowDown",
  backspace: "Backspace",
};

/**
 * Selenium's Select(parent).select_by_visible_text(option.text): every option of the parent <select>
 * whose text is the option's rendered text gets selected, the way a WebDriver click selects an
 * option: in a multiple select the others stay selected; input and change events fire.
 */
async function selectByVisibleText(option: Locator): Promise<void> {
  // biome-ignore lint/performance/useDomNodeTextContent: Selenium's element.text is the rendered text
  const text = (await option.innerText({ timeout: 1000 })).replace(/\s+/g, " ").trim();
  const selected = await option.evaluate((element, wanted) => {
    const select = element.parentElement;
    if (!(select instanceof HTMLSelectElement)) return false;
    let found = false;
    for (const candidate of Array.from(select.options)) {
      if ((candidate.textContent ?? "").replace(/\s+/g, " ").trim() !== wanted) continue;
      found = true;
      if (candidate.selected) continue;
      candidate.selected = true;
      select.dispatchEvent(new Event("input", { bubbles: true }));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      if (!select.multiple) break;
    }
    return found;
  }, text);
  if (!selected) throw new Error(`no option "${text}" in the parent <select>`);
}

/** Longest wait for a page's pending loads before its state is read anyway. */
const settleTimeoutMs = 5000;

/** Counts the page's requests in flight, so a state can wait for the images an action asked for. */
class PendingLoads {
  private pending = 0;
  private waiters: (() => void)[] = [];

  private readonly started = () => this.pending++;
  private readonly finished = () => {
    this.pending = Math.max(0, this.pending - 1);
    if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
  };

  constructor(private readonly page: Page) {
    page.on("request", this.started);
    page.on("requestfinished", this.finished);
    page.on("requestfailed", this.finished);
  }

  /** Stops counting (the page goes back to the pool). */
  dispose(): void {
    this.page.off("request", this.started);
    this.page.off("requestfinished", this.finished);
    this.page.off("requestfailed", this.finished);
  }

  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export class MiniwobPage {
  private constructor(
    private readonly pages: PagePool,
    readonly page: Page,
    private readonly loads: PendingLoads,
  ) {}

  /**
   * Opens `url` (a task page), seeds it and starts an episode: Math.seedrandom(seed),
   * core.setDataMode("train"), core.startEpisodeReal(), then waits for WOB_TASK_READY.
   */
  static async open(pages: PagePool, url: string, seed: number, timeoutMs = 30_000): Promise<MiniwobPage> {
    const page = await pages.acquire();
    const loads = new PendingLoads(page);
    try {
      await page.goto(url, { timeout: timeoutMs });
      await page.waitForSelector("#sync-task-cover", { timeout: timeoutMs });
      await page.evaluate((s) => {
        const w = window as unknown as {
          Math: { seedrandom(seed: number): void };
          core: { endEpisode(r: number): void; setDataMode(m: string): void; startEpisodeReal(): void };
        };
        w.Math.seedrandom(s);
        w.core.endEpisode(0);
        w.Math.seedrandom(s);
        w.core.setDataMode("train");
        w.core.startEpisodeReal();
      }, seed);
      await page.waitForFunction(
        () => (window as unknown as { WOB_TASK_READY?: boolean }).WOB_TASK_READY === true,
        undefined,
        { timeout: timeoutMs },
      );
      return new MiniwobPage(pages, page, loads);
    } catch (error) {
      loads.dispose();
      await pages.release(page);
      throw error;
    }
  }

  /** The utterance and the page as the agent sees it (get_state, after getDOMInfo's side effects). */
  async state(): Promise<MiniwobState> {
    await this.settle();
    return this.page.evaluate((skip) => {
      const core = (window as unknown as { core: { getUtterance(): unknown; getDOMInfo(): unknown } }).core;
      const response = core.getUtterance();
      const utterance =
        typeof response === "object" && response !== null
          ? String((response as { utterance: string }).utterance)
          : String(response);
      core.getDOMInfo();
      const html = document.getElementById("wrap")?.outerHTML ?? "";
      let extraHtml = "";
      for (const child of Array.from(document.body.children))
        if (!skip.includes(child.id)) extraHtml += child.outerHTML;
      return { utterance, html, extraHtml };
    }, notExtra);
  }

  async reward(): Promise<MiniwobReward> {
    return this.page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return {
        done: Boolean(w.WOB_DONE_GLOBAL),
        reward: Number(w.WOB_REWARD_GLOBAL ?? 0),
        rawReward: Number(w.WOB_RAW_REWARD_GLOBAL ?? 0),
        reason: w.WOB_REWARD_REASON ?? null,
      };
    });
  }

  /**
   * clickxpath (action.py MiniWoBElementClickXpath): an invalid or unmatched XPath does nothing; the
   * first matching element that can be clicked is: a button by a DOM click, an option by selecting
   * its text in its <select>, anything else by moving the mouse there and clicking; a click that
   * another element would intercept becomes an Enter key on the element.
   */
  async clickXpath(xpath: string): Promise<boolean> {
    let count: number;
    const elements = this.page.locator(`xpath=${xpath}`);
    try {
      count = await elements.count();
    } catch {
      return false; // invalid XPath: the original prints and goes on
    }
    for (let i = 0; i < count; i++) {
      const element = elements.nth(i);
      if (!(await element.isVisible().catch(() => false)) || !(await element.isEnabled().catch(() => false)))
        continue;
      const tag = await element.evaluate((e) => e.tagName.toLowerCase());
      try {
        if (tag === "button") await element.evaluate((e) => (e as HTMLElement).click());
        else if (tag === "option") await selectByVisibleText(element);
        else await element.click({ timeout: 1000 });
        return true;
      } catch (error) {
        if (/intercept/i.test((error as Error).message)) {
          await element.press("Enter").catch(() => {});
          return true;
        }
      }
    }
    return false;
  }

  /** type: keystrokes to whatever has focus (Selenium ActionChains.send_keys). */
  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  async press(key: string): Promise<void> {
    const name = pressKeys[key.toLowerCase()];
    if (!name) throw new Error(`press: unknown key ${key}`);
    await this.page.keyboard.press(name);
  }

  /** movemouse (MiniWoBMoveXpath): the mouse moves over every matching element; false when none could be reached. */
  async moveMouse(xpath: string): Promise<boolean> {
    const elements = this.page.locator(`xpath=${xpath}`);
    let count: number;
    try {
      count = await elements.count();
    } catch {
      return false;
    }
    let moved = false;
    for (let i = 0; i < count; i++) {
      try {
        await elements.nth(i).hover({ timeout: 1000 });
        moved = true;
      } catch {
        // the original prints the error and tries the next element
      }
    }
    return moved;
  }

  /** clickoption (MiniWoBElementClickOption): select the option's text in its parent <select>. */
  async selectOption(xpath: string): Promise<boolean> {
    try {
      await selectByVisibleText(this.page.locator(`xpath=${xpath}`).first());
      return true;
    } catch {
      return false;
    }
  }

  /** clickid (MiniWoBElementClickId): move to the element with that id and click it. */
  async clickId(id: string): Promise<boolean> {
    try {
      await this.page
        .locator(`[id="${id.replaceAll('"', '\\"')}"]`)
        .first()
        .click({ timeout: 1000 });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits until the images the page asked for have arrived and a frame is laid out. Icons sized by
   * their image (email-inbox's star, social-media's "more") have no size before that, so
   * getDOMInfo would leave them out of the state; the wait makes the state the same on a busy machine.
   */
  private async settle(): Promise<void> {
    await this.loads.idle(settleTimeoutMs);
    await this.page.evaluate(
      () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
    );
  }

  /** Whether Chromium itself is still there (a lost page is one episode's problem, a lost browser the run's). */
  browserConnected(): boolean {
    return this.page.context().browser()?.isConnected() ?? false;
  }

  /** Gives the page back for the next episode. */
  async close(): Promise<void> {
    this.loads.dispose();
    await this.pages.release(this.page);
  }
}
