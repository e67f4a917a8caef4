// One WebArena task as run.py runs it with the p_cot_id_actree_2s prompt: every step the whole
// conversation is rebuilt (intro, examples, this step's observation), so the env is one of independent
// turns. The reply's first ```…``` span is the action; one that does not parse is a NONE action. The
// episode ends on stop, or on WebArena's early stops (30 actions, 3 NONE in a row, the same action 3
// times in a row, the same typing 3 times), then the task's evaluators score it.
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import type { Message, StepResult } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import { cl100k } from "../lib/llama2-harness.js";
import type { Environment } from "../types.js";
import {
  ActionParsingError,
  describeAction,
  executeAction,
  parseWebarenaAction,
  sameAction,
  type WebarenaAction,
} from "./actions.js";
import { EvaluationError, evaluateTask } from "./evaluate.js";
import { type Observation, observe } from "./observation.js";
import { fillTemplate, type WebarenaPrompt, webarenaMessages } from "./prompt.js";
import type { WebarenaTask } from "./tasks.js";

/** run.py: --max_steps 30, parsing_failure 3, repeating_action 3; --max_obs_length 1920. */
export const maxActions = 30;
export const earlyStopThreshold = 3;
export const observationTokens = 1920;
export const viewport = { width: 1280, height: 720 };
/** How long after an action a navigation it caused must have started to be waited for. */
const navigationWindowMs = 300;

/** The observation cut to its first 1,920 cl100k tokens (tokenizer.decode(tokenizer.encode(obs)[:n])). */
export function truncateObservation(text: string, tokens = observationTokens): string {
  const ids = cl100k().encode(text, "all");
  return ids.length <= tokens ? text : cl100k().decode(ids.slice(0, tokens));
}

