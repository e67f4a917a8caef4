// The webshop environment (WebShop): generated catalog + BM25 search + text mode (and an HTML site).

import { statSync } from "node:fs";
import { readRecords } from "../../core/index.js";
import { checkoutFor, textsFromCheckout, webshopTexts } from "../lib/agentbench/checkout.js";
import { fcTexts } from "../lib/agentbench/fc.js";
import type { EnvSpec } from "../types.js";
import { webshopActions } from "./actions.js";
import { type Goal, generateCatalog, goalSchema, sampleGoals } from "./catalog.js";
import { defaultWebshopRoundLimit, WebshopEnvironment } from "./env.js";
import { WebshopCallingEnvironment, webshopCallingOracle } from "./fc.js";
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
  async open({ backend, roundLimit, protocol, agentbench } = {}) {
    const shop = backend ? new Shop(loadWebshopDir(backend).products) : getDefaultShop();
    const name = backend ? `webshop-data:${shop.products.length}` : "generated-5k";
    if (protocol === "agentbench-fc") {
      const calling = fcTexts("webshop", checkoutFor({ agentbench, protocol }));
      return {
        name,
        ...(calling.fromCheckout ? { prompts: agentbench } : {}),
        tools: calling.tools,
        maxTurns: roundLimit ?? calling.rounds,
        create: async (goal) => new WebshopCallingEnvironment(shop, goal, calling),
        close: async () => {},
      };
    }
    const texts = textsFromCheckout({ agentbench, protocol }, webshopTexts);
    const rounds = roundLimit ?? defaultWebshopRoundLimit;
    return {
      name,
      ...(texts ? { prompts: agentbench } : {}),
      maxTurns: rounds,
      create: async (goal) => new WebshopEnvironment(shop, goal, rounds, protocol, texts),
      close: async () => {},
    };
  },
  actions: webshopActions,
  oracle: webshopOracle,
  callingOracle: webshopCallingOracle,
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
