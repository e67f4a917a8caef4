// Scripted MiniWoB++ solvers, written from the task pages' logic: each reads the task and the HTML an
// RCI prompt shows (the page as it is now, with core.getDOMInfo's data-wob_ref on every visible
// element) and gives the next instruction in the RCI action language. Tasks not listed here have no
// solver (the README lists them).
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
function xpathOf(element: Cheerio<AnyNode>): string {
  const ref = element.attr("data-wob_ref");
  if (ref) return `//*[@data-wob_ref="${ref}"]`;
  const id = element.attr("id");
  if (id) return `//*[@id="${id}"]`;
  throw new Error(`no ref or id on <${element.prop("tagName")}>`);
}

function click(element: Cheerio<AnyNode>): string {
  if (element.length === 0) throw new Error("nothing to click");
  return `clickxpath ${xpathOf(element.first())}`;
}

/** Elements matching `selector` whose trimmed text is exactly `text`. */
function withText($: CheerioAPI, selector: string, text: string): Cheerio<AnyNode> {
  return $(selector).filter((_, e) => $(e).text().trim() === text);
}

/** The first "…"-quoted part of the task. */
function quoted(utterance: string): string {
  const match = /"(.*?)"/.exec(utterance);
  if (!match) throw new Error(`no quoted text in "${utterance}"`);
  return match[1] as string;
}

function match(utterance: string, pattern: RegExp): RegExpExecArray {
  const found = pattern.exec(utterance);
  if (!found) throw new Error(`the task "${utterance}" does not read as ${pattern}`);
  return found;
}

/** Solvers that run a fixed list of instructions, worked out from the first page. */
function sequence(steps: number, plan: (view: PageView) => string[]): Solver {
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
};

/** Whether cheerio sees the element as shown (core.getDOMInfo gave it a ref). */
function shown(element: Cheerio<AnyNode>): boolean {
  return element.attr("data-wob_ref") !== undefined;
}

/** search-engine: search, then page through the results (3 a page) to the n-th one. */
const searchEngine: Solver = {
  steps: 9,
  next({ utterance, $, done }) {
    const query = quoted(utterance);
    const n = Number(match(utterance, /click the (\d+)(st|nd|rd|th) search result/)[1]);
    if (done.length === 0) return click($("#search-text"));
    if (done.length === 1) return `type ${query}`;
    if (done.length === 2) return click($("#search"));
    const result = $(`#page-content a[data-result="${n - 1}"]`);
    if (result.length && shown(result)) return click(result);
    const page = String(Math.floor((n - 1) / 3) + 1);
    const pageLink = withText($, "#pagination a.page-link", page).filter((_, e) => shown($(e)));
    return click(pageLink.length ? pageLink : withText($, "#pagination a.page-link", ">"));
  },
};

type EmailAction = "reply" | "forward" | "delete" | "important";

/** Capitalized words of the natural-language email tasks that are not names. */
const notNames = new Set(
  "A An And Can Could Delete Email Find Forward Get Give Go Hey I In Let Locate Look Mark My Open Pass Please Pull Put Remove Reply Respond Search Send Share Star Take The Trash".split(
    " ",
  ),
);

/**
 * What an email-inbox task asks, in its template wording or the natural-language variants ("Give
 * Bobine the message you received from Cora,"): the action, the sender (a name of the inbox) and
 * the recipient or reply text.
 */
