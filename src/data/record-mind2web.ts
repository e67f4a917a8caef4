// Records Mind2Web-format tasks from agenttune's own sites (the WebShop site, a travel booking form, a
// settings page) by running a scripted oracle through them in Chromium and snapshotting, at each
// step, the cleaned HTML and every interactive element as a candidate (the acted-on one positive).
import { writeFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { chromiumPath, launchChromium } from "../browser/index.js";
import { EnvError, mulberry32 } from "../core/index.js";
import { cities, languages, serveApp, settingsSite, travelSite } from "../envs/mind2web/sites.js";
import type { Mind2WebTask } from "../envs/mind2web/tasks.js";
import { sampleGoals } from "../envs/webshop/catalog.js";
import { createShopSite } from "../envs/webshop/site.js";
import { getDefaultShop } from "../envs/webshop/spec.js";

interface ScriptedStep {
  /** Playwright selector of the element acted on. */
  selector: string;
  op: "CLICK" | "TYPE" | "SELECT";
  value?: string;
  /** Mind2Web's action_repr, e.g. "[button]  Search -> CLICK". */
  repr: string;
}

interface Scenario {
  site: "travel" | "settings" | "webshop";
  start: string;
  task: string;
  domain: string;
  steps: ScriptedStep[];
}

function scenarios(count: number, seed: number): Scenario[] {
  const rng = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)] as T;
  const goals = sampleGoals(getDefaultShop().products, count, seed);
  const out: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      const from = pick(cities);
      const to = pick(cities.filter((c) => c !== from));
      const passengers = String(1 + Math.floor(rng() * 4));
      const day = String(1 + Math.floor(rng() * 28)).padStart(2, "0");
      const flight = pick(["07:15", "11:40", "18:05"]);
      out.push({
        site: "travel",
        start: "",
        domain: "Travel",
        task: `Book the ${flight} flight from ${from} to ${to} on 2027-03-${day} for ${passengers} passengers`,
        steps: [
          {
            selector: "select[name=from]",
            op: "SELECT",
            value: from,
            repr: `[combobox]  From -> SELECT: ${from}`,
          },
          { selector: "select[name=to]", op: "SELECT", value: to, repr: `[combobox]  To -> SELECT: ${to}` },
          {
            selector: "input[name=date]",
            op: "TYPE",
            value: `2027-03-${day}`,
            repr: `[textbox]  Departure date -> TYPE: 2027-03-${day}`,
          },
          {
            selector: "select[name=passengers]",
            op: "SELECT",
            value: passengers,
            repr: `[combobox]  Passengers -> SELECT: ${passengers}`,
          },
          { selector: "button[type=submit]", op: "CLICK", repr: "[button]  Search flights -> CLICK" },
          {
            selector: `button:has-text("Book ${flight}")`,
            op: "CLICK",
            repr: `[button]  Book ${flight} -> CLICK`,
          },
        ],
      });
    } else if (i % 3 === 1) {
      const name = pick(["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]);
      const language = pick(languages);
      const toggle = pick(["email_notifications", "sms_notifications", "dark_mode"]);
      out.push({
        site: "settings",
        start: "",
        domain: "Info",
        task: `Change my display name to ${name}, switch the language to ${language}, turn on ${toggle.replaceAll("_", " ")} and save`,
        steps: [
          {
            selector: "input[name=display_name]",
            op: "TYPE",
            value: name,
            repr: `[textbox]  Display name -> TYPE: ${name}`,
          },
          {
            selector: "select[name=language]",
            op: "SELECT",
            value: language,
            repr: `[combobox]  Language -> SELECT: ${language}`,
          },
          {
            selector: `input[name=${toggle}]`,
            op: "CLICK",
            repr: `[checkbox]  ${toggle.replaceAll("_", " ")} -> CLICK`,
          },
          { selector: "button[type=submit]", op: "CLICK", repr: "[button]  Save changes -> CLICK" },
        ],
      });
    } else {
      const goal = goals[i] as (typeof goals)[number];
      const steps: ScriptedStep[] = [
        {
          selector: "input[name=q]",
          op: "TYPE",
          value: goal.name,
          repr: `[searchbox]  Search -> TYPE: ${goal.name}`,
        },
        { selector: "button[type=submit]", op: "CLICK", repr: "[button]  Search -> CLICK" },
        {
          selector: `button[value="${goal.asin.toLowerCase()}"]`,
          op: "CLICK",
          repr: `[button]  ${goal.asin} -> CLICK`,
        },
        ...Object.values(goal.goal_options).map(
          (v): ScriptedStep => ({
            selector: `button[value="${v}"]`,
            op: "CLICK",
            repr: `[button]  ${v} -> CLICK`,
          }),
        ),
        { selector: 'button[value="buy now"]', op: "CLICK", repr: "[button]  Buy Now -> CLICK" },
      ];
      out.push({
        site: "webshop",
        start: `start/${i}`,
        domain: "Shopping",
        task: goal.instruction_text,
        steps,
      });
    }
  }
  return out;
}

