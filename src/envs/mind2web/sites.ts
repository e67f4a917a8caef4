// Two small sites of agenttune's own for recording Mind2Web-style data: a travel booking form and an
// account settings page (Hono, 127.0.0.1). The recorder (data/record-mind2web.ts) adds the WebShop site.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

export const cities = ["Amsterdam", "Berlin", "Lisbon", "Madrid", "Oslo", "Prague", "Rome", "Vienna"];
export const languages = ["English", "Deutsch", "Español", "Français", "Italiano", "Português"];
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:system-ui,sans-serif;margin:1.5rem}label{display:block;margin:.4rem 0}</style></head><body>${body}</body></html>`;

export function travelSite(): Hono {
  const app = new Hono();
  const options = (items: string[]) => items.map((c) => `<option value="${c}">${c}</option>`).join("");
  app.get("/", (c) =>
    c.html(
      page(
        "SkyTrips",
        `<h1>SkyTrips</h1><nav><a href="/deals">Deals</a> <a href="/help">Help</a> <a href="/login">Sign in</a></nav>
<form method="get" action="/flights"><label>From <select name="from" aria-label="From">${options(cities)}</select></label>
<label>To <select name="to" aria-label="To">${options(cities)}</select></label>
<label>Date <input name="date" type="date" aria-label="Departure date"></label>
<label>Passengers <select name="passengers" aria-label="Passengers">${options(["1", "2", "3", "4"])}</select></label>
<label><input type="checkbox" name="flexible"> Flexible dates</label>
<button type="submit">Search flights</button></form>`,
      ),
    ),
  );
  app.get("/flights", (c) => {
    const q = c.req.query();
    const rows = ["07:15", "11:40", "18:05"]
      .map(
        (t, i) =>
          `<li>${q.from} → ${q.to} ${t}, €${89 + i * 30} <button onclick="location.href='/book?flight=${i}'" name="book-${i}">Book ${t}</button></li>`,
      )
      .join("");
    return c.html(
      page(
        "Flights",
        `<h1>Flights on ${q.date} for ${q.passengers}</h1><a href="/">Change search</a><ul>${rows}</ul>`,
      ),
    );
  });
  app.get("/book", (c) =>
    c.html(page("Booked", `<h1>Booking confirmed</h1><p>Flight ${c.req.query("flight")}</p>`)),
  );
  for (const path of ["/deals", "/help", "/login"])
    app.get(path, (c) => c.html(page(path.slice(1), `<h1>${path.slice(1)}</h1><a href="/">Home</a>`)));
  return app;
}

export function settingsSite(): Hono {
  const app = new Hono();
  app.get("/", (c) =>
    c.html(
      page(
        "Account settings",
        `<h1>Account settings</h1><nav><a href="/profile">Profile</a> <a href="/security">Security</a> <a href="/billing">Billing</a></nav>
<form method="post" action="/save"><label>Display name <input name="display_name" type="text" placeholder="Your name"></label>
<label>Language <select name="language" aria-label="Language">${languages.map((l) => `<option>${l}</option>`).join("")}</select></label>
<label><input type="checkbox" name="email_notifications"> Email notifications</label>
<label><input type="checkbox" name="sms_notifications"> SMS notifications</label>
<label><input type="checkbox" name="dark_mode"> Dark mode</label>
<button type="submit">Save changes</button> <button type="reset">Cancel</button></form>`,
      ),
    ),
  );
  app.post("/save", (c) => c.html(page("Saved", "<h1>Settings saved</h1>")));
  for (const path of ["/profile", "/security", "/billing"])
    app.get(path, (c) => c.html(page(path.slice(1), `<h1>${path.slice(1)}</h1>`)));
  return app;
}

export async function serveApp(app: Hono): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}
