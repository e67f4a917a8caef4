// The shop's catalog and goals: WebShop's product shape, a deterministic generated catalog (the
// embedded default), and synthetic goals sampled as WebShop samples them (product attributes, options,
// a price upper bound).
import { z } from "zod";
import { mulberry32 } from "../../core/index.js";

export const productSchema = z.object({
  asin: z.string(),
  name: z.string(),
  /** Category path joined with " › ". */
  product_category: z.string(),
  /** The search query the product was collected under (WebShop's r_type uses it). */
  query: z.string(),
  /** The price the reward compares; for a "$a to $b" product, WebShop's uniform draw in the range. */
  price: z.number(),
  /** What pages show ("$12.99", "$12.99 to $24.5"); without it, the price as Python prints it. */
  price_tag: z.string().optional(),
  bullet_points: z.array(z.string()),
  description: z.string(),
  attributes: z.array(z.string()),
  /** Option group → values, e.g. {size: ["small", "large"], color: ["red"]}. */
  options: z.record(z.string(), z.array(z.string())),
  reviews: z.array(z.string()).default([]),
});
export type Product = z.infer<typeof productSchema>;

export const goalSchema = z.object({
  id: z.string(),
  asin: z.string(),
  name: z.string(),
  product_category: z.string(),
  query: z.string(),
  instruction_text: z.string(),
  attributes: z.array(z.string()),
  goal_options: z.record(z.string(), z.string()),
  price_upper: z.number(),
});
export type Goal = z.infer<typeof goalSchema>;

interface Family {
  category: string;
  query: string;
  nouns: string[];
  adjectives: string[];
  attributes: string[];
  options: Record<string, string[]>;
  price: [number, number];
}

const colors = ["black", "white", "red", "blue", "green", "navy", "grey", "pink", "beige", "brown"];
const families: Family[] = [
  {
    category: "Clothing, Shoes & Jewelry › Men › Shirts",
    query: "men shirt",
    nouns: ["shirt", "polo shirt", "button down shirt"],
    adjectives: ["slim fit", "cotton", "casual", "long sleeve"],
    attributes: ["machine wash", "slim fit", "long sleeve", "button closure", "cotton"],
    options: { size: ["small", "medium", "large", "x-large"], color: colors },
    price: [12, 60],
  },
  {
    category: "Clothing, Shoes & Jewelry › Women › Dresses",
    query: "women dress",
    nouns: ["dress", "maxi dress", "midi dress"],
    adjectives: ["floral", "summer", "elegant", "sleeveless"],
    attributes: ["hand wash", "v neck", "polyester", "sleeveless", "pockets"],
    options: { size: ["x-small", "small", "medium", "large"], color: colors },
    price: [18, 90],
  },
  {
    category: "Beauty & Personal Care › Fragrance › Women's",
    query: "women perfume",
    nouns: ["eau de parfum", "perfume spray", "body mist"],
    adjectives: ["floral", "long lasting", "fresh", "travel"],
    attributes: ["long lasting", "travel size", "alcohol free", "natural ingredients", "gift set"],
    options: { size: ["1 fl oz", "1.7 fl oz", "3.4 fl oz", "6.76 fl oz"] },
    price: [9, 140],
  },
  {
    category: "Home & Kitchen › Kitchen & Dining › Cookware",
    query: "frying pan",
    nouns: ["frying pan", "skillet", "saute pan"],
    adjectives: ["nonstick", "cast iron", "stainless steel", "ceramic"],
    attributes: ["dishwasher safe", "oven safe", "nonstick", "induction compatible", "pfoa free"],
    options: { size: ["8 inch", "10 inch", "12 inch"], color: ["black", "red", "grey", "blue"] },
    price: [15, 120],
  },
  {
    category: "Electronics › Headphones › Earbuds",
    query: "wireless earbuds",
    nouns: ["earbuds", "headphones", "earphones"],
    adjectives: ["wireless", "noise cancelling", "sport", "bluetooth"],
    attributes: ["noise cancelling", "water resistant", "long battery life", "fast charging", "hands free"],
    options: { color: ["black", "white", "blue", "pink"] },
    price: [20, 250],
  },
  {
    category: "Grocery & Gourmet Food › Snacks › Nuts",
    query: "snack nuts",
    nouns: ["mixed nuts", "almonds", "cashews"],
    adjectives: ["roasted", "salted", "organic", "raw"],
    attributes: ["gluten free", "non gmo", "low sodium", "high protein", "resealable bag"],
    options: {
      size: ["8 ounce", "16 ounce", "2 pound"],
      flavor: ["sea salt", "honey roasted", "unsalted", "smoked"],
    },
    price: [5, 40],
  },
  {
    category: "Sports & Outdoors › Fitness › Yoga",
    query: "yoga mat",
    nouns: ["yoga mat", "exercise mat", "pilates mat"],
    adjectives: ["non slip", "thick", "eco friendly", "foldable"],
    attributes: ["non slip", "extra thick", "carrying strap", "eco friendly", "easy to clean"],
    options: { size: ["4mm", "6mm", "10mm"], color: colors },
    price: [14, 80],
  },
  {
    category: "Home & Kitchen › Bedding › Sheets",
    query: "bed sheets",
    nouns: ["sheet set", "bed sheets", "fitted sheet"],
    adjectives: ["microfiber", "soft", "cooling", "deep pocket"],
    attributes: ["machine wash", "wrinkle resistant", "deep pocket", "breathable", "queen size"],
    options: { size: ["twin", "full", "queen", "king"], color: colors },
    price: [20, 110],
  },
];
const brands =
  "Arlo Brisk Cove Dune Ember Fable Grove Halo Iris Juno Kite Lumen Mosa Nova Oak Pike Quill Rowan Sable Tern Umbra Vale Wren Yew Zest".split(
    " ",
  );

