// WebShop's own data files: items_shuffle*.json (products), items_ins_v2*.json (attributes per asin)
// and items_human_ins.json (human instructions per asin), read into our catalog and goals.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { formatZodIssue, InputError } from "../../core/index.js";
import { PythonRandom } from "../lib/python-random.js";
import { pythonFloatRepr } from "../lib/python-repr.js";
import { pythonStrip } from "../lib/python-string.js";
import type { Goal, Product } from "./catalog.js";

const itemSchema = z
  .object({
    asin: z.string(),
    name: z.string(),
    query: z.string().default(""),
    product_category: z.string().default(""),
    pricing: z.union([z.string(), z.array(z.number()), z.number()]).optional(),
    full_description: z.string().default(""),
    small_description: z.array(z.string()).default([]),
    customization_options: z
      .record(z.string(), z.array(z.object({ value: z.string() }).passthrough()).nullable())
      .nullable()
      .default({}),
    Reviews: z.array(z.unknown()).optional(),
  })
  .passthrough();

const humanInstructionSchema = z
  .object({
    instruction: z.string(),
    instruction_attributes: z.array(z.string()).default([]),
    instruction_options: z.union([z.array(z.string()), z.record(z.string(), z.string())]).default([]),
  })
  .passthrough();

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
}

/**
 * WebShop's pricing (engine.py load_products): the numbers after each "$" ("$12.99 to $24.50"), at
 * most two; none means $100.0. The tag is what pages show, with Python's float repr.
 */
function parsePricing(pricing: unknown): { bounds: number[]; tag: string } {
  let bounds: number[];
  if (typeof pricing === "number") bounds = [pricing];
  else if (Array.isArray(pricing)) bounds = pricing.map(Number);
  else
    bounds = String(pricing ?? "")
      .split("$")
      .slice(1)
      .map((p) => Number.parseFloat(p.replace(/[^\d.]/g, "")))
      .filter((n) => Number.isFinite(n));
  if (bounds.length === 0) return { bounds: [100], tag: "$100.0" };
  if (bounds.length === 1) return { bounds, tag: `$${pythonFloatRepr(bounds[0] as number)}` };
  const [low, high] = bounds as [number, number];
  return { bounds: [low, high], tag: `$${pythonFloatRepr(low)} to $${pythonFloatRepr(high)}` };
}

/** WebShop's option value: stripped, "/" shown as " | ", lower case (engine.py load_products). */
const optionValue = (value: string) => pythonStrip(value).replaceAll("/", " | ").toLowerCase();

const findFile = (dir: string, prefix: string) =>
  readdirSync(dir).find((n) => n.startsWith(prefix) && n.endsWith(".json"));

/** Reads a WebShop data dir into products and (when items_human_ins.json is there) human goals. */
export function loadWebshopDir(dir: string): { products: Product[]; goals: Goal[] } {
  if (!existsSync(dir)) throw new InputError(`${dir}: not found`);
  const itemsFile = findFile(dir, "items_shuffle");
  if (!itemsFile) throw new InputError(`${dir}: no items_shuffle*.json (WebShop's product file)`);
  const attributesFile = findFile(dir, "items_ins_v2");
  const attributes = (attributesFile ? readJson(join(dir, attributesFile)) : {}) as Record<
    string,
    { attributes?: string[] }
  >;
  const items = readJson(join(dir, itemsFile));
  if (!Array.isArray(items)) throw new InputError(`${join(dir, itemsFile)}: expected a list of products`);
  // WebShop draws a ranged product's price (random.uniform) and then the goals' price bounds from
  // Python's random, unseeded; here one generator seeded 0 makes the same kind of draws in that order
  const draws = new PythonRandom(0);
  const seenProducts = new Set<string>();
  const products: Product[] = [];
  for (const [i, raw] of items.entries()) {
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success)
      throw new InputError(
        `${join(dir, itemsFile)}: [${i}].${formatZodIssue(parsed.error.issues[0] as never)}`,
      );
    const item = parsed.data;
    // WebShop keeps the first of each asin and drops "nan" and over-long ones
    if (item.asin === "nan" || item.asin.length > 10 || seenProducts.has(item.asin)) continue;
    seenProducts.add(item.asin);
    const options = Object.fromEntries(
      Object.entries(item.customization_options ?? {})
        .filter(([, values]) => values !== null)
        .map(([group, values]) => [group.toLowerCase(), (values ?? []).map((v) => optionValue(v.value))]),
    );
    const { bounds, tag } = parsePricing(item.pricing);
    const price =
      bounds.length === 2 ? draws.uniform(bounds[0] as number, bounds[1] as number) : (bounds[0] as number);
    products.push({
      asin: item.asin,
      name: item.name,
      product_category: item.product_category,
      query: item.query,
      price,
      price_tag: tag,
      bullet_points: item.small_description,
      description: item.full_description,
      attributes: attributes[item.asin]?.attributes ?? [],
      options,
      reviews: (item.Reviews ?? []).map((r) =>
        typeof r === "object" && r && "body" in r ? String((r as { body: unknown }).body) : String(r),
      ),
    });
  }
  const goals: Goal[] = [];
  const humanFile = join(dir, "items_human_ins.json");
  if (existsSync(humanFile)) {
    const human = readJson(humanFile) as Record<string, unknown[]>;
    // WebShop's get_human_goals (web_agent_site/engine/goal.py): products in file order, goals
    // without attributes skipped, a price bound drawn from the next four multiples of 10 above the
    // price and written into the instruction. WebShop draws it unseeded; here the draw is seeded (0).
    const seen = new Set<string>();
    for (const product of products) {
      const { asin } = product;
      if (seen.has(asin)) continue;
      seen.add(asin);
      const list = human[asin];
      if (!list) continue;
      for (const [i, raw] of list.entries()) {
        const parsed = humanInstructionSchema.safeParse(raw);
        if (!parsed.success)
          throw new InputError(
            `${humanFile}: ${asin}[${i}].${formatZodIssue(parsed.error.issues[0] as never)}`,
          );
        const ins = parsed.data;
        if (ins.instruction_attributes.length === 0) continue;
        const priceRange = priceSteps.filter((p) => p > product.price).slice(0, 4);
        const price_upper = priceRange.length >= 2 ? Math.max(...draws.sample(priceRange, 2)) : 1_000_000;
        const priceText =
          priceRange.length >= 2 ? `, and price lower than ${price_upper.toFixed(2)} dollars` : "";
        const values = Array.isArray(ins.instruction_options)
          ? ins.instruction_options
          : Object.values(ins.instruction_options);
        // each option value is filed under the product's group that offers it
        const goal_options = Object.fromEntries(
          values.map((v) => [
            Object.entries(product.options).find(([, vs]) => vs.includes(optionValue(v)))?.[0] ?? v,
            v.toLowerCase(),
          ]),
        );
        goals.push({
          id: `${asin}#${i}`,
          asin,
          name: product.name,
          product_category: product.product_category,
          query: product.query,
          instruction_text: `${pythonStrip(ins.instruction, ".")}${priceText}`,
          attributes: ins.instruction_attributes,
          goal_options,
          price_upper,
        });
      }
    }
  }
  // "Fix outcome for random shuffling of goals" (web_agent_text_env.py): AgentBench's test goals are
  // the first 200 of this order, its dev goals the next 80
  new PythonRandom(233).shuffle(goals);
  return { products, goals };
}

/** WebShop's PRICE_RANGE: 10.0, 20.0, … 990.0. */
const priceSteps = Array.from({ length: 99 }, (_, i) => 10 * (i + 1));
