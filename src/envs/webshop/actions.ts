// WebShop's two actions as tools: search the shop, click a button or product on the page. The ReAct
// text is AgentBench's "Action:" line break "search[…]" / "click[…]".
import type { ActionDefinition } from "../types.js";
import { parseWebshopAction } from "./prompt.js";

export const webshopActions: readonly ActionDefinition[] = [
  {
    tool: {
      name: "search",
      description: "Search the shop (only where the page has a search box).",
      parameters: {
        type: "object",
        properties: { keywords: { type: "string", description: "the search keywords" } },
        required: ["keywords"],
      },
    },
    toReact: ({ keywords }) => `Action:\nsearch[${String(keywords)}]`,
    fromReact: (reply) => {
      const action = parseWebshopAction(reply, "agentbench-v0.2");
      return action?.kind === "search" ? { keywords: action.query } : undefined;
    },
  },
  {
    tool: {
      name: "click",
      description:
        "Click one of the clickables the page lists (a product id, an option, Buy Now, Back to Search…).",
      parameters: {
        type: "object",
        properties: { item: { type: "string", description: "the clickable, exactly as listed" } },
        required: ["item"],
      },
    },
    toReact: ({ item }) => `Action:\nclick[${String(item)}]`,
    fromReact: (reply) => {
      const action = parseWebshopAction(reply, "agentbench-v0.2");
      return action?.kind === "click" ? { item: action.value } : undefined;
    },
  },
];
