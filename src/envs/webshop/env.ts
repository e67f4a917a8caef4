// One WebShop episode in text mode over the shop's state machine: at most 10 rounds, a reply without
// an action ends it with reward 0, the score is the purchase reward (0 without a purchase).
import type { StepResult } from "../../core/index.js";
import { defaultProtocol, type Environment, type Protocol } from "../types.js";
import type { Goal } from "./catalog.js";
import { parseWebshopAction, roundText, type WebshopTexts, webshopPrefix } from "./prompt.js";
import { Session, type Shop } from "./shop.js";

export const defaultWebshopRoundLimit = 10;

export class WebshopEnvironment implements Environment {
  private readonly session: Session;
  private rounds = 0;

  constructor(
    shop: Shop,
    goal: Goal,
    private readonly roundLimit = defaultWebshopRoundLimit,
    private readonly protocol: Protocol = defaultProtocol,
    private readonly texts?: WebshopTexts,
  ) {
    this.session = new Session(shop, goal);
  }

  private round(): string {
    return roundText(this.session.observation(), this.session.hasSearchBar, this.session.clickables());
  }

  async reset() {
    return { messages: [...webshopPrefix(this.texts), { role: "user" as const, content: this.round() }] };
  }

  async step(reply: string): Promise<StepResult> {
    this.rounds++;
    const action = parseWebshopAction(reply, this.protocol);
    if (!action) return { observation: "", reward: 0, done: true, failure: "invalid_format" };
    const valid = this.session.act(action);
    const page = this.session.page;
    if (page.kind === "done") {
      const r = page.reward;
      return {
        observation: "",
        reward: r.reward,
        done: true,
        info: { asin: page.asin, chosen: page.options, ...r },
      };
    }
    if (this.rounds >= this.roundLimit)
      return { observation: "", reward: 0, done: true, failure: "round_limit" };
    // an invalid action changes nothing: the same page is shown again, as WebShop does
    return {
      observation: this.round(),
      reward: 0,
      done: false,
      ...(valid ? {} : { info: { invalid: true } }),
    };
  }

  async close() {}
}
