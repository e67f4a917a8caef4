// The webarena environment (held-out): WebArena's tasks and agent protocol (accessibility-tree
// observation, id-based actions, its evaluators) run in Chromium against the user's deployment of the
// sites (--sites shopping=URL,…), or against any site a WebArena-format task file points at.
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Browser } from "playwright-core";
import { chromiumPath, launchChromium } from "../../browser/index.js";
import { failedAtStart } from "../lib/llama2-harness.js";
import type { Environment, EnvSpec } from "../types.js";
import { type UrlMap, viewport, WebarenaEnvironment } from "./env.js";
import { webarenaOracle } from "./oracle.js";
import { ownWebarenaPrompt, webarenaPromptFromCheckout } from "./prompt.js";
import {
  loadWebarenaTasks,
  parseSites,
  resolvePlaceholders,
  type WebarenaTask,
  webarenaSites,
  webarenaTaskSchema,
} from "./tasks.js";
import { webarenaActions } from "./tools.js";

/** env_config.py URL_MAPPINGS for the configured sites, in its order. */
export function urlMap(sites: ReadonlyMap<string, string>): UrlMap {
  const pairs = webarenaSites.flatMap(({ site, shown }) => {
    const local = sites.get(site);
    return local ? [[local, shown] as const] : [];
  });
  return {
    toShown: (url) =>
      pairs.reduce((u, [local, shown]) => (u.includes(local) ? u.replaceAll(local, shown) : u), url),
    toLocal: (url) =>
      pairs.reduce((u, [local, shown]) => (u.includes(shown) ? u.replaceAll(shown, local) : u), url),
  };
}

/** An episode that cannot start (its cookies file is missing, a tab did not load): left out of the average. */
function crashed(reason: string): Environment {
  return failedAtStart(reason, { crashed: reason });
}

export const webarenaSpec: EnvSpec<WebarenaTask> = {
  name: "webarena",
  description:
    "WebArena's tasks in Chromium: accessibility-tree observations, id-based actions, its evaluators",
  taskSchema: webarenaTaskSchema,
  taskId: (task) => String(task.task_id),
  taskText: (task) => task.intent,
  replyProblem: () => undefined,
  async *loadTasks(source, options = {}) {
    const sites = parseSites(options.sites);
    for await (const task of loadWebarenaTasks(source)) {
      const missing = resolvePlaceholders(`${task.start_url} ${JSON.stringify(task.eval)}`, sites).missing;
      if (missing.length) {
        // WebArena needs every site; here a task whose site is not configured is skipped and counted
        options.onSkip?.(`site not configured: ${missing.join(", ")}`);
        continue;
      }
      yield task;
    }
  },
  unavailable: () =>
    chromiumPath() ? undefined : "Chromium not found at /usr/bin/chromium (apt-get install chromium)",
  async open(options = {}) {
    const sites = parseSites(options.sites);
    const prompt = options.agenttuning ? webarenaPromptFromCheckout(options.agenttuning) : ownWebarenaPrompt;
    const urls = urlMap(sites);
    const browser: Browser = await launchChromium();
    return {
      name: `Chromium ${browser.version()}${sites.size ? `, sites ${[...sites.keys()].join(", ")}` : ""}`,
      ...(prompt.source !== "agenttune"
        ? { prompts: options.agenttuning, promptSource: "agenttuning" as const }
        : {}),
      // 30 actions, each one reply (early stop ends it before a 31st)
      maxTurns: 31,
      create: async (raw) => {
        const resolve = (text: string) => resolvePlaceholders(text, sites).text;
        const task: WebarenaTask = JSON.parse(resolve(JSON.stringify(raw)));
        let storageState: string | undefined;
        if (task.storage_state) {
          storageState = isAbsolute(task.storage_state)
            ? task.storage_state
            : join(task.config_dir ?? ".", task.storage_state);
          if (!existsSync(storageState))
            return crashed(
              `storage_state ${storageState} not found (WebArena's auto_login.py writes these cookie files)`,
            );
        }
        const context = await browser.newContext({ viewport, ...(storageState ? { storageState } : {}) });
        try {
          // envs.py reset: one tab per start URL, the first one current
          for (const url of task.start_url.split(" |AND| ")) {
            const page = await context.newPage();
            await page.goto(url.trim(), { timeout: 30_000 });
          }
          const first = context.pages()[0];
          if (!first) throw new Error("no start URL");
          await first.bringToFront();
          return new WebarenaEnvironment(task, context, first, { prompt, urls, judge: options.judge });
        } catch (error) {
          await context.close().catch(() => {});
          if (!browser.isConnected()) throw error;
          return crashed(`the start page did not load: ${(error as Error).message.split("\n")[0]}`);
        }
      },
      close: async () => {
        await browser.close().catch(() => {});
      },
    };
  },
  oracle: webarenaOracle,
  actions: webarenaActions,
  gold: (task) => ({ eval: task.eval }),
  benchmark: { task: "WebArena", category: "held-out" },
  // run.py: the mean score over the tasks that finished; crashed ones are left out (and counted)
  score: (metrics) => 100 * (metrics.score ?? 0),
  metrics: (results) => {
    const finished = results.filter((r) => r.failure !== "env_error");
    return {
      score: finished.length ? finished.reduce((sum, r) => sum + r.reward, 0) / finished.length : 0,
      crashed: results.length - finished.length,
    };
  },
  // run.py: 384 new tokens a reply
  defaults: { maxTurns: 31, maxTokens: 384, minReward: 1 },
};
