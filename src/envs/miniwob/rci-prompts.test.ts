import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import {
  instructionHistory,
  loadRciConversation,
  loadRciPrompts,
  loadTaskList,
  ownBigPrompt,
  planSteps,
  rciMessages,
  webpageState,
} from "./rci-prompts.js";

const root = benchmarksDir() ? join(benchmarksDir() as string, "agenttuning", "miniwob-rci") : undefined;

describe("RCI prompt texts", () => {
  it("numbers the history and the plan as llm_agent.py does", () => {
    expect(instructionHistory([])).toBe(
      "\n\nWe have a history of instructions that have been already executed by the autonomous agent so far.\nNo instruction has been executed yet.\n\n",
    );
    expect(instructionHistory(["clickxpath //a", "type x"])).toMatch(
      /so far\.\n1: clickxpath \/\/a\n2: type x\n\n\n$/,
    );
    // "1." and "2." are in the plan, "3." is not: three actions are allowed (the steps + 1)
    expect(planSteps("1. Click the box.\n2. Click Submit.")).toBe(3);
    expect(planSteps("no numbered steps")).toBe(1);
    expect(webpageState('<div id="wrap"></div>', "EXAMPLE", { withExample: true, task: "Click OK." })).toBe(
      '\n\nBelow is the HTML code of the webpage where the agent should solve a task.\n<div id="wrap"></div>\n\nEXAMPLE\n\nCurrent task: Click OK.\n',
    );
    expect(webpageState("<p/>", "", { withExample: true })).toBe(
      "\n\nBelow is the HTML code of the webpage where the agent should solve a task.\n<p/>\n\n",
    );
  });

  it.skipIf(!root)(
    "reads a task's own prompt folder, else the generic one, with the regexes filled in",
    () => {
      if (!existsSync(join(root as string, "available_tasks.txt")))
        throw new Error(`${root}: RCI prompts missing`);
      const tasks = loadTaskList(root as string);
      expect(tasks).toHaveLength(46);
      const own = loadRciPrompts(root as string, "click-button");
      expect(own.dir.endsWith(join("prompt", "click-button"))).toBe(true);
      expect(own.example.length).toBeGreaterThan(0);
      // enter-text has no folder of its own: the generic files, whose example is empty (zero-shot)
      const generic = loadRciPrompts(root as string, "enter-text");
      expect(generic.dir.endsWith("prompt")).toBe(true);
      expect(generic.example).toBe("");
      for (const prompts of [own, generic]) {
        expect(prompts.base).not.toMatch(/\{(type|press|clickxpath|clickoption|movemouse)\}/);
        expect(prompts.rciAction).not.toMatch(/\{(type|press|clickxpath|clickoption|movemouse)\}/);
      }
      expect(generic.base).toContain("^clickxpath\\s.{1,}$");
    },
  );

  it.skipIf(!root)(
    "wraps every call in the few-shot Llama-2 conversation, BIG_PROMPT from a checkout or our own",
    () => {
      const checkout = resolve("test/fixtures/agenttuning");
      const theirs = loadRciConversation(root as string, checkout);
      expect(theirs.bigPrompt.length).toBeGreaterThan(0);
      expect(theirs.bigPrompt).not.toBe(ownBigPrompt);
      const ours = loadRciConversation(root as string);
      expect(ours.bigPrompt).toBe(ownBigPrompt);
      const messages = rciMessages(ours, "PROMPT");
      expect(messages.map((m) => m.role)).toEqual([
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
      ]);
      expect(messages[2]?.content).toBe("Ok.");
      expect(messages.at(-1)?.content).toBe(
        "The previous task has ended, and I'll start a new task now.\n\nPROMPT",
      );
      expect(() => loadRciConversation(resolve("test/fixtures"))).toThrow(/few-shot\.json/);
    },
  );
});
