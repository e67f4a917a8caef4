import { describe, expect, it } from "vitest";
import { miniwobAvailable, useMiniwobSite } from "../../../test/helpers/miniwob.js";
import { ActionError, fitsAction, parseInstruction, performAction, processInstruction } from "./actions.js";
import { MiniwobPage } from "./page.js";

describe("RCI actions (prompt.py, llm_agent.py)", () => {
  it("cleans a reply as process_instruction does", () => {
    expect(processInstruction("clickxpath //button[@id='subbtn']`. Then submit.")).toBe(
      "clickxpath //button[@id='subbtn']",
    );
    expect(processInstruction("  'type hello\\nworld'\n")).toBe("type hello\nworld");
    expect(processInstruction("`press enter`")).toBe("");
  });

  it("fits the davinci regexes case-insensitively, and nothing else", () => {
    for (const ok of [
      "clickxpath //a",
      "CLICKXPATH //a",
      'type "x"',
      "press enter",
      "press ArrowDown",
      "clickoption //option[1]",
      "movemouse //div",
    ])
      expect(fitsAction(ok), ok).toBe(true);
    for (const bad of [
      "press space",
      "press f1",
      "click //a",
      "clickid subbtn",
      "type",
      "I will click the button",
    ])
      expect(fitsAction(bad), bad).toBe(false);
    // Python's $ also matches before a final newline
    expect(fitsAction("type abc\n")).toBe(true);
  });

  it("converts as convert_to_miniwob_action: the first word is the action, the rest its argument", () => {
    expect(parseInstruction('type "San Francisco"')).toEqual({ kind: "type", text: "San Francisco" });
    expect(parseInstruction("Press Enter")).toEqual({ kind: "press", key: "enter" });
    expect(parseInstruction("clickxpath //span[text()='a b']")).toEqual({
      kind: "clickxpath",
      xpath: "//span[text()='a b']",
    });
    expect(parseInstruction("clickid subbtn")).toEqual({ kind: "clickid", id: "subbtn" });
    expect(() => parseInstruction("press f1")).toThrow(ActionError);
    expect(() => parseInstruction("scroll down")).toThrow(/Invalid instruction/);
  });
});

describe.skipIf(!miniwobAvailable)("RCI actions on MiniWoB++ pages", () => {
  const site = useMiniwobSite();

  it("clickoption selects by text, clickid and clickxpath submit, movemouse without an element fails", async () => {
    const page = await MiniwobPage.open(site.pages(), site.taskUrl("choose-list"), 11);
    try {
      const { utterance } = await page.state();
      const item = /Select (.+) from the list/.exec(utterance)?.[1] as string;
      await performAction(
        page,
        parseInstruction(`clickoption //select[@id='options']/option[text()='${item}']`),
      );
      await expect(performAction(page, parseInstruction("movemouse //nothing"))).rejects.toThrow(ActionError);
      await expect(performAction(page, parseInstruction("clickoption //nothing"))).rejects.toThrow(
        ActionError,
      );
      await performAction(page, parseInstruction("clickxpath //button"));
      expect((await page.reward()).reward).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
    const text = await MiniwobPage.open(site.pages(), site.taskUrl("enter-text"), 3);
    try {
      const want = /Enter "(.+)" into/.exec((await text.state()).utterance)?.[1] as string;
      await performAction(text, parseInstruction("clickid tt"));
      await performAction(text, parseInstruction(`type "${want}"`));
      await performAction(text, parseInstruction("press backspace"));
      await performAction(text, parseInstruction(`type ${want.slice(-1)}`));
      await performAction(text, parseInstruction("clickxpath //button[@id='subbtn']"));
      expect((await text.reward()).reward).toBeGreaterThan(0);
    } finally {
      await text.close();
    }
  }, 90_000);
});
