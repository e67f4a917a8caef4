// Cost estimates from reported token usage: list prices (USD per 1M tokens) or the user's own.
import type { Usage } from "../core/index.js";
import { InputError } from "../core/index.js";

export interface Price {
  /** USD per 1M prompt tokens. */
  input: number;
  /** USD per 1M completion tokens. */
  output: number;
}

/** Public list prices of common teacher models when this table was written; pass --price for others. */
export const listPrices: Record<string, Price> = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
};

/** "in=2.5,out=10" → Price. */
export function parsePrice(text: string): Price {
  const match = /^in=([\d.]+),out=([\d.]+)$/.exec(text.replaceAll(" ", ""));
  if (!match)
    throw new InputError(`--price "${text}": expected in=USD,out=USD per 1M tokens, e.g. in=2.5,out=10`);
  return { input: Number(match[1]), output: Number(match[2]) };
}

/** The model name inside a model id ("http://…/v1#gpt-4o" → "gpt-4o"). */
export function modelName(modelId: string): string {
  return modelId.slice(modelId.lastIndexOf("#") + 1).replace(/^openai:/, "");
}

export function estimateCostUsd(usage: Usage | undefined, price: Price | undefined): number | undefined {
  if (!usage || !price) return undefined;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1e6;
}
