// The WebShop oracle: searches with the goal's product name, opens the goal product (paging if
// needed), clicks each goal option, buys.
import type { Message } from "../../core/index.js";
import { readStringList } from "../lib/agentbench/python-source.js";
import type { OracleSolver } from "../types.js";
import type { Goal } from "./catalog.js";

export function webshopOracle(goal: Goal): OracleSolver {
  return {
    reply(messages: readonly Message[]): string {
      const last = messages.at(-1)?.content ?? "";
      const clickables = clickablesOf(last);
      const act = (a: string) => `Thought:\nI think this brings me closer to the goal.\n\nAction:\n${a}`;
      if (last.includes("'has_search_bar': True")) return act(`search[${goal.name}]`);
      const asin = goal.asin.toLowerCase();
      if (clickables.includes(asin)) return act(`click[${asin}]`);
      if (clickables.includes("buy now")) {
        // this episode's own turns come after the instructions, "Ok." and the one-shot (10 messages)
        const chosen = messages
          .slice(10)
          .filter((m) => m.role === "assistant")
          .map((m) => /click\[(.*?)\]/.exec(m.content)?.[1]);
        // a goal option as the page shows it ("/" becomes " | " there)
        const shown = (v: string) => clickables.find((c) => c === v || c === v.trim().replaceAll("/", " | "));
        const next = Object.values(goal.goal_options)
          .map((v) => shown(v) ?? v)
          .find((v) => !chosen.includes(v));
        return act(next ? `click[${next}]` : "click[buy now]");
      }
      if (clickables.includes("next >")) return act("click[next >]");
      return act("click[back to search]");
    },
  };
}

/** The clickables of a round's "Available Actions" (a Python dict repr), decoded. */
export function clickablesOf(round: string): string[] {
  const start = round.lastIndexOf("'clickables': [");
  return start < 0 ? [] : (readStringList(round, start + "'clickables': [".length)?.items ?? []);
}
