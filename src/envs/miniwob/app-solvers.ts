// Scripted solvers for the MiniWoB++ tasks that are small applications (a search engine, an email
// inbox, a social feed, a file tree, a terminal): several pages or views, read anew at each step.
import type { Cheerio, CheerioAPI } from "cheerio";
import type { AnyNode } from "domhandler";
import {
  click,
  match,
  type PageView,
  quoted,
  type Solver,
  sequence,
  shown,
  withText,
  xpathOf,
} from "./solver-kit.js";

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

export const appSolvers = {
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
} satisfies Record<string, Solver>;
