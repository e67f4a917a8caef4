// The webshop environment (WebShop): generated catalog + BM25 search + text mode (and an HTML site).

import { statSync } from "node:fs";
import { readRecords } from "../../core/index.js";
import { textsFromCheckout, webshopTexts } from "../lib/agentbench/checkout.js";
import type { EnvSpec } from "../types.js";
import { webshopActions } from "./actions.js";
import { type Goal, generateCatalog, goalSchema, sampleGoals } from "./catalog.js";
import { defaultWebshopRoundLimit, WebshopEnvironment } from "./env.js";
import { webshopOracle } from "./oracle.js";
import { parseWebshopAction } from "./prompt.js";
import { Shop } from "./shop.js";
import { loadWebshopDir } from "./webshop-files.js";

let defaultShop: Shop | undefined;

/** The default shop: 5,000 generated products (built once per process). */
export function getDefaultShop(): Shop {
  defaultShop ??= new Shop(generateCatalog(1, 5000));
  return defaultShop;
}

export const webshopSpec: EnvSpec<Goal> = {
  name: "webshop",
  description: "WebShop: find and buy the product an instruction describes, in a shop with search",
  taskSchema: goalSchema,
  taskId: (goal) => goal.id,
  taskText: (goal) => goal.instruction_text,
  replyProblem: (reply) => (parseWebshopAction(reply) ? undefined : "no Action: search[…] or click[…]"),
  async *loadTasks(source) {
    // a WebShop data dir (human instructions over its products), or goals as JSONL
    if (statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
      for (const goal of loadWebshopDir(source).goals) yield goal;
      return;
    }
    for (const { value } of await readRecords(source, goalSchema)) yield value;
  },
  async *generateTasks({ count, seed, model }) {
    const shop = getDefaultShop();
    for (const goal of sampleGoals(shop.products, count, seed)) {
      if (!model) {
        yield goal;
        continue;
      }
      // self-instruct: a paraphrase is kept only if searching with it still finds the goal product
      const { text } = await model.complete(
        [
          {
            role: "user",
            content: `Paraphrase this shopping request, keeping every attribute, option and the price limit:\n${goal.instruction_text}`,
          },
        ],
        { temperature: 0.7, maxTokens: 100 },
      );
      const paraphrase = text.trim().split("\n")[0] ?? "";
      yield paraphrase && shop.search(paraphrase).includes(goal.asin)
        ? { ...goal, instruction_text: paraphrase }
        : goal;
    }
  },
  /** backend: a WebShop data dir (its products), else the generated 5k catalog. */
  async open({ backend, roundLimit = defaultWebshopRoundLimit, protocol, agentbench } = {}) {
    const texts = textsFromCheckout({ agentbench, protocol }, webshopTexts);
    const shop = backend ? new Shop(loadWebshopDir(backend).products) : getDefaultShop();
    return {
      name: backend ? `webshop-data:${shop.products.length}` : "generated-5k",
      ...(texts ? { prompts: agentbench } : {}),
      maxTurns: roundLimit,
      create: async (goal) => new WebshopEnvironment(shop, goal, roundLimit, protocol, texts),
      close: async () => {},
    };
  },
  actions: webshopActions,
  oracle: webshopOracle,
  gold: (goal) => ({
    asin: goal.asin,
    product: goal.name,
    attributes: goal.attributes,
    options: goal.goal_options,
    price_upper: goal.price_upper,
  }),
  metrics: (results) => {
    const n = Math.max(1, results.length);
    return {
      average_reward: results.reduce((s, r) => s + r.reward, 0) / n,
      success_rate: results.filter((r) => r.reward >= 1).length / n,
      avg_rounds: results.reduce((s, r) => s + r.turns, 0) / n,
    };
  },
  benchmark: { task: "WebShop", category: "held-in" },
  // AgentBench reports WebShop as the average reward
  score: (_metrics, { averageReward }) => 100 * averageReward,
  defaults: { maxTurns: defaultWebshopRoundLimit, maxTokens: 128, minReward: 1 },
};
