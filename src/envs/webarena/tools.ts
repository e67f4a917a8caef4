// WebArena's id-based actions as tools, one per action kind. Each call is written as the reply WebArena's
// prompt asks for ("In summary, the next action I will perform is ```click [42]```"), which the env's
// own extraction and create_id_based_action parsing read back.
import type { ActionDefinition } from "../types.js";
import { ActionParsingError, parseWebarenaAction, type WebarenaAction } from "./actions.js";
import { extractAction } from "./env.js";

const phrase = "In summary, the next action I will perform is";
const splitter = "```";

const string = (description: string) => ({ type: "string", description });
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
});

/** The reply's action, as the env reads it with WebArena's default splitter; undefined if none parses. */
function actionOf(reply: string): WebarenaAction | undefined {
  const text = extractAction(reply, splitter);
  if (text === undefined) return undefined;
  try {
    return parseWebarenaAction(text);
  } catch (error) {
    if (error instanceof ActionParsingError) return undefined;
    throw error;
  }
}

function definition(
  name: WebarenaAction["type"],
  description: string,
  parameters: Record<string, unknown>,
  text: (args: Record<string, unknown>) => string,
  args: (action: WebarenaAction) => Record<string, unknown>,
): ActionDefinition {
  return {
    tool: { name, description, parameters },
    toReact: (a) => `${phrase} ${splitter}${text(a)}${splitter}`,
    fromReact: (reply) => {
      const action = actionOf(reply);
      return action?.type === name ? args(action) : undefined;
    },
  };
}

const id = object({ element_id: string("the element's id, the number in [ ] in the page tree") });
const elementId = (a: WebarenaAction) => ({ element_id: "id" in a ? a.id : "" });
const none = object({}, []);

export const webarenaActions: readonly ActionDefinition[] = [
  definition("click", "Click the element.", id, (a) => `click [${a.element_id}]`, elementId),
  definition("hover", "Hover over the element.", id, (a) => `hover [${a.element_id}]`, elementId),
  definition(
    "type",
    "Type text into the field, then press Enter unless press_enter is false.",
    object(
      {
        element_id: string("the field's id"),
        text: string("the text to type"),
        press_enter: { type: "boolean", description: "press Enter after typing (default true)" },
      },
      ["element_id", "text"],
    ),
    (a) => `type [${a.element_id}] [${String(a.text)}] [${a.press_enter === false ? 0 : 1}]`,
    (a) =>
      a.type === "type"
        ? {
            element_id: a.id,
            text: a.text.endsWith("\n") ? a.text.slice(0, -1) : a.text,
            press_enter: a.text.endsWith("\n"),
          }
        : {},
  ),
  definition(
    "press",
    "Press a key combination, e.g. Ctrl+v.",
    object({ keys: string("the keys, joined by +") }),
    (a) => `press [${String(a.keys)}]`,
    (a) => (a.type === "press" ? { keys: a.keys } : {}),
  ),
  definition(
    "scroll",
    "Scroll the page up or down.",
    object({ direction: { type: "string", enum: ["up", "down"] } }),
    (a) => `scroll [${String(a.direction)}]`,
    (a) => (a.type === "scroll" ? { direction: a.direction } : {}),
  ),
  definition(
    "new_tab",
    "Open a new, empty tab.",
    none,
    () => "new_tab",
    () => ({}),
  ),
  definition(
    "tab_focus",
    "Switch to a tab by its index.",
    object({ page_number: { type: "integer", description: "the tab's index, from 0" } }),
    (a) => `tab_focus [${String(a.page_number)}]`,
    (a) => (a.type === "tab_focus" ? { page_number: a.page } : {}),
  ),
  definition(
    "close_tab",
    "Close the current tab.",
    none,
    () => "close_tab",
    () => ({}),
  ),
  definition(
    "goto",
    "Open a URL in the current tab.",
    object({ url: string("the URL") }),
    (a) => `goto [${String(a.url)}]`,
    (a) => (a.type === "goto" ? { url: a.url } : {}),
  ),
  definition(
    "go_back",
    "Go back to the previous page.",
    none,
    () => "go_back",
    () => ({}),
  ),
  definition(
    "go_forward",
    "Go forward to the next page.",
    none,
    () => "go_forward",
    () => ({}),
  ),
  definition(
    "stop",
    'Finish: give the answer, or "N/A" when the task cannot be done; empty when no answer is asked for.',
    object({ answer: string("the answer") }, []),
    (a) => `stop [${String(a.answer ?? "")}]`,
    (a) => (a.type === "stop" ? { answer: a.answer } : {}),
  ),
];