/** The first ```…``` span on one line (no DOTALL), as _extract_action reads it. */
export function extractAction(reply: string, splitter: string): string | undefined {
  const escaped = splitter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${escaped}(.*?)${escaped}`).exec(reply)?.[1];
}

/** URL_MAPPINGS both ways: what the model sees (fake domains) and what the browser opens. */
export interface UrlMap {
  toShown(url: string): string;
  toLocal(url: string): string;
}

/** early_stop(): why the episode stops before the next model call, or undefined. */
export function earlyStop(actions: readonly WebarenaAction[]): string | undefined {
  if (actions.length >= maxActions) return `Reach max steps ${maxActions}`;
  const lastK = actions.slice(-earlyStopThreshold);
  if (lastK.length >= earlyStopThreshold && lastK.every((a) => a.type === "none"))
    return `Failed to parse actions for ${earlyStopThreshold} times`;
  const last = actions.at(-1);
  if (!last) return undefined;
  if (last.type !== "type") {
    if (lastK.length >= earlyStopThreshold && lastK.every((a) => sameAction(a, last)))
      return `Same action for ${earlyStopThreshold} times`;
  } else if (actions.filter((a) => sameAction(a, last)).length >= earlyStopThreshold)
    return `Same typing action for ${earlyStopThreshold} times`;
  return undefined;
}

export interface WebarenaEpisodeOptions {
  prompt: WebarenaPrompt;
  urls: UrlMap;
  judge?: ChatModel;
  /** Longest wait for the page to settle after an action (WebArena sleeps 2.5 s). */
  settleMs?: number;
}

export class WebarenaEnvironment implements Environment {
  readonly independentTurns = true;
  private page: Page;
  private cdp: CDPSession | undefined;
  /** The tab `cdp` talks to (a new session after a tab change). */
  private cdpPage: Page | undefined;
  private observation: Observation | undefined;
  private readonly actions: WebarenaAction[] = [];
  private readonly history: string[] = ["None"];

  constructor(
    private readonly task: WebarenaTask & { intent: string },
    private readonly context: BrowserContext,
    firstPage: Page,
    private readonly options: WebarenaEpisodeOptions,
  ) {
    this.page = firstPage;
  }

  async reset(): Promise<{ messages: Message[] }> {
    return { messages: webarenaMessages(this.options.prompt, await this.current()) };
  }

  async step(reply: string): Promise<StepResult> {
    const { prompt, urls } = this.options;
    const nodes = this.observation?.nodes ?? new Map();
    let action: WebarenaAction;
    try {
      const text = extractAction(reply, prompt.actionSplitter);
      if (text === undefined)
        throw new ActionParsingError(`Cannot find the answer phrase "${prompt.answerPhrase}"`);
      action = parseWebarenaAction(urls.toLocal(text));
    } catch (error) {
      if (!(error instanceof ActionParsingError)) throw error;
      action = { type: "none", raw: reply };
    }
    this.actions.push(action);
    this.history.push(describeAction(action, nodes, prompt.actionSplitter));
    if (action.type === "stop") return this.finish(action.answer);
    const navigation = this.watchNavigation();
    try {
      this.page = await executeAction(
        action,
        { context: this.context, page: this.page },
        nodes,
        this.observation?.window ?? { left: 0, top: 0, right: viewport.width, bottom: viewport.height },
      );
    } catch {
      // envs.py swallows execution errors: the episode goes on from the same page
    }
    await navigation();
    await this.settle();
    const stop = earlyStop(this.actions);
    if (stop) return this.finish(`Early stop: ${stop}`, stop);
    return {
      observation: webarenaMessages(prompt, await this.current()).at(-1)?.content ?? "",
      reward: 0,
      done: false,
    };
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }

  /** This step's user turn: the template with the observation, the shown URL, the task, the last action. */
  private async current(): Promise<string> {
    if (!this.cdp || this.cdpPage !== this.page) {
      this.cdp = await this.context.newCDPSession(this.page);
      this.cdpPage = this.page;
    }
    this.observation = await this.observeSettled(this.cdp);
    return fillTemplate(this.options.prompt.template, {
      objective: this.task.intent,
      url: this.options.urls.toShown(this.page.url()),
      observation: truncateObservation(this.observation.text),
      previous_action: this.history.at(-1) as string,
    });
  }

  /**
   * process(): a page still navigating (a form that submitted on Enter) destroys the context the
   * snapshot runs in; WebArena then waits for the load and reads again, and so does this, a few times.
   */
  private async observeSettled(cdp: CDPSession): Promise<Observation> {
    for (let attempt = 1; ; attempt++) {
      try {
        // a document still loading (a navigation that began late) is read once it has loaded
        const state = await this.page.evaluate(() => document.readyState);
        if (state !== "complete")
          await this.page.waitForLoadState("load", { timeout: 10_000 }).catch(() => {});
        return await observe(this.page, cdp, viewport.width);
      } catch (error) {
        if (attempt >= 3 || this.page.isClosed()) throw error;
        await this.page.waitForLoadState("load", { timeout: 10_000 }).catch(() => {});
      }
    }
  }

  /**
   * Started before an action: afterwards, when the action sent the tab to a new document (a form
   * submitted by Enter or a click), waits for that document's load event, so the next observation
   * is never a page half built (WebArena sleeps 2.5 s instead).
   */
  private watchNavigation(): () => Promise<void> {
    const page = this.page;
    const limit = this.options.settleMs ?? 2500;
    let navigated = false;
    const onRequest = (request: { isNavigationRequest(): boolean; frame(): unknown }) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigated = true;
    };
    page.on("request", onRequest);
    const loaded = page.waitForEvent("load", { timeout: limit }).catch(() => {});
    return async () => {
      // a submit's request follows its key or click event, later on a busy machine: give it time to
      // show, then wait for the new document's load (waitForLoadState would see the old one, loaded)
      await new Promise((resolve) => setTimeout(resolve, navigationWindowMs));
      page.off("request", onRequest);
      if (navigated) await loaded;
    };
  }

  private async settle(): Promise<void> {
    if (this.page.isClosed()) return;
    await this.page.waitForLoadState("load", { timeout: this.options.settleMs ?? 2500 }).catch(() => {});
    await this.page
      .waitForLoadState("networkidle", { timeout: this.options.settleMs ?? 2500 })
      .catch(() => {});
  }

  private async finish(answer: string, earlyStopReason?: string): Promise<StepResult> {
    const info: Record<string, unknown> = {
      answer,
      url: this.page.isClosed() ? "" : this.page.url(),
      actions: this.history.slice(1),
      ...(earlyStopReason ? { earlyStop: earlyStopReason } : {}),
    };
    try {
      const { score, parts } = await evaluateTask(this.task, {
        answer,
        page: this.page,
        judge: this.options.judge,
      });
      return {
        observation: "",
        reward: score,
        done: true,
        ...(score < 1 ? { failure: earlyStopReason ? "round_limit" : "wrong_answer" } : {}),
        info: { ...info, evaluators: parts },
      };
    } catch (error) {
      // run.py: a task that raises is logged and left out of the average
      const reason =
        error instanceof EvaluationError ? error.message : `evaluation failed: ${(error as Error).message}`;
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "env_error",
        info: { ...info, crashed: reason },
      };
    }
  }
}
