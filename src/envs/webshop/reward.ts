// WebShop's reward: r_type (query, category and title-noun overlap) times the share of matched
// attributes (fuzzy token-set ratio > 85, or a substring of title, bullets or description), options
// (after colour normalisation) and the price bound.

import { createRequire } from "node:module";
import * as fuzz from "fuzzball";
import type winkNLPFactory from "wink-nlp";
import type { Goal, Product } from "./catalog.js";

let nlp: ReturnType<typeof winkNLPFactory> | undefined;

/** wink's English model, loaded at the first reward (both packages are CommonJS). */
function english(): ReturnType<typeof winkNLPFactory> {
  if (!nlp) {
    const require = createRequire(import.meta.url);
    nlp = (require("wink-nlp") as typeof winkNLPFactory)(require("wink-eng-lite-web-model"));
  }
  return nlp;
}
/**
 * WebShop's COLOR_SET (web_agent_site/engine/normalize.py): the first of these words found inside an
 * option value stands for it, in this order, so "dark grey" is "dark" and "rose gold" is "gold".
 */
const colorSet = [
  "alabaster",
  "apricot",
  "aqua",
  "ash",
  "asphalt",
  "azure",
  "banana",
  "beige",
  "black",
  "blue",
  "blush",
  "bordeaux",
  "bronze",
  "brown",
  "burgundy",
  "camel",
  "camo",
  "caramel",
  "champagne",
  "charcoal",
  "cheetah",
  "chestnut",
  "chocolate",
  "christmas",
  "coffee",
  "cognac",
  "copper",
  "coral",
  "cranberry",
  "cream",
  "crystal",
  "dark",
  "denim",
  "eggplant",
  "elephant",
  "espresso",
  "fuchsia",
  "gold",
  "granite",
  "grape",
  "graphite",
  "grass",
  "gray",
  "green",
  "grey",
  "heather",
  "indigo",
  "ivory",
  "ivy",
  "khaki",
  "lavender",
  "lemon",
  "leopard",
  "light",
  "lilac",
  "lime",
  "magenta",
  "maroon",
  "mauve",
  "merlot",
  "midnight",
  "mint",
  "mocha",
  "multicolor",
  "mushroom",
  "mustard",
  "natural",
  "navy",
  "nude",
  "olive",
  "orange",
  "peach",
  "pewter",
  "pink",
  "plum",
  "purple",
  "rainbow",
  "red",
  "rose",
  "royal",
  "rust",
  "sand",
  "sapphire",
  "seashell",
  "silver",
  "skull",
  "slate",
  "steel",
  "stone",
  "stonewash",
  "sunflower",
  "tan",
  "taupe",
  "teal",
  "tiger",
  "turquoise",
  "violet",
  "walnut",
  "wheat",
  "white",
  "wine",
  "yellow",
];

export function normalizeColor(value: string): string {
  return colorSet.find((c) => value.includes(c)) ?? value;
}

function nouns(text: string): string[] {
  const tokens = english().readDoc(text).tokens();
  const pos = tokens.out(english().its.pos) as string[];
  return (tokens.out() as string[])
    .filter((_, i) => ["NOUN", "PROPN"].includes(pos[i] ?? ""))
    .map((t) => t.toLowerCase());
}

export function typeReward(product: Product, goal: Goal) {
  const queryMatch = product.query === goal.query;
  const split = (c: string) => new Set(c.split("›").map((x) => x.trim()));
  const goalCategories = split(goal.product_category);
  const categoryMatch = [...split(product.product_category)].filter((c) => goalCategories.has(c)).length >= 2;
  const purchased = new Set(nouns(product.name));
  const desired = nouns(goal.name);
  // |set(purchased) ∩ set(desired)| / len(desired), as WebShop computes it
  const titleScore =
    desired.length === 0
      ? 0.2
      : [...new Set(desired)].filter((n) => purchased.has(n)).length / desired.length;
  let rType = 1;
  if (!(queryMatch || categoryMatch || titleScore > 0.2)) rType = 0.5;
  if (titleScore < 0.1) rType = 0.1;
  if (titleScore === 0) rType = 0;
  return { rType, queryMatch, categoryMatch, titleScore };
}

export function attributeMatches(product: Product, goal: Goal): number {
  let matches = 0;
  for (const wanted of goal.attributes) {
    if (product.attributes.some((a) => fuzz.token_set_ratio(a, wanted) > 85)) matches++;
    else if (
      [product.name, product.bullet_points.join(" "), product.description].some((t) =>
        t.toLowerCase().includes(wanted),
      )
    )
      matches++;
  }
  return matches;
}

export function optionMatches(chosen: readonly string[], goal: Goal): number {
  const purchased = chosen.map(normalizeColor);
  return Object.values(goal.goal_options)
    .map(normalizeColor)
    .filter((wanted) => purchased.some((p) => fuzz.token_set_ratio(p, wanted) > 85)).length;
}

export interface PurchaseReward {
  reward: number;
  rType: number;
  attributes: number;
  options: number;
  price: boolean;
}

export function purchaseReward(product: Product, chosen: Record<string, string>, goal: Goal): PurchaseReward {
  const { rType } = typeReward(product, goal);
  const attributes = attributeMatches(product, goal);
  const options = optionMatches(Object.values(chosen), goal);
  const price = goal.price_upper > 0 ? product.price <= goal.price_upper : false;
  const total =
    (attributes + options + (price ? 1 : 0)) /
    (goal.attributes.length + Object.keys(goal.goal_options).length + 1);
  return { reward: total * rType, rType, attributes, options, price };
}
