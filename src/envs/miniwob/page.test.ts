import { describe, expect, it } from "vitest";
import { miniwobAvailable, useMiniwobSite } from "../../../test/helpers/miniwob.js";
import { MiniwobPage } from "./page.js";

describe.skipIf(!miniwobAvailable)("MiniWoB++ pages in Chromium", () => {
  const site = useMiniwobSite();
  const url = site.taskUrl;

  it("serves only the page folder", async () => {
    expect((await fetch(`${site.serverUrl()}miniwob/click-button.html`)).status).toBe(200);
    expect((await fetch(`${site.serverUrl()}..%2f..%2fetc/passwd`)).status).toBe(404);
    expect((await fetch(`${site.serverUrl()}miniwob/`)).status).toBe(404);
  });

  it("starts a seeded episode: the same seed gives the same task, and the page rewards a right click", async () => {
    const rewards: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const page = await MiniwobPage.open(site.pages(), url("click-button"), seed);
      const again = await MiniwobPage.open(site.pages(), url("click-button"), seed);
      try {
        const state = await page.state();
        expect((await again.state()).utterance).toBe(state.utterance);
        expect(state.html).toMatch(/^<div id="wrap"[^>]*>/);
        // getDOMInfo's side effect: every element carries its ref
        expect(state.html).toContain("data-wob_ref=");
        const label = /Click on the "(.+)" button/.exec(state.utterance)?.[1];
        expect(label, state.utterance).toBeDefined();
        expect(await page.clickXpath("//*[@id='no-such-thing']")).toBe(false);
        expect(await page.clickXpath("//button[")).toBe(false); // invalid XPath: a silent no-op
        expect((await page.reward()).done).toBe(false);
        expect(await page.clickXpath(`//button[text()="${label}"]`)).toBe(true);
        const reward = await page.reward();
        expect(reward.done).toBe(true);
        rewards.push(reward.reward);
      } finally {
        await page.close();
        await again.close();
      }
    }
    expect(rewards.every((r) => r > 0)).toBe(true);
  }, 120_000);

  it("types into the focused field and presses keys", async () => {
    const page = await MiniwobPage.open(site.pages(), url("enter-text"), 7);
    try {
      const { utterance } = await page.state();
      const text = /Enter "(.+)" into the text field/.exec(utterance)?.[1] as string;
      expect(await page.clickXpath("//input[@id='tt']")).toBe(true);
      await page.type(text);
      await page.press("enter").catch(() => {});
      await page.clickXpath("//button[@id='subbtn']");
      expect((await page.reward()).reward).toBeGreaterThan(0);
      await expect(page.press("f1")).rejects.toThrow(/unknown key/);
    } finally {
      await page.close();
    }
  }, 60_000);
});
