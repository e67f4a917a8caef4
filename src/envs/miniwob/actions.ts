// The RCI agent's actions (AgentTuning eval_heldout/miniwob++: prompt.py regexes, llm_agent.py
// process_instruction and convert_to_miniwob_action) and how each acts on a page (computergym's
// action.py). A reply that fits no regex gets RCI corrections; an instruction the converter rejects,
// or a mouse move with no element, ends the episode as the original's ValueError does.
import { pythonRegex } from "../lib/python-regex.js";
import { pythonStrip } from "../lib/python-string.js";
import type { MiniwobPage } from "./page.js";

/** prompt.py's "davinci" set, matched with re.I; one of them must fit an instruction. */
export const actionRegexes = [
  "^clickxpath\\s.{1,}$",
  '^type\\s[^"]{1,}$',
  "^type\\s.{1,}$",
  "^press\\s(enter|arrowleft|arrowright|arrowup|arrowdown|backspace)$",
  "^clickoption\\s.{1,}$",
  "^movemouse\\s.{1,}$",
].map((pattern) => pythonRegex(`(?i)${pattern}`));

/** check_regex inverted: whether the instruction fits one of the action regexes (re.search). */
export function fitsAction(instruction: string): boolean {
  return actionRegexes.some((regex) => regex.test(instruction));
}

/** process_instruction: cut at the first backtick, drop newlines, turn "\\n" into one, strip spaces and quotes. */
export function processInstruction(reply: string): string {
  const tick = reply.indexOf("`");
  let text = tick >= 0 ? reply.slice(0, tick) : reply;
  text = text.replaceAll("`", "").replaceAll("\n", "").replaceAll("\\n", "\n");
  return pythonStrip(pythonStrip(text), "'");
}

export type MiniwobAction =
  | { kind: "type"; text: string }
  | { kind: "press"; key: string }
  | { kind: "clickxpath"; xpath: string }
  | { kind: "clickoption"; xpath: string }
  | { kind: "movemouse"; xpath: string }
  | { kind: "clickid"; id: string };

/** The original's ValueError: the episode ends and counts as a failure. */
export class ActionError extends Error {}

const pressKeyText: Record<string, string> = {
  enter: "\n",
  space: " ",
};

/** convert_to_miniwob_action: the first word names the action, the rest (re-joined by spaces) is its argument. */
export function parseInstruction(instruction: string): MiniwobAction {
  const [first = "", ...rest] = instruction.split(" ");
  const argument = rest.join(" ");
  switch (first.toLowerCase()) {
    case "type":
      return { kind: "type", text: argument.replaceAll('"', "") };
    case "clickid":
      return { kind: "clickid", id: argument };
    case "press": {
      const key = (rest[0] ?? "").toLowerCase();
      if (!["enter", "space", "arrowleft", "arrowright", "backspace", "arrowup", "arrowdown"].includes(key))
        throw new ActionError(`press: no key "${rest[0] ?? ""}"`);
      return { kind: "press", key };
    }
    case "movemouse":
      return { kind: "movemouse", xpath: argument };
    case "clickxpath":
      return { kind: "clickxpath", xpath: argument };
    case "clickoption":
      return { kind: "clickoption", xpath: argument };
    default:
      throw new ActionError("Invalid instruction");
  }
}

/** Performs an action as computergym does; throws ActionError where the original raises. */
export async function performAction(page: MiniwobPage, action: MiniwobAction): Promise<void> {
  switch (action.kind) {
    case "type":
      return page.type(action.text);
    case "press":
      // Enter and space are typed as characters (MiniWoBType("\n")), the others as keys
      return pressKeyText[action.key] !== undefined
        ? page.type(pressKeyText[action.key] as string)
        : page.press(action.key);
    case "clickxpath":
      await page.clickXpath(action.xpath);
      return;
    case "clickoption":
      if (!(await page.selectOption(action.xpath)))
        throw new ActionError(`clickoption: no option at ${action.xpath}`);
      return;
    case "movemouse":
      if (!(await page.moveMouse(action.xpath))) throw new ActionError("Click noninteractable element");
      return;
    case "clickid":
      if (!(await page.clickId(action.id))) throw new ActionError(`clickid: no element with id ${action.id}`);
  }
}