export function readEmailTask(
  utterance: string,
  senders: readonly string[],
): { action: EmailAction; sender: string; to?: string; text?: string } {
  const names = (utterance.replace(/"[^"]*"/g, "").match(/\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b/g) ?? []).filter(
    (word) => !notNames.has(word),
  );
  const inInbox = (name: string | undefined) => (name && senders.includes(name) ? name : undefined);
  const sender =
    inInbox(/\b(?:from|by) ([A-Z][\w-]*)/.exec(utterance)?.[1]) ??
    inInbox(/\b([A-Z][\w-]*)'s (?:email|message|mail|last|latest|most)/.exec(utterance)?.[1]) ??
    inInbox(/\b([A-Z][\w-]*) (?:sent|wrote|emailed)\b/.exec(utterance)?.[1]) ??
    names.find((name) => senders.includes(name));
  if (!sender) throw new Error(`no sender of the inbox in "${utterance}"`);
  const text = /"(.*)"/.exec(utterance)?.[1];
  // only replies quote a text
  if (text !== undefined || /\breply|\brespond|\banswer/i.test(utterance))
    return { action: "reply", sender, text: text ?? "" };
  if (/important|\bstar/i.test(utterance)) return { action: "important", sender };
  if (/delete|trash|remove|get rid|discard|erase/i.test(utterance)) return { action: "delete", sender };
  const others = names.filter((name) => name !== sender);
  const to = [/\bto ([A-Z][\w-]*)/.exec(utterance)?.[1]].find((name) => name && name !== sender) ?? others[0];
  if (!to) throw new Error(`no one to forward to in "${utterance}"`);
  return { action: "forward", sender, to };
}

/** email-inbox and its variants: act on the sender's email from the inbox, or open it and reply / forward. */
const emailInbox: Solver = {
  steps: 6,
  next({ utterance, $, done }) {
    const senders = $("#main .email-sender")
      .toArray()
      .map((e) => $(e).text().trim());
    const task = readEmailTask(utterance, senders);
    const thread = $("#main .email-thread").filter(
      (_, e) => $(e).find(".email-sender").text().trim() === task.sender,
    );
    if (task.action === "delete") return click(thread.first().find(".trash"));
    if (task.action === "important") return click(thread.first().find(".star"));
    const form = task.action === "reply" ? $("#reply") : $("#forward");
    if (form.length && shown(form)) {
      const field = task.action === "reply" ? $("#reply-text") : $(".forward-sender");
      const typed = done.some((instruction) => instruction.startsWith("type "));
      if (!done.at(-1)?.startsWith("clickxpath") || !typed) {
        if (!typed && done.at(-1) !== click(field)) return click(field);
        if (!typed) return `type ${task.action === "reply" ? task.text : task.to}`;
      }
      return click($(task.action === "reply" ? "#send-reply" : "#send-forward"));
    }
    const email = $("#email");
    if (email.length && shown(email)) return click($(`#email .email-${task.action}`));
    return click(thread.first().find(".email-sender"));
  },
};

/** The social-media tasks' button names and the classes the pages check. */
const socialActions: Record<string, string> = {
  "Share via DM": "share",
  "Copy link to Tweet": "copy",
  "Embed Tweet": "embed",
  Mute: "menu-user",
  Block: "block-user",
  Report: "report",
  Reply: "reply",
  Retweet: "retweet",
  Like: "like",
  Share: "share",
};

function postsBy($: CheerioAPI, user: string): Cheerio<AnyNode> {
  return $("#area .media").filter((_, e) => $(e).find(".username").text().trim() === user);
}

function socialClass(name: string): string {
  const found = socialActions[name];
  if (!found) throw new Error(`no social-media button "${name}"`);
  return found;
}

/** social-media-all and -some: toggle the button on the user's posts (all, or n), then Submit. */
function socialMediaMany(count: (utterance: string, posts: number) => number): Solver {
  return {
    steps: 12,
    next({ utterance, $ }) {
      const kind = socialClass(quoted(utterance));
      const user = match(utterance, /posts? by (@\S+?) and then/)[1] as string;
      const buttons = postsBy($, user).find(`.controls .${kind}`);
      const active = buttons.filter((_, e) => $(e).hasClass("active")).length;
      if (active < count(utterance, buttons.length))
        return click(buttons.filter((_, e) => !$(e).hasClass("active")).first());
      return click(withText($, "#area button", "Submit"));
    },
  };
}

/** navigate-tree: open the folders above the name until it shows, then click it. */
const navigateTree: Solver = {
  steps: 8,
  next({ utterance, $ }) {
    const name = quoted(utterance);
    const target = withText($, "#tree span.folder, #tree span.file", name);
    const visible = target.filter((_, e) => shown($(e)));
    if (visible.length) return click(visible.first());
    // the outermost folder around the target that is shown but closed
    const closed = target
      .first()
      .parents("li.expandable")
      .toArray()
      .reverse()
      .find((li) => shown($(li)));
    if (!closed) throw new Error(`no folder leads to "${name}"`);
    return click($(closed).children(".hitarea"));
  },
};

/** terminal: list the files, then remove one with the asked extension (or none). */
const terminal: Solver = {
  steps: 6,
  next({ utterance, $, done }) {
    if (done.length === 0) return click($("#terminal"));
    if (done.length === 1) return "type ls";
    if (done.length === 2) return "press enter";
    if (done.length === 4) return "press enter";
    const extension = /extension \.(\S+)$/.exec(utterance)?.[1];
    const listing = $(".terminal-output .output")
      .toArray()
      .map((e) => $(e).text().trim())
      .at(-1) as string;
    const file = listing
      .split(" ")
      .find((name) => (extension ? name.endsWith(`.${extension}`) : name !== "" && !name.includes(".")));
    if (!file) throw new Error(`no file to remove in "${listing}"`);
    return `type rm ${file}`;
  },
};

Object.assign(solvers, {
  "search-engine": searchEngine,
  "email-inbox": emailInbox,
  "email-inbox-nl-turk": emailInbox,
  "email-inbox-forward-nl": emailInbox,
  "email-inbox-forward-nl-turk": emailInbox,
  "social-media": {
    steps: 3,
    next({ utterance, $ }: PageView) {
      const kind = socialClass(quoted(utterance));
      const user = match(utterance, /For the user (@\S+?),/)[1] as string;
      const post = postsBy($, user).first();
      const button = post.find(`.${kind}`).first();
      if (shown(button)) return click(button);
      return click(post.find(".more"));
    },
  },
  "social-media-all": socialMediaMany((_, posts) => posts),
  "social-media-some": socialMediaMany((utterance) => Number(match(utterance, /button on (\d+) posts?/)[1])),
  "navigate-tree": navigateTree,
  terminal,
  "click-scroll-list": sequence(8, ({ utterance, $ }) => {
    const items = match(utterance, /^Select (.+) from the scroll list and click Submit\.$/)[1] as string;
    return [
      ...items
        .split(", ")
        .map((item) => `clickoption ${xpathOf(withText($, "#options option", item).first())}`),
      click($("#area button")),
    ];
  }),
} satisfies Record<string, Solver>);
