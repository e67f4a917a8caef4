// WebShop's own data files: items_shuffle*.json (products), items_ins_v2*.json (attributes per asin)
// and items_human_ins.json (human instructions per asin), read into our catalog and goals.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { formatZodIssue, InputError } from "../../core/index.js";
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

function parsePrice(pricing: unknown): number {
  if (typeof pricing === "number") return pricing;
  if (Array.isArray(pricing)) return Number(pricing[0] ?? 0);
  const match = /[\d.,]+/.exec(String(pricing ?? ""));
  return match ? Number(match[0].replaceAll(",", "")) : 0;
}

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
  const products = items.map((raw, i): Product => {
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success)
      throw new InputError(
        `${join(dir, itemsFile)}: [${i}].${formatZodIssue(parsed.error.issues[0] as never)}`,
      );
    const item = parsed.data;
    const options = Object.fromEntries(
      Object.entries(item.customization_options ?? {}).map(([group, values]) => [
        group.toLowerCase(),
        (values ?? []).map((v) => v.value.toLowerCase()),
      ]),
    );
    return {
      asin: item.asin,
      name: item.name,
      product_category: item.product_category,
      query: item.query,
      price: parsePrice(item.pricing),
      bullet_points: item.small_description,
      description: item.full_description,
      attributes: attributes[item.asin]?.attributes ?? [],
      options,
      reviews: (item.Reviews ?? []).map((r) =>
        typeof r === "object" && r && "body" in r ? String((r as { body: unknown }).body) : String(r),
      ),
    };
  });
  const byAsin = new Map(products.map((p) => [p.asin, p]));
  const goals: Goal[] = [];
  const humanFile = join(dir, "items_human_ins.json");
  if (existsSync(humanFile)) {
    const human = readJson(humanFile) as Record<string, unknown[]>;
    for (const [asin, list] of Object.entries(human)) {
      const product = byAsin.get(asin);
      if (!product) continue;
      for (const [i, raw] of (list ?? []).entries()) {
        const parsed = humanInstructionSchema.safeParse(raw);
        if (!parsed.success)
          throw new InputError(
            `${humanFile}: ${asin}[${i}].${formatZodIssue(parsed.error.issues[0] as never)}`,
          );
        const ins = parsed.data;
        const values = Array.isArray(ins.instruction_options)
          ? ins.instruction_options
          : Object.values(ins.instruction_options);
        // each option value is filed under the product's group that offers it
        const goal_options = Object.fromEntries(
          values.map((v) => [
            Object.entries(product.options).find(([, vs]) => vs.includes(v.toLowerCase()))?.[0] ?? v,
            v.toLowerCase(),
          ]),
        );
        goals.push({
          id: `${asin}#${i}`,
          asin,
          name: product.name,
          product_category: product.product_category,
          query: product.query,
          instruction_text: ins.instruction,
          attributes: ins.instruction_attributes,
          goal_options,
          price_upper: Math.ceil((product.price * 1.5) / 10) * 10 || 1_000_000,
        });
      }
    }
  }
  return { products, goals };
}
