// WebShop in AgentBench's function-calling protocol (main branch, src/server/tasks/webshop/task.py):
// a system prompt, the first page, then up to 20 rounds; the reply's first call becomes search[…] or
// click[…], answered by a tool turn with the action, the new page and its available actions.
import type { Message } from "../../core/index.js";
import { type FcTexts, pythonStrOf, readCallArguments } from "../lib/agentbench/fc.js";
import type { CallingOracleSolver, CallingReply, CallingStepResult, Environment } from "../types.js";
import type { Goal } from "./catalog.js";
import { clickablesOf } from "./oracle.js";
import { availableActionsRepr, roundText } from "./prompt.js";
import { Session, type Shop, type ShopAction } from "./shop.js";

export class WebshopCallingEnvironment implements Environment {
  private readonly session: Session;
  /** The observation the next "Observation:" turn shows (task.py keeps it across rounds). */
  private observation: string;

  constructor(
    shop: Shop,
    goal: Goal,
    private readonly texts: FcTexts,
  ) {
    this.session = new Session(shop, goal);
    this.observation = this.session.observation();
  }

  /** The kept observation and the page's available actions ("Observation:\n…\n\nAvailable Actions:\n…"). */
  private round(): string {
    return roundText(this.observation, this.session.hasSearchBar, this.session.clickables());
  }

  private observationTurn(): Message {
    return { role: "user", content: this.round() };
  }

  async reset() {
    return {
      messages: [
        { role: "system", content: this.texts.system },
        {
          role: "user",
          content: `The initial observation:\n${this.observation}\n\nAvailable Actions:\n${availableActionsRepr(this.session.hasSearchBar, this.session.clickables())}`,
        },
      ] satisfies Message[],
    };
  }

  async step(): Promise<never> {
    throw new Error("webshop (agentbench-fc) acts on tool calls: use stepCalls");
  }

  async stepCalls({ toolCalls }: CallingReply): Promise<CallingStepResult> {
    const call = toolCalls[0];
    if (!call) {
      this.observation = "No executable tool calls found! You should call a tool instead.";
      return { messages: [this.observationTurn()], done: false, reward: 0 };
    }
    const read = readCallArguments(call.arguments);
    // arguments[0] is read only for search_action and click_action: an unknown tool's may be empty
    const first = read.ok ? read.values[0] : undefined;
    const known = call.name === "search_action" || call.name === "click_action";
    if (!read.ok || (known && read.values.length === 0))
      // the except branch, then the next round's "Observation:" turn (no action was taken)
      return {
        messages: [{ role: "user", content: "No valid tool call found from agent." }, this.observationTurn()],
        done: false,
        reward: 0,
      };
    const action: ShopAction | undefined =
      call.name === "search_action"
        ? { kind: "search", query: pythonStrOf(first) }
        : call.name === "click_action"
          ? { kind: "click", value: pythonStrOf(first) }
          : undefined;
    // an unknown tool takes no action: the previous observation is shown again, the call unanswered
    if (!action) return { messages: [this.observationTurn()], done: false, reward: 0 };
    this.session.act(action);
    const page = this.session.page;
    if (page.kind === "done")
      return {
        messages: [],
        done: true,
        reward: page.reward.reward,
        info: { asin: page.asin, chosen: page.options, ...page.reward },
      };
    this.observation = this.session.observation();
    const text = action.kind === "search" ? `search[${action.query}]` : `click[${action.value}]`;
    return {
      messages: [
        {
          role: "tool",
          toolCallId: call.id,
          content: `Action: ${text}\n\n${this.round()}`,
        },
      ],
      done: false,
      reward: 0,
    };
  }

  async close() {}
}

/** The oracle: the goal's product name as search keywords, the product, each goal option, buy now. */
export function webshopCallingOracle(goal: Goal): CallingOracleSolver {
  return {
    reply(messages) {
      const last = messages.at(-1)?.content ?? "";
      const clickables = clickablesOf(last);
      const click = (value: string) => ({ calls: [{ name: "click_action", arguments: { value } }] });
      if (last.includes("'has_search_bar': True"))
        return { calls: [{ name: "search_action", arguments: { keywords: goal.name } }] };
      const asin = goal.asin.toLowerCase();
      if (clickables.includes(asin)) return click(asin);
      if (clickables.includes("buy now")) {
        const chosen = messages.flatMap((m) =>
          (m.toolCalls ?? [])
            .filter((c) => c.name === "click_action")
            .map((c) => (JSON.parse(c.arguments) as { value: string }).value),
        );
        const shown = (v: string) => clickables.find((c) => c === v || c === v.trim().replaceAll("/", " | "));
        const next = Object.values(goal.goal_options)
          .map((v) => shown(v) ?? v)
          .find((v) => !chosen.includes(v));
        return click(next ?? "buy now");
      }
      if (clickables.includes("next >")) return click("next >");
      return click("back to search");
    },
  };
}
