// `agenttune view`: a browsable UI of runs on 127.0.0.1 (Hono): filter episodes by env, success and
// failure kind, page through them, and read one conversation turn by turn.
import { basename } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Message } from "../core/index.js";
import { failureKinds, findRunDirs } from "../eval/index.js";
import { type GoldLookup, loadGold } from "./gold.js";
import { indexRun, type RunIndex, readEpisode } from "./run-index.js";

const pageSize = 50;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · agenttune</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:1100px;color:#222;padding:0 1rem}
a{color:#1f5fbf}table{border-collapse:collapse;font-size:.9rem;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.ok{color:#17803d}.fail{color:#b3261e}form{margin:1rem 0;display:flex;gap:.8rem;align-items:center;flex-wrap:wrap}
.turn{border:1px solid #ddd;border-radius:6px;margin:.6rem 0;padding:.5rem .8rem}.turn pre{white-space:pre-wrap;margin:.3rem 0;font-size:.85rem}
.user{background:#f6f8fa}.assistant{background:#eef6ff}.system{background:#fff8e6}.tool{background:#f3f0ff}.call{color:#5a32a3}.role{font-size:.75rem;color:#666;text-transform:uppercase}
.meta{color:#555;font-size:.9rem}
.verdict{display:flex;gap:1rem}.verdict>div{flex:1;min-width:0}.verdict pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;font-size:.8rem;max-height:20rem;overflow:auto}
h2{font-size:1rem;margin:.5rem 0}
</style></head><body><p><a href="/">agenttune runs</a></p>${body}</body></html>`;

export async function createViewerApp(paths: readonly string[]): Promise<{ app: Hono; runs: RunIndex[] }> {
  const runs: RunIndex[] = [];
  for (const [i, dir] of findRunDirs(paths).entries())
    runs.push(await indexRun(dir, `${i}-${basename(dir)}`));
  const app = new Hono();
  const golds = new Map<string, Promise<GoldLookup>>(); // per run, loaded on its first episode page
  const goldOf = (run: RunIndex) => {
    const known = golds.get(run.name);
    if (known) return known;
    const lookup = loadGold(run.dir, run.summary.env);
    golds.set(run.name, lookup);
    return lookup;
  };

  app.get("/", (c) =>
    c.html(
      page(
        "runs",
        `<h1>Runs</h1><table><thead><tr><th>run</th><th>env</th><th>model</th><th>episodes</th><th>success</th></tr></thead><tbody>${runs
          .map((r) => {
            const ok = r.episodes.filter((e) => e.success).length;
            return `<tr><td><a href="/runs/${encodeURIComponent(r.name)}">${escapeHtml(r.dir)}</a></td><td>${escapeHtml(r.summary.env)}</td><td>${escapeHtml(r.summary.model)}</td><td>${r.episodes.length}</td><td>${((100 * ok) / Math.max(1, r.episodes.length)).toFixed(1)}%</td></tr>`;
          })
          .join("")}</tbody></table>`,
      ),
    ),
  );

  app.get("/runs/:run", (c) => {
    const run = runs.find((r) => r.name === c.req.param("run"));
    if (!run) return c.html(page("not found", "<h1>No such run</h1>"), 404);
    const success = c.req.query("success") ?? "any";
    const failure = c.req.query("failure") ?? "any";
    const task = c.req.query("task") ?? "";
    const current = Math.max(1, Number(c.req.query("page") ?? 1) || 1);
    const matches = run.episodes
      .map((e, index) => ({ e, index }))
      .filter(({ e }) => (success === "any" ? true : success === "yes" ? e.success : !e.success))
      .filter(({ e }) => failure === "any" || e.failure === failure)
      .filter(({ e }) => !task || e.taskId.includes(task));
    const pages = Math.max(1, Math.ceil(matches.length / pageSize));
    const shown = matches.slice((current - 1) * pageSize, current * pageSize);
    const option = (value: string, selected: string, label = value) =>
      `<option value="${escapeHtml(value)}"${value === selected ? " selected" : ""}>${escapeHtml(label)}</option>`;
    const query = (p: number) =>
      `?success=${success}&failure=${failure}&task=${encodeURIComponent(task)}&page=${p}`;
    const body = `<h1>${escapeHtml(run.summary.env)} · ${escapeHtml(run.summary.model)}</h1>
<p class="meta">${escapeHtml(run.dir)} · backend ${escapeHtml(run.summary.backend)} · ${run.episodes.length} episodes</p>
<form method="get">
<label>success <select name="success">${option("any", success)}${option("yes", success)}${option("no", success)}</select></label>
<label>failure <select name="failure">${option("any", failure)}${failureKinds.map((k) => option(k, failure)).join("")}</select></label>
<label>task id <input name="task" value="${escapeHtml(task)}" size="10"></label>
<button type="submit">filter</button></form>
<p class="meta" id="count">${matches.length} matching episodes · page ${current} of ${pages}</p>
<table><thead><tr><th>episode</th><th>task</th><th>result</th><th>reward</th><th>turns</th><th>time</th></tr></thead><tbody>${shown
      .map(
        ({ e, index }) =>
          `<tr><td><a class="episode" href="/runs/${encodeURIComponent(run.name)}/episodes/${index}">${escapeHtml(e.id)}</a></td><td>${escapeHtml(e.taskId)}</td><td class="${e.success ? "ok" : "fail"}">${e.success ? "success" : escapeHtml(e.failure ?? "failed")}</td><td>${e.reward}</td><td>${e.turns}</td><td>${(e.durationMs / 1000).toFixed(2)} s</td></tr>`,
      )
      .join("")}</tbody></table>
<p>${current > 1 ? `<a href="${query(current - 1)}">← previous</a> ` : ""}${current < pages ? `<a id="next" href="${query(current + 1)}">next →</a>` : ""}</p>`;
    return c.html(page(run.summary.env, body));
  });

  app.get("/runs/:run/episodes/:index", async (c) => {
    const run = runs.find((r) => r.name === c.req.param("run"));
    const entry = run?.episodes[Number(c.req.param("index"))];
    if (!run || !entry) return c.html(page("not found", "<h1>No such episode</h1>"), 404);
    const t = readEpisode(run, entry);
    const gold = (await goldOf(run))(t.taskId);
    const turns = t.messages.map((m, i) => turnHtml(m, i)).join("");
    const body = `<h1>${escapeHtml(t.id)}</h1>
<p class="meta"><span class="${t.success ? "ok" : "fail"}">${t.success ? "success" : escapeHtml(entry.failure ?? "failed")}</span> · reward ${t.reward} · ${t.turns} turns · ${(t.durationMs / 1000).toFixed(2)} s · started ${escapeHtml(t.startedAt)}${t.usage ? ` · ${t.usage.promptTokens}+${t.usage.completionTokens} tokens` : ""}${t.error ? ` · error: ${escapeHtml(t.error)}` : ""}</p>
<div class="verdict"><div><h2>Expected</h2>${typeof gold === "string" ? `<p class="meta">${escapeHtml(gold)}</p>` : `<pre id="gold">${escapeHtml(JSON.stringify(gold, null, 2))}</pre>`}</div>
<div><h2>Judged</h2><pre id="judged">${escapeHtml(JSON.stringify({ reward: t.reward, success: t.success, ...(t.failure ? { failure: t.failure } : {}), ...t.info }, null, 2))}</pre></div></div>
${turns}`;
    return c.html(page(t.id, body));
  });

  return { app, runs };
}

/** One turn: its role and notes, its text, and (tools mode) the calls it made or the call it answers. */
function turnHtml(m: Message, i: number): string {
  const role = m.role === "user" ? (i === 0 ? "instructions" : "environment") : m.role;
  const notes = `${m.loss === false ? " (not trained)" : ""}${m.truncated ? " (cut at token limit)" : ""}${m.length ? ` (stored cut: the reply had ${m.length} characters)` : ""}${m.toolCallId ? ` (result of ${escapeHtml(m.toolCallId)})` : ""}`;
  const calls = (m.toolCalls ?? [])
    .map(
      (c) =>
        `<pre class="call">call ${escapeHtml(c.id)}: ${escapeHtml(c.name)}(${escapeHtml(c.arguments)})</pre>`,
    )
    .join("");
  const text = m.content || !calls ? `<pre>${escapeHtml(m.content)}</pre>` : "";
  return `<div class="turn ${m.role}"><div class="role">${i}. ${role}${notes}</div>${text}${calls}</div>`;
}

export interface Viewer {
  url: string;
  runs: RunIndex[];
  close(): Promise<void>;
}

/** Serves the viewer on 127.0.0.1 (port 0 picks a free one). */
export async function serveViewer(
  paths: readonly string[],
  { port = 0, hostname = "127.0.0.1" } = {},
): Promise<Viewer> {
  const { app, runs } = await createViewerApp(paths);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve({
        url: `http://${hostname}:${info.port}/`,
        runs,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
    server.once("error", reject); // a port in use: the caller says so in one line
  });
}
