// What the scripted MiniWoB++ solvers share: the page view they read, the solver shape, and helpers
// that name an element as an RCI instruction (an XPath by data-wob_ref or id).
import type { Cheerio, CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";

export interface PageView {
  utterance: string;
  $: CheerioAPI;
  /** The instructions already executed, oldest first. */
  done: readonly string[];
}

export interface Solver {
  /** Most instructions the task can need: the oracle's plan has this many steps. */
  steps: number;
  next(view: PageView): string;
}

/** An XPath naming exactly this element: its data-wob_ref where visible, else its id. */
export function xpathOf(element: Cheerio<AnyNode>): string {
  const ref = element.attr("data-wob_ref");
  if (ref) return `//*[@data-wob_ref="${ref}"]`;
  const id = element.attr("id");
  if (id) return `//*[@id="${id}"]`;
  throw new Error(`no ref or id on <${element.prop("tagName")}>`);
}

export function click(element: Cheerio<AnyNode>): string {
  if (element.length === 0) throw new Error("nothing to click");
  return `clickxpath ${xpathOf(element.first())}`;
}

/** Elements matching `selector` whose trimmed text is exactly `text`. */
export function withText($: CheerioAPI, selector: string, text: string): Cheerio<AnyNode> {
  return $(selector).filter((_, e) => $(e).text().trim() === text);
}

/** The first "…"-quoted part of the task. */
export function quoted(utterance: string): string {
  const match = /"(.*?)"/.exec(utterance);
  if (!match) throw new Error(`no quoted text in "${utterance}"`);
  return match[1] as string;
}

export function match(utterance: string, pattern: RegExp): RegExpExecArray {
  const found = pattern.exec(utterance);
  if (!found) throw new Error(`the task "${utterance}" does not read as ${pattern}`);
  return found;
}

/** Solvers that run a fixed list of instructions, worked out from the first page. */
export function sequence(steps: number, plan: (view: PageView) => string[]): Solver {
  return {
    steps,
    next(view) {
      const instructions = plan(view);
      const next = instructions[view.done.length];
      if (next === undefined) throw new Error("the plan is done and the page gave no reward");
      return next;
    },
  };
}

/** Whether cheerio sees the element as shown (core.getDOMInfo gave it a ref). */
export function shown(element: Cheerio<AnyNode>): boolean {
  return element.attr("data-wob_ref") !== undefined;
}
