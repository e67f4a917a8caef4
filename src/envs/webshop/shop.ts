// The shop: catalog + WebShop's Lucene BM25 search (top 50, pages of 10) + the page state machine that both
// the text mode and the HTML site render. One Session per shopper; sessions never share state.
import { pythonFloatRepr } from "../lib/python-repr.js";
import type { Goal, Product } from "./catalog.js";
import { LuceneIndex, productContents } from "./lucene-search.js";
import { type PurchaseReward, purchaseReward } from "./reward.js";

export const resultsPerPage = 10;
export const maxResults = 50;

export class Shop {
  readonly byAsin: Map<string, Product>;
  private readonly index: LuceneIndex;

  constructor(readonly products: readonly Product[]) {
    this.byAsin = new Map(products.map((p) => [p.asin, p]));
    this.index = new LuceneIndex(products.map(productContents));
  }

  /** WebShop's search: Lucene's BM25 ranking of the query, at most 50 asins. */
  search(query: string): string[] {
    return this.index.search(query.slice(0, 500), maxResults).map((i) => (this.products[i] as Product).asin);
  }
}

export type Page =
  | { kind: "search" }
  | { kind: "results"; query: string; page: number; asins: string[] }
  | { kind: "item"; asin: string; back: Page; options: Record<string, string> }
  | {
      kind: "sub";
      asin: string;
      section: "description" | "features" | "reviews";
      item: Page & { kind: "item" };
    }
  | { kind: "done"; asin: string; options: Record<string, string>; reward: PurchaseReward };

export type ShopAction = { kind: "search"; query: string } | { kind: "click"; value: string };

export class Session {
  page: Page = { kind: "search" };

  constructor(
    readonly shop: Shop,
    readonly goal: Goal,
  ) {}

  get hasSearchBar(): boolean {
    return this.page.kind === "search";
  }

  /** What can be clicked on this page, as WebShop lists it (lower case). */
  clickables(): string[] {
    const p = this.page;
    switch (p.kind) {
      case "search":
        return ["search"];
      case "results": {
        const shown = p.asins
          .slice((p.page - 1) * resultsPerPage, p.page * resultsPerPage)
          .map((a) => a.toLowerCase());
        return ["back to search", ...(p.page > 1 ? ["< prev"] : []), "next >", ...shown];
      }
      case "item": {
        const product = this.shop.byAsin.get(p.asin) as Product;
        return [
          "back to search",
          "< prev",
          ...Object.values(product.options).flat(),
          "description",
          "features",
          "reviews",
          "buy now",
        ];
      }
      case "sub":
        return ["back to search", "< prev"];
      case "done":
        return [];
    }
  }

  /** Applies an action; false when WebShop would refuse it (then nothing changes). */
  act(action: ShopAction): boolean {
    const p = this.page;
    // WebShop's text env searches from any page and takes any non-empty argument, lower-cased; a
    // click must name a clickable exactly, lower-cased, untrimmed (web_agent_text_env.py step())
    if (action.kind === "search") {
      if (p.kind === "done" || action.query === "") return false;
      this.page = { kind: "results", query: action.query, page: 1, asins: this.shop.search(action.query) };
      return true;
    }
    const value = action.value.toLowerCase();
    if (!this.clickables().includes(value)) return false;
    if (value === "back to search") this.page = { kind: "search" };
    else if (p.kind === "results") {
      if (value === "next >") this.page = { ...p, page: p.page + 1 };
      else if (value === "< prev") this.page = { ...p, page: p.page - 1 };
      else
        this.page = {
          kind: "item",
          asin: p.asins.find((a) => a.toLowerCase() === value) ?? value,
          back: p,
          options: {},
        };
    } else if (p.kind === "item") {
      const product = this.shop.byAsin.get(p.asin) as Product;
      if (value === "< prev") this.page = p.back;
      else if (value === "buy now")
        this.page = {
          kind: "done",
          asin: p.asin,
          options: p.options,
          reward: purchaseReward(product, p.options, this.goal),
        };
      else if (value === "description" || value === "features" || value === "reviews")
        this.page = { kind: "sub", asin: p.asin, section: value, item: p };
      else {
        const group =
          Object.entries(product.options).find(([, values]) => values.includes(value))?.[0] ?? "option";
        this.page = { ...p, options: { ...p.options, [group]: value } };
      }
    } else if (p.kind === "sub" && value === "< prev") this.page = p.item;
    return true;
  }

  /** WebShop's text observation: the page's visible texts joined by [SEP]. */
  observation(): string {
    const p = this.page;
    const head = ["Instruction:", this.goal.instruction_text];
    switch (p.kind) {
      case "search":
        return ["WebShop", ...head, "Search"].join(" [SEP] ");
      case "results": {
        const shown = p.asins.slice((p.page - 1) * resultsPerPage, p.page * resultsPerPage);
        const items = shown.flatMap((asin) => {
          const product = this.shop.byAsin.get(asin) as Product;
          return [asin, product.name, priceTag(product)];
        });
        return [
          ...head,
          "Back to Search",
          `Page ${p.page} (Total results: ${p.asins.length})`,
          // WebShop's results page always offers "Next >" (results_page.html), even on the last page
          ...(p.page > 1 ? ["< Prev"] : []),
          "Next >",
          ...items,
        ].join(" [SEP] ");
      }
      case "item": {
        const product = this.shop.byAsin.get(p.asin) as Product;
        const options = Object.entries(product.options).flatMap(([group, values]) => [group, ...values]);
        return [
          ...head,
          "Back to Search",
          "< Prev",
          ...options,
          product.name,
          `Price: ${priceTag(product)}`,
          "Rating: N.A.",
          "Description",
          "Features",
          "Reviews",
          "Buy Now",
        ].join(" [SEP] ");
      }
      case "sub": {
        const product = this.shop.byAsin.get(p.asin) as Product;
        const body =
          p.section === "description"
            ? [product.description]
            : p.section === "features"
              ? product.bullet_points
              : product.reviews;
        return [...head, "Back to Search", "< Prev", ...body].join(" [SEP] ");
      }
      case "done":
        return [
          "Thank you for shopping with us!",
          `Your score (min 0.0, max 1.0) [SEP] ${p.reward.reward.toFixed(2)}`,
        ].join(" [SEP] ");
    }
  }
}

/** The price as WebShop's pages show it: the product's tag, or its price as Python prints a float. */
export const priceTag = (product: Product): string =>
  product.price_tag ?? `$${pythonFloatRepr(product.price)}`;
