// Small websites for the webarena tests, on loopback: a shop-like list long enough to scroll, product
// pages, a form with a select, a login that sets a cookie, a hover menu. Plain HTML, no scripts beyond
// what a behaviour needs.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestSite {
  url: string;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><title>${title}</title><style>body{font:16px sans-serif} li{height:40px}</style></head><body>${body}</body></html>`;

const products = Array.from({ length: 40 }, (_, i) => ({
  id: i + 1,
  name: `Product ${i + 1}`,
  price: (10 + i + 1).toFixed(2),
}));

export async function startTestSite(): Promise<TestSite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status: number, html: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
      res.end(html);
    };
    const user = /(?:^|; )user=([a-z]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (url.pathname === "/")
      return send(
        200,
        page(
          "Test Shop",
          `<nav><a href="/products">Products</a> <a href="/form">Contact</a> <a href="/login">Log in</a> <a href="/account">Account</a></nav><h1>Test Shop</h1>
          <div id="menu" onmouseenter="document.getElementById('hidden').style.display='block'"><button>Menu</button><div id="hidden" style="display:none"><a href="/secret">Secret offer</a></div></div>`,
        ),
      );
    if (url.pathname === "/products")
      return send(
        200,
        page(
          "Products",
          `<h1>Products</h1><ul>${products.map((p) => `<li><a href="/products/${p.id}">${p.name}</a></li>`).join("")}</ul>`,
        ),
      );
    const product = /^\/products\/(\d+)$/.exec(url.pathname);
    if (product) {
      const found = products.find((p) => p.id === Number(product[1]));
      if (!found) return send(404, page("Not found", "<h1>Not found</h1>"));
      return send(
        200,
        page(
          found.name,
          `<h1>${found.name}</h1><p>Price: $${found.price}</p><a href="/products">Back to products</a>`,
        ),
      );
    }
    if (url.pathname === "/form")
      return send(
        200,
        page(
          "Contact",
          `<h1>Contact</h1><form action="/form/result"><label>Name <input name="name"></label><label>Color <select name="color"><option>red</option><option>green</option><option>blue</option></select></label><button type="submit">Send</button></form>`,
        ),
      );
    if (url.pathname === "/form/result")
      return send(
        200,
        page(
          "Thanks",
          `<h1 id="thanks">Thanks, ${(url.searchParams.get("name") ?? "").replace(/[<&]/g, "")} (${(url.searchParams.get("color") ?? "").replace(/[<&]/g, "")})</h1>`,
        ),
      );
    if (url.pathname === "/login" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        const form = new URLSearchParams(body);
        if (form.get("username") === "alice" && form.get("password") === "wonderland")
          return send(302, "", { location: "/account", "set-cookie": "user=alice; Path=/" });
        return send(200, page("Log in", "<p>Wrong password</p>"));
      });
      return;
    }
    if (url.pathname === "/login")
      return send(
        200,
        page(
          "Log in",
          `<h1>Log in</h1><form method="post" action="/login"><label>Username <input name="username"></label><label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>`,
        ),
      );
    if (url.pathname === "/account")
      return send(
        200,
        page("Account", user ? `<h1 id="greeting">Welcome, ${user}</h1>` : `<h1>Please log in</h1>`),
      );
    if (url.pathname === "/secret") return send(200, page("Secret", "<p>Your code is 4242</p>"));
    send(404, page("Not found", "<h1>Not found</h1>"));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
