// The shop as a real web site (Hono on 127.0.0.1): the same Session state machine rendered as HTML,
// one session per shopper, so browser agents (Playwright + Chromium) can shop for real.
import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Goal, Product } from "./catalog.js";
import { priceTag, resultsPerPage, Session, type Shop } from "./shop.js";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function button(sid: string, value: string, label = value, selected = false): string {
  return `<form method="post" action="/s/${sid}/click" class="inline"><button name="value" value="${escapeHtml(value)}"${selected ? ' class="selected"' : ""}>${escapeHtml(label)}</button></form>`;
}

function render(sid: string, session: Session, notice = ""): string {
  const p = session.page;
  const shop = session.shop;
  const instruction = `<div id="instruction">Instruction: ${escapeHtml(session.goal.instruction_text)}</div>`;
  let body = "";
  if (p.kind === "search") {
    body = `<h1>WebShop</h1><form method="post" action="/s/${sid}/search"><input name="q" size="60" autofocus><button type="submit">Search</button></form>`;
  } else if (p.kind === "results") {
    const shown = p.asins.slice((p.page - 1) * resultsPerPage, p.page * resultsPerPage);
    body = `${button(sid, "back to search", "Back to Search")}<p>Page ${p.page} (Total results: ${p.asins.length})</p>${p.page > 1 ? button(sid, "< prev", "< Prev") : ""}${button(sid, "next >", "Next >")}<ul class="results">${shown
      .map((asin) => {
        const product = shop.byAsin.get(asin) as Product;
        return `<li>${button(sid, asin.toLowerCase(), asin)} <span class="title">${escapeHtml(product.name)}</span> <span class="price">${escapeHtml(priceTag(product))}</span></li>`;
      })
      .join("")}</ul>`;
  } else if (p.kind === "item") {
    const product = shop.byAsin.get(p.asin) as Product;
    const groups = Object.entries(product.options)
      .map(
        ([group, values]) =>
          `<div class="options"><b>${escapeHtml(group)}</b> ${values.map((v) => button(sid, v, v, p.options[group] === v)).join("")}</div>`,
      )
      .join("");
    body = `${button(sid, "back to search", "Back to Search")}${button(sid, "< prev", "< Prev")}<h2>${escapeHtml(product.name)}</h2><p>Price: ${escapeHtml(priceTag(product))}</p><p>Rating: N.A.</p>${groups}${button(sid, "description", "Description")}${button(sid, "features", "Features")}${button(sid, "reviews", "Reviews")}<div>${button(sid, "buy now", "Buy Now")}</div>`;
  } else if (p.kind === "sub") {
    const product = shop.byAsin.get(p.asin) as Product;
    const items =
      p.section === "description"
        ? [product.description]
        : p.section === "features"
          ? product.bullet_points
          : product.reviews;
    body = `${button(sid, "back to search", "Back to Search")}${button(sid, "< prev", "< Prev")}<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
  } else {
    body = `<h1>Thank you for shopping with us!</h1><p>Your score (min 0.0, max 1.0): <span id="score">${p.reward.reward.toFixed(2)}</span></p>`;
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>WebShop</title><style>body{font-family:system-ui,sans-serif;margin:1.5rem}form.inline{display:inline}button{margin:.15rem}button.selected{background:#1f5fbf;color:#fff}#instruction{background:#f4f4f4;padding:.5rem;margin-bottom:1rem}.notice{color:#b3261e}</style></head><body>${instruction}${notice ? `<p class="notice">${escapeHtml(notice)}</p>` : ""}${body}</body></html>`;
}

/** Form posts are a search box or a button: 64 KiB is far more than either. */
export const maxRequestBytes = 64 * 1024;
/** Live sessions kept; the oldest goes when a new one would pass this (an agent opening sessions in a loop). */
export const maxSessions = 10_000;

export function createShopSite(shop: Shop, goals: readonly Goal[]): Hono {
  const sessions = new Map<string, Session>();
  const app = new Hono();
  app.use(
    "*",
    bodyLimit({
      maxSize: maxRequestBytes,
      onError: (c) => c.text(`request body over ${maxRequestBytes} bytes`, 413),
    }),
  );
  app.get("/", (c) =>
    c.html(`<!doctype html><p>${goals.length} goals: open /start/0 … /start/${goals.length - 1}</p>`),
  );
  app.get("/start/:goal", (c) => {
    const goal = goals[Number(c.req.param("goal"))];
    if (!goal) return c.text("no such goal", 404);
    const sid = randomBytes(8).toString("hex");
    if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value as string);
    sessions.set(sid, new Session(shop, goal));
    return c.redirect(`/s/${sid}`);
  });
  app.get("/s/:sid", (c) => {
    const session = sessions.get(c.req.param("sid"));
    return session ? c.html(render(c.req.param("sid"), session)) : c.text("no such session", 404);
  });
  app.post("/s/:sid/search", async (c) => {
    const sid = c.req.param("sid");
    const session = sessions.get(sid);
    if (!session) return c.text("no such session", 404);
    const form = await c.req.parseBody();
    const ok = session.act({ kind: "search", query: String(form.q ?? "") });
    return ok ? c.redirect(`/s/${sid}`) : c.html(render(sid, session, "Invalid action"), 400);
  });
  app.post("/s/:sid/click", async (c) => {
    const sid = c.req.param("sid");
    const session = sessions.get(sid);
    if (!session) return c.text("no such session", 404);
    const form = await c.req.parseBody();
    const ok = session.act({ kind: "click", value: String(form.value ?? "") });
    return ok ? c.redirect(`/s/${sid}`) : c.html(render(sid, session, "Invalid action"), 400);
  });
  return app;
}

export async function serveShopSite(
  shop: Shop,
  goals: readonly Goal[],
  { port = 0 } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const app = createShopSite(shop, goals);
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}
