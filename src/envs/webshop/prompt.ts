// The WebShop protocol (AgentBench): instructions, "Ok.", a one-shot of four rounds, then each round an
// observation with the available actions as JSON; replies are "Thought:\n…\n\nAction:\n…".
import type { Message } from "../../core/index.js";
import { pythonDictRepr } from "../lib/python-repr.js";
import { defaultProtocol, type Protocol } from "../types.js";

export const webshopInstruction = `You are web shopping.
I will give you instructions about what to do.
You have to follow the instructions.
Every round I will give you an observation and a list of available actions, and you have to respond with an action based on the state and the instruction.
You can use search action if search is available.
You can click one of the buttons in clickables.
An action should be of the following structure:
search[keywords]
click[value]
If the action is not valid, perform nothing.
Keywords in search are up to you, but the value in click must be a value in the list of available actions.
Remember that your keywords in search should be carefully designed.
Your response should use the following format:

Thought:
I think ...

Action:
click[something]`;

/** env.get_available_actions() as an f-string prints it: the dict's Python repr. */
export const availableActionsRepr = (hasSearchBar: boolean, clickables: readonly string[]) =>
  pythonDictRepr({ has_search_bar: hasSearchBar, clickables });

/** A round as AgentBench shows it: the observation, then the available actions. */
export function roundText(observation: string, hasSearchBar: boolean, clickables: readonly string[]): string {
  return `Observation:\n${observation}\n\nAvailable Actions:\n${availableActionsRepr(hasSearchBar, clickables)}`;
}

/** A four-round one-shot: search, open a product, pick an option, buy. */
export const webshopOneShot: Message[] = [
  {
    role: "user",
    content: roundText(
      "WebShop [SEP] Instruction: [SEP] i need a long lasting 3.4 fl oz bottle of eau de parfum, and price lower than 60.00 dollars [SEP] Search",
      true,
      ["search"],
    ),
  },
  {
    role: "assistant",
    content:
      "Thought:\nI think I should search for a long lasting eau de parfum.\n\nAction:\nsearch[long lasting eau de parfum 3.4 fl oz]",
  },
  {
    role: "user",
    content: roundText(
      "Instruction: [SEP] i need a long lasting 3.4 fl oz bottle of eau de parfum, and price lower than 60.00 dollars [SEP] Back to Search [SEP] Page 1 (Total results: 50) [SEP] Next > [SEP] B0EXAMPLE1 [SEP] Halo floral long lasting eau de parfum [SEP] $42.50 [SEP] B0EXAMPLE2 [SEP] Iris fresh body mist [SEP] $18.00",
      false,
      ["back to search", "next >", "b0example1", "b0example2"],
    ),
  },
  {
    role: "assistant",
    content:
      "Thought:\nI think the first product is a long lasting eau de parfum under 60 dollars.\n\nAction:\nclick[b0example1]",
  },
  {
    role: "user",
    content: roundText(
      "Instruction: [SEP] i need a long lasting 3.4 fl oz bottle of eau de parfum, and price lower than 60.00 dollars [SEP] Back to Search [SEP] < Prev [SEP] size [SEP] 1.7 fl oz [SEP] 3.4 fl oz [SEP] Halo floral long lasting eau de parfum [SEP] Price: $42.50 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews [SEP] Buy Now",
      false,
      ["back to search", "< prev", "1.7 fl oz", "3.4 fl oz", "description", "features", "reviews", "buy now"],
    ),
  },
  {
    role: "assistant",
    content: "Thought:\nI think I should pick the 3.4 fl oz size.\n\nAction:\nclick[3.4 fl oz]",
  },
  {
    role: "user",
    content: roundText(
      "Instruction: [SEP] i need a long lasting 3.4 fl oz bottle of eau de parfum, and price lower than 60.00 dollars [SEP] Back to Search [SEP] < Prev [SEP] size [SEP] 1.7 fl oz [SEP] 3.4 fl oz [SEP] Halo floral long lasting eau de parfum [SEP] Price: $42.50 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews [SEP] Buy Now",
      false,
      ["back to search", "< prev", "1.7 fl oz", "3.4 fl oz", "description", "features", "reviews", "buy now"],
    ),
  },
  {
    role: "assistant",
    content: "Thought:\nI think everything matches, so I buy it.\n\nAction:\nclick[buy now]",
  },
];

/** AgentBench's prompt and the turns it injects after it ("Ok.", then the one-shot), from a checkout. */
export interface WebshopTexts {
  instruction: string;
  oneShot: readonly { role: string; content: string }[];
}

export function webshopPrefix(texts?: WebshopTexts): Message[] {
  if (texts)
    return [
      { role: "user", content: texts.instruction },
      ...texts.oneShot.map(
        (m): Message =>
          m.role === "agent"
            ? { role: "assistant", content: m.content, loss: false }
            : { role: "user", content: m.content },
      ),
    ];
  return [
    { role: "user", content: webshopInstruction },
    { role: "assistant", content: "Ok.", loss: false },
    ...webshopOneShot.map((m) => (m.role === "assistant" ? { ...m, loss: false } : m)),
  ];
}

/**
 * AgentBench's action regex: "Action:" (or "action:"), spaces, then exactly one newline (old,
 * AgentBench.old webshop/__init__.py:66) or any number of them (v0.2, __init__.py:83-85), spaces, and
 * search[…] or click[…] with a non-empty argument on one line, up to the first "]".
 */
export function parseWebshopAction(
  reply: string,
  protocol: Protocol = defaultProtocol,
): { kind: "search"; query: string } | { kind: "click"; value: string } | undefined {
  const pattern =
    protocol === "agentbench-v0.2"
      ? /[Aa]ction: *\n* *(search|click)\[([^\n]+?)\]/
      : /[Aa]ction: *\n *(search|click)\[([^\n]+?)\]/;
  const match = pattern.exec(reply);
  if (!match) return undefined;
  return match[1] === "search"
    ? { kind: "search", query: match[2] ?? "" }
    : { kind: "click", value: match[2] ?? "" };
}