export function generateCatalog(seed = 1, count = 5000): Product[] {
  const rng = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)] as T;
  const sample = <T>(items: readonly T[], n: number) => [...items].sort(() => rng() - 0.5).slice(0, n);
  const products: Product[] = [];
  for (let i = 0; i < count; i++) {
    const family = families[i % families.length] as Family;
    const noun = pick(family.nouns);
    const adjectives = sample(family.adjectives, 2);
    const attributes = sample(family.attributes, 3);
    const brand = pick(brands);
    const options = Object.fromEntries(
      Object.entries(family.options).map(([group, values]) => [
        group,
        sample(values, Math.min(values.length, 2 + Math.floor(rng() * 3))),
      ]),
    );
    const price = Math.round((family.price[0] + rng() * (family.price[1] - family.price[0])) * 100) / 100;
    const name = `${brand} ${adjectives.join(" ")} ${noun}`;
    products.push({
      asin: `B0${(1_000_000 + i * 7919).toString(36).toUpperCase().padStart(8, "X")}`,
      name,
      product_category: family.category,
      query: family.query,
      price,
      bullet_points: attributes.map(
        (a) => `${a[0]?.toUpperCase()}${a.slice(1)}: made to last, with ${brand} quality`,
      ),
      description: `The ${name} from ${brand}. ${adjectives.join(", ")} and ${attributes.join(", ")}.`,
      attributes,
      options,
      reviews: [`Great ${noun}, would buy again.`, `The ${attributes[0]} part is true.`],
    });
  }
  return products;
}

/** WebShop-style synthetic goals: a product's attributes (1–2), one value per option group, a price bound. */
export function sampleGoals(products: readonly Product[], count: number, seed = 1): Goal[] {
  const rng = mulberry32(seed);
  const goals: Goal[] = [];
  for (let i = 0; i < count; i++) {
    const product = products[Math.floor(rng() * products.length)] as Product;
    const attributes = [...product.attributes].sort(() => rng() - 0.5).slice(0, 1 + Math.floor(rng() * 2));
    const goal_options = Object.fromEntries(
      Object.entries(product.options).map(([group, values]) => [
        group,
        values[Math.floor(rng() * values.length)] as string,
      ]),
    );
    const price_upper = Math.ceil((product.price * (1.1 + rng())) / 10) * 10;
    const noun = product.name.split(" ").slice(-2).join(" ");
    const optionText = Object.entries(goal_options)
      .map(([group, value]) => `${group}: ${value}`)
      .join(", ");
    goals.push({
      id: `goal-${seed}-${i}`,
      asin: product.asin,
      name: product.name,
      product_category: product.product_category,
      query: product.query,
      instruction_text: `i need ${attributes.join(" and ")} ${noun}${optionText ? ` with ${optionText}` : ""}, and price lower than ${price_upper.toFixed(2)} dollars`,
      attributes,
      goal_options,
      price_upper,
    });
  }
  return goals;
}