/**
 * Numbers every element, then returns the page as Mind2Web's cleaned_html (strict XML under <html>,
 * each element with its backend_node_id and the salient attributes under Mind2Web's names, each
 * text in a <text> element, a space between siblings) and the interactive elements as candidates.
 */
async function snapshot(page: Page): Promise<{
  html: string;
  candidates: { tag: string; attributes: string; backend_node_id: string; text: string }[];
}> {
  // tsx and vitest compile with keepNames, which wraps the named helpers below in __name()
  await page.evaluate("globalThis.__name ??= (f) => f");
  return page.evaluate(() => {
    let n = 0;
    for (const el of [
      document.documentElement,
      ...Array.from(document.documentElement.querySelectorAll("*")),
    ])
      el.setAttribute("data-at-id", String(++n));
    const salient = ["type", "name", "placeholder", "aria-label", "value", "title", "role", "alt", "label"];
    const skip = new Set(["head", "script", "style", "meta", "link", "title", "noscript"]);
    const xmlEscape = (text: string) =>
      text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const attributesOf = (el: Element): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const name of salient) {
        const value = el.getAttribute(name);
        if (value) out[name.replace("-", "_")] = value;
      }
      if (el instanceof HTMLInputElement && el.type === "checkbox") out.input_checked = String(el.checked);
      else if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && el.value)
        out.input_value = el.value;
      if (el instanceof HTMLOptionElement && el.selected) out.option_selected = "true";
      return out;
    };
    const serialize = (el: Element): string => {
      const tag = el.tagName.toLowerCase();
      if (skip.has(tag)) return "";
      const attributes = Object.entries(attributesOf(el))
        .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
        .join("");
      const open = `${tag} backend_node_id="${el.getAttribute("data-at-id")}"${attributes}`;
      const parts: string[] = [];
      for (const child of Array.from(el.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) {
          const text = (child.textContent ?? "").replace(/\s+/g, " ").trim();
          if (text) parts.push(`<text backend_node_id="${++n}">${xmlEscape(text)}</text>`);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          const inner = serialize(child as Element);
          if (inner) parts.push(inner);
        }
      }
      return parts.length ? `<${open}> ${parts.join(" ")} </${tag}>` : `<${open}/>`;
    };
    const candidates = Array.from(document.body.querySelectorAll("a, button, input, select, textarea")).map(
      (el) => ({
        tag: el.tagName.toLowerCase(),
        attributes: JSON.stringify(attributesOf(el)),
        backend_node_id: el.getAttribute("data-at-id") ?? "",
        text: (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 80),
      }),
    );
    return { html: serialize(document.documentElement), candidates };
  });
}

/** Records `count` tasks (a third per site) into a Mind2Web-format JSON file. */
export async function recordMind2Web({
  count = 30,
  seed = 1,
  out,
}: {
  count?: number;
  seed?: number;
  out: string;
}): Promise<{ tasks: number; steps: number }> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new EnvError("recording Mind2Web data needs Chromium (apt-get install chromium)");
  const list = scenarios(count, seed);
  const goals = sampleGoals(getDefaultShop().products, count, seed);
  const servers = {
    travel: await serveApp(travelSite()),
    settings: await serveApp(settingsSite()),
    webshop: await serveApp(createShopSite(getDefaultShop(), goals)),
  };
  const browser = await launchChromium(executablePath);
  const tasks: Mind2WebTask[] = [];
  try {
    const page = await browser.newPage();
    for (const [i, scenario] of list.entries()) {
      await page.goto(`${servers[scenario.site].url}${scenario.start}`);
      const actions: Mind2WebTask["actions"] = [];
      for (const [s, step] of scenario.steps.entries()) {
        const target = page.locator(step.selector).first();
        await target.waitFor();
        const { html, candidates } = await snapshot(page);
        const positiveId = (await target.getAttribute("data-at-id")) ?? "";
        actions.push({
          action_uid: `${scenario.site}-${seed}-${i}-${s}`,
          operation: { op: step.op, original_op: step.op, value: step.value ?? "" },
          cleaned_html: html,
          pos_candidates: candidates.filter((c) => c.backend_node_id === positiveId),
          neg_candidates: candidates.filter((c) => c.backend_node_id !== positiveId),
        });
        if (step.op === "TYPE") await target.fill(step.value ?? "");
        else if (step.op === "SELECT") await target.selectOption(step.value ?? "");
        else await target.click();
        await page.waitForLoadState();
      }
      tasks.push({
        annotation_id: `agenttune-${scenario.site}-${seed}-${i}`,
        confirmed_task: scenario.task,
        website: scenario.site,
        domain: scenario.domain,
        subdomain: scenario.site,
        action_reprs: scenario.steps.map((s) => s.repr),
        actions,
      });
    }
  } finally {
    await browser.close();
    for (const server of Object.values(servers)) await server.close();
  }
  writeFileSync(out, `${JSON.stringify(tasks)}\n`);
  return { tasks: tasks.length, steps: tasks.reduce((n, t) => n + t.actions.length, 0) };
}
