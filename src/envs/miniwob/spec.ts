// The miniwob environment (held-out): MiniWoB++ task pages in headless Chromium, played by the RCI
// agent as AgentTuning evaluated it (plan, critique, act), scored by the pages' own rewards.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import {
  chromiumPath,
  launchChromium,
  PagePool,
  type StaticServer,
  startStaticServer,
} from "../../browser/index.js";
import { InputError } from "../../core/index.js";
import { failedAtStart } from "../lib/llama2-harness.js";
import type { Environment, EnvSpec } from "../types.js";
import { MiniwobEnvironment } from "./env.js";
import { miniwobOracle } from "./oracle.js";
import { MiniwobPage } from "./page.js";
import { loadRciConversation, loadRciPrompts, type RciPrompts } from "./rci-prompts.js";
import { loadMiniwobTasks, type MiniwobTask, miniwobTaskId, miniwobTaskSchema } from "./tasks.js";

/** Where an AgentTuning checkout keeps the RCI folder and the MiniWoB++ pages. */
const checkoutPrompts = join("eval_heldout", "miniwob++");
const checkoutPages = join(
  checkoutPrompts,
  "computergym",
  "computergym",
  "miniwob",
  "miniwob_interface",
  "html",
);

/**
 * The page folder and the RCI prompt folder: --miniwob and --prompts, else the copies inside an
 * AgentTuning checkout (--agenttuning).
 */
export function miniwobFolders(options: { miniwob?: string; prompts?: string; agenttuning?: string }): {
  pages: string;
  prompts: string;
} {
  const { agenttuning } = options;
  const pages = options.miniwob ?? (agenttuning ? join(agenttuning, checkoutPages) : undefined);
  const prompts = options.prompts ?? (agenttuning ? join(agenttuning, checkoutPrompts) : undefined);
  if (!pages)
    throw new InputError(
      "miniwob: pass --miniwob DIR, MiniWoB++'s html folder (miniwob/*.html, core/, common/), or --agenttuning DIR",
    );
  if (!prompts)
    throw new InputError(
      "miniwob: pass --prompts DIR, the RCI agent's folder (prompt/, available_tasks.txt), or --agenttuning DIR",
    );
  if (!existsSync(join(pages, "core", "core.js")))
    throw new InputError(`--miniwob ${pages}: no core/core.js (expected MiniWoB++'s html folder)`);
  if (!existsSync(join(prompts, "prompt")))
    throw new InputError(`--prompts ${prompts}: no prompt/ folder (expected the RCI agent's prompt files)`);
  return { pages: resolve(pages), prompts: resolve(prompts) };
}

/** Most model calls in an episode: a safety net far above any real plan (3 plan calls, ≤ 5 per action). */
const maxTurns = 300;

/** An episode whose page never loaded: it ends before the first call and counts as a failure. */
function pageFailure(task: MiniwobTask, error: unknown): Environment {
  const reason = `the page of ${task.task} did not load: ${(error as Error).message.split("\n")[0]}`;
  return failedAtStart(reason, { reason });
}

export const miniwobSpec: EnvSpec<MiniwobTask> = {
  name: "miniwob",
  description: "MiniWoB++ web tasks in headless Chromium with AgentTuning's RCI agent (plan, critique, act)",
  taskSchema: miniwobTaskSchema,
  taskId: miniwobTaskId,
  taskText: (task) => task.task,
  replyProblem: () => undefined,
  loadTasks: (source, options) => loadMiniwobTasks(source, options),
  unavailable: () =>
    chromiumPath() ? undefined : "Chromium not found at /usr/bin/chromium (apt-get install chromium)",
  async open(options = {}) {
    const { pages, prompts } = miniwobFolders(options);
    const conversation = loadRciConversation(prompts, options.agenttuning);
    const promptsByTask = new Map<string, RciPrompts>();
    const server: StaticServer = await startStaticServer(pages);
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (error) {
      await server.close();
      throw error;
    }
    // the original's window: the 160×210 task area in a small viewport keeps layouts the same
    const pagePool = new PagePool(browser, { viewport: { width: 500, height: 500 } });
    return {
      name: `Chromium ${browser.version()}, pages ${pages}`,
      prompts,
      promptSource: "agenttuning",
      maxTurns,
      create: async (task) => {
        let taskPrompts = promptsByTask.get(task.task);
        if (!taskPrompts) {
          taskPrompts = loadRciPrompts(prompts, task.task);
          promptsByTask.set(task.task, taskPrompts);
        }
        if (!browser.isConnected()) throw new Error("Chromium is gone");
        let page: MiniwobPage;
        try {
          page = await MiniwobPage.open(pagePool, `${server.url}miniwob/${task.task}.html`, task.seed);
        } catch (error) {
          // a browser that died is the run's problem; a page that never loaded costs this episode
          if (!browser.isConnected()) throw error;
          return pageFailure(task, error);
        }
        return new MiniwobEnvironment(task, page, taskPrompts, conversation);
      },
      preflight: async (tasks) => {
        const missing = [...new Set(tasks.map((t) => t.task))].filter(
          (name) => !existsSync(join(pages, "miniwob", `${name}.html`)),
        );
        return missing.length
          ? `${missing.length} tasks have no page in ${pages}/miniwob (e.g. ${missing[0]}); their episodes will fail with env_error`
          : undefined;
      },
      close: async () => {
        await pagePool.close();
        await browser.close().catch(() => {});
        await server.close();
      },
    };
  },
  oracle: miniwobOracle,
  benchmark: { task: "MiniWoB++", category: "held-out" },
  // metrics.py: successes over all episodes of all tasks, pooled, ×100
  score: (metrics) => 100 * (metrics.success ?? 0),
  metrics: (results) => {
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const pageRewards = results.map((r) => (typeof r.info?.pageReward === "number" ? r.info.pageReward : 0));
    return {
      success: mean(results.map((r) => (r.success ? 1 : 0))),
      pageReward: mean(pageRewards),
    };
  },
  // TGI max_new_tokens 512 (llm_agent.py get_response)
  defaults: { maxTurns, maxTokens: 512, minReward: 1 },
};
