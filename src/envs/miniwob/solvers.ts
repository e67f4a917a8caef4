// Scripted MiniWoB++ solvers, written from the task pages' logic: each reads the task and the HTML an
// RCI prompt shows (the page as it is now, with core.getDOMInfo's data-wob_ref on every visible
// element) and gives the next instruction in the RCI action language. Tasks not listed here have no
// solver (the README lists them).
import type { Cheerio, CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import { appSolvers } from "./app-solvers.js";
import { click, match, quoted, type Solver, sequence, withText } from "./solver-kit.js";

/** The labels of "Select A, B and click Submit." ("nothing" selects none). */
function selectedWords(utterance: string): string[] {
  const list = match(utterance, /^Select (.*) and click Submit\.?$/)[1] as string;
  if (list === "nothing") return [];
  return list.split(", ").map((w) => w.trim());
}

const checkboxes = sequence(40, ({ utterance, $ }) => [
  ...selectedWords(utterance).map((word) => click(withText($, "#area label", word).find("input"))),
  click($("#subbtn")),
]);

/** A link hidden in a collapsed section or an inactive tab: open its container, then click it. */
function revealThenClick(header: (panel: Cheerio<AnyNode>, $: CheerioAPI) => Cheerio<AnyNode>): Solver {
  return {
    steps: 3,
    next({ utterance, $ }) {
      const link = withText($, "span.alink", quoted(utterance));
      const visible = link.filter((_, e) => $(e).attr("data-wob_ref") !== undefined);
      if (visible.length) return click(visible);
      return click(header(link.first().closest("[role=tabpanel]"), $));
    },
  };
}

/** Typing into a field: click it, then type. */
function typeInto(field: Cheerio<AnyNode>, text: string): string[] {
  return [click(field), `type ${text}`];
}

/**
 * simple-algebra's problems: "x + a = b", "x - a = b", "a + x = b". The page also shows "a + x = b"
 * for its "−" problems and then expects a − b, so those episodes (about a quarter) cannot be solved
 * from the page.
 */
export function solveForX(problem: string): number {
  const [left, right] = problem.split("=").map((s) => s.trim()) as [string, string];
  const b = Number(right);
  const xFirst = /^x ([+-]) (-?\d+)$/.exec(left);
  if (xFirst) return xFirst[1] === "+" ? b - Number(xFirst[2]) : b + Number(xFirst[2]);
  const xSecond = /^(-?\d+) ([+-]) x$/.exec(left);
  if (xSecond) return xSecond[2] === "+" ? b - Number(xSecond[1]) : Number(xSecond[1]) - b;
  throw new Error(`cannot solve "${problem}"`);
}

export const solvers: Record<string, Solver> = {
  "click-button": sequence(1, ({ utterance, $ }) => [click(withText($, "#area button", quoted(utterance)))]),
  "click-button-sequence": sequence(2, ({ $ }) => [click($("#subbtn")), click($("#subbtn2"))]),
  "click-checkboxes": checkboxes,
  "click-checkboxes-large": checkboxes,
  "click-checkboxes-transfer": checkboxes,
  "click-collapsible": sequence(2, ({ $ }) => [click($("#area h3")), click($("#subbtn"))]),
  "click-collapsible-2": revealThenClick((panel, $) => $(`[aria-controls="${panel.attr("id")}"]`)),
  "click-color": sequence(1, ({ utterance, $ }) => {
    const color = match(utterance, /^Click on the (.+) colored box\.$/)[1] as string;
    return [click($(`#area .color[data-color="${color}"]`))];
  }),
  "click-dialog": sequence(1, ({ $ }) => [click($(".ui-dialog-titlebar-close"))]),
  "click-dialog-2": sequence(1, ({ utterance, $ }) => {
    const label = quoted(utterance);
    if (label === "x") return [click($(".ui-dialog-titlebar-close"))];
    return [click(withText($, ".ui-dialog-buttonset button", label))];
  }),
  "click-link": sequence(1, ({ utterance, $ }) => [click(withText($, "span.alink", quoted(utterance)))]),
  "click-option": sequence(2, ({ utterance, $ }) => [
    ...selectedWords(utterance).map((word) => click(withText($, "#boxes label", word).find("input"))),
    click($("#subbtn")),
  ]),
  "click-tab": sequence(1, ({ utterance, $ }) => {
    const tab = match(utterance, /^Click on (Tab #\d+)\.$/)[1] as string;
    return [click(withText($, "a.ui-tabs-anchor", tab))];
  }),
  "click-tab-2": revealThenClick((panel, $) => $(`a[href="#${panel.attr("id")}"]`)),
  "click-tab-2-hard": revealThenClick((panel, $) => $(`a[href="#${panel.attr("id")}"]`)),
  "click-test": sequence(1, ({ $ }) => [click($("#subbtn"))]),
  "click-test-2": sequence(1, ({ utterance, $ }) => {
    const label = match(utterance, /^Click button (\w+)\.$/)[1] as string;
    return [click(withText($, "#area button", label))];
  }),
  "click-widget": sequence(1, ({ utterance, $ }) => [click($(`#area [data-type="${quoted(utterance)}"]`))]),
  "choose-list": sequence(2, ({ utterance, $ }) => {
    const item = match(utterance, /^Select (.+) from the list and click Submit\.$/)[1] as string;
    return [`clickoption //select[@id="options"]/option[text()="${item}"]`, click($("#area button"))];
  }),
  "enter-date": sequence(5, ({ utterance, $ }) => {
    const [, month, day, year] = match(utterance, /(\d\d)\/(\d\d)\/(\d{4})/);
    // a click lands in the middle of the field, on the year: two steps left reach the month
    return [
      click($("#tt")),
      "press arrowleft",
      "press arrowleft",
      `type ${month}${day}${year}`,
      click($("#subbtn")),
    ];
  }),
  "enter-password": sequence(5, ({ utterance, $ }) => {
    const password = quoted(utterance);
    return [...typeInto($("#password"), password), ...typeInto($("#verify"), password), click($("#subbtn"))];
  }),
  "enter-text": sequence(3, ({ utterance, $ }) => [
    ...typeInto($("#tt"), quoted(utterance)),
    click($("#subbtn")),
  ]),
  "enter-text-dynamic": sequence(3, ({ utterance, $ }) => [
    ...typeInto($("#tt"), quoted(utterance)),
    click($("#subbtn")),
  ]),
  "enter-time": sequence(3, ({ utterance, $ }) => {
    const [, hour, minute, half] = match(utterance, /(\d+):(\d\d) (AM|PM)/);
    return [
      ...typeInto($("#tt"), `${(hour as string).padStart(2, "0")}${minute}${half}`),
      click($("#subbtn")),
    ];
  }),
  "focus-text": sequence(1, ({ $ }) => [click($("#tt"))]),
  "focus-text-2": sequence(1, ({ utterance, $ }) => {
    const n = Number(match(utterance, /the (\d+)(st|nd|rd|th) input/)[1]);
    return [click($("#area input").eq(n - 1))];
  }),
  "login-user": sequence(5, ({ utterance, $ }) => {
    const [, username, password] = match(utterance, /username "(.*?)" and the password "(.*?)"/);
    return [
      ...typeInto($("#username"), username as string),
      ...typeInto($("#password"), password as string),
      click($("#subbtn")),
    ];
  }),
  "simple-algebra": sequence(3, ({ $ }) => [
    ...typeInto($("#math-answer"), String(solveForX($("#math-problem").text()))),
    click($("#subbtn")),
  ]),
  "use-spinner": sequence(21, ({ utterance, $ }) => {
    const n = Number(match(utterance, /^Select (-?\d+) with the spinner/)[1]);
    const arrow = click($(n >= 0 ? ".ui-spinner-up" : ".ui-spinner-down"));
    return [...Array.from({ length: Math.abs(n) }, () => arrow), click($("#subbtn"))];
  }),
  ...appSolvers,
};
