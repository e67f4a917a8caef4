// WebArena's id-based actions (browser_env/actions.py create_id_based_action, action2str, is_equivalent)
// and how each runs on the page (execute_action): element actions click, hover or type at the centre of
// the node's bound as the observation gave it.
import type { BrowserContext, Page } from "playwright-core";
import type { ObservedNode, WindowBounds } from "./observation.js";

export type WebarenaAction =
  | { type: "none"; raw: string }
  | { type: "click" | "hover"; id: string }
  | { type: "type"; id: string; text: string }
  | { type: "press"; keys: string }
  | { type: "scroll"; direction: "up" | "down" }
  | { type: "goto"; url: string }
  | { type: "new_tab" | "go_back" | "go_forward" | "close_tab" }
  | { type: "tab_focus"; page: number }
  | { type: "stop"; answer: string };

/** ActionParsingError: the reply becomes a NONE action. */
export class ActionParsingError extends Error {}

/** constants.py SPECIAL_KEY_MAPPINGS: lower-case key names to Playwright's. */
const specialKeys: Record<string, string> = Object.fromEntries(
  [
    "Backquote",
    "Minus",
    "Equal",
    "Backslash",
    "Backspace",
    "Meta",
    "Tab",
    "Delete",
    "Escape",
    "ArrowDown",
    "End",
    "Enter",
    "Home",
    "Insert",
    "PageDown",
    "PageUp",
    "ArrowRight",
    "ArrowUp",
    ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
  ].map((key) => [key.toLowerCase(), key]),
);

/** create_id_based_action: the action's name is the text before "[" (or the first word). */
export function parseWebarenaAction(actionText: string): WebarenaAction {
  const text = actionText.trim();
  const name = text.includes("[") ? (text.split("[")[0] as string).trim() : (text.split(/\s+/)[0] ?? "");
  const need = (pattern: RegExp, what: string): RegExpExecArray => {
    const match = pattern.exec(text);
    if (!match) throw new ActionParsingError(`Invalid ${what} action ${text}`);
    return match;
  };
  switch (name) {
    case "click":
      return { type: "click", id: need(/click ?\[(\d+)\]/, "click")[1] as string };
    case "hover":
      return { type: "hover", id: need(/hover ?\[(\d+)\]/, "hover")[1] as string };
    case "type": {
      // the Enter flag defaults to 1
      const withFlag = text.endsWith("[0]") || text.endsWith("[1]") ? text : `${text} [1]`;
      const match = /type ?\[(\d+)\] ?\[(.+)\] ?\[(\d+)\]/.exec(withFlag);
      if (!match) throw new ActionParsingError(`Invalid type action ${withFlag}`);
      return { type: "type", id: match[1] as string, text: `${match[2]}${match[3] === "1" ? "\n" : ""}` };
    }
    case "press": {
      const keys = need(/press ?\[(.+)\]/, "press")[1] as string;
      return {
        type: "press",
        keys: keys
          .split("+")
          .map((key) => specialKeys[key.toLowerCase()] ?? key)
          .join("+"),
      };
    }
    case "scroll":
      return { type: "scroll", direction: need(/scroll ?\[?(up|down)\]?/, "scroll")[1] as "up" | "down" };
    case "goto":
      return { type: "goto", url: need(/goto ?\[(.+)\]/, "goto")[1] as string };
    case "new_tab":
    case "go_back":
    case "go_forward":
    case "close_tab":
      return { type: name };
    case "tab_focus":
      return { type: "tab_focus", page: Number(need(/tab_focus ?\[(\d+)\]/, "tab_focus")[1]) };
    case "stop":
      // some tasks need no answer
      return { type: "stop", answer: /stop ?\[(.+)\]/.exec(text)?.[1] ?? "" };
  }
  throw new ActionParsingError(`Invalid action ${text}`);
}

/** action2str, and get_action_description's texts for missing elements and NONE actions. */
export function describeAction(
  action: WebarenaAction,
  nodes: ReadonlyMap<string, ObservedNode>,
  splitter: string,
): string {
  switch (action.type) {
    case "click":
    case "hover":
    case "type": {
      const node = nodes.get(action.id);
      if (!node)
        return `Attempt to perfom "${action.type}" on element "[${action.id}]" but no matching element found. Please check the observation more carefully.`;
      const element = node.text.split(/\s+/).filter(Boolean).slice(1).join(" ");
      if (action.type === "type")
        return `type [${action.id}] [${action.text}] where [${action.id}] is ${element}`;
      return `${action.type} [${action.id}] where [${action.id}] is ${element}`;
    }
    case "none":
      return `The previous prediction you issued was "${action.raw}". However, the format was incorrect. Ensure that the action is wrapped inside a pair of ${splitter} and enclose arguments within [] as follows: ${splitter}action [arg] ...${splitter}.`;
    case "scroll":
      return `scroll [${action.direction}]`;
    case "press":
      return `press [${action.keys}]`;
    case "goto":
      return `goto [${action.url}]`;
    case "tab_focus":
      return `page_focus [${action.page}]`;
    case "stop":
      return `stop [${action.answer}]`;
    default:
      return action.type;
  }
}

/** is_equivalent: the same kind of action on the same target with the same arguments. */
export function sameAction(a: WebarenaAction, b: WebarenaAction): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "none") return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The browser an action runs in: the tabs of one context and the current one. */
export interface Tabs {
  context: BrowserContext;
  page: Page;
}

/**
 * execute_action: runs the action and returns the current tab. An element id the observation did not
 * show raises (the caller swallows execution errors, as envs.py does).
 */
export async function executeAction(
  action: WebarenaAction,
  tabs: Tabs,
  nodes: ReadonlyMap<string, ObservedNode>,
  shown: WindowBounds,
): Promise<Page> {
  const { page, context } = tabs;
  const centre = (id: string): [number, number] => {
    const bound = nodes.get(id)?.bound;
    if (!bound) throw new Error(`no element [${id}] in the observation`);
    const [x, y, width, height] = bound;
    return [x - shown.left + width / 2, y - shown.top + height / 2];
  };
  switch (action.type) {
    case "none":
    case "stop":
      return page;
    case "scroll":
      await page.evaluate(
        (sign) => {
          const element = document.scrollingElement || document.body;
          element.scrollTop = element.scrollTop + sign * window.innerHeight;
        },
        action.direction === "up" ? -1 : 1,
      );
      return page;
    case "press":
      await page.keyboard.press(action.keys);
      return page;
    case "click":
      await page.mouse.click(...centre(action.id));
      return page;
    case "hover":
      await page.mouse.move(...centre(action.id));
      return page;
    case "type":
      await page.mouse.click(...centre(action.id));
      await page.keyboard.type(action.text);
      return page;
    case "tab_focus": {
      const target = context.pages()[action.page];
      if (!target) throw new Error(`no tab ${action.page}`);
      await target.bringToFront();
      return target;
    }
    case "new_tab":
      return context.newPage();
    case "go_back":
      await page.goBack();
      return page;
    case "go_forward":
      await page.goForward();
      return page;
    case "goto":
      // a reply is hostile: only web pages, never the host's files or the browser's own pages
      if (!/^https?:\/\//i.test(action.url)) throw new Error(`goto: only http(s) URLs, not ${action.url}`);
      await page.goto(action.url);
      return page;
    case "close_tab": {
      await page.close();
      return context.pages().at(-1) ?? (await context.newPage());
    }
  }
}
