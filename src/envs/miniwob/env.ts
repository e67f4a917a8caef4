// One MiniWoB++ episode as AgentTuning's RCI agent runs it (eval_heldout/miniwob++/main.py miniwob(),
// llm_agent.py LLMAgent). Every model call is a fresh Llama-2 chat around one growing prompt `pt`, so
// the env is one of independent turns; its phases follow the original's calls:
//   plan: draft → critique → improved plan (erci=1); the plan's numbered steps (+1) bound the actions;
//   each action: the instruction, the grounding call (when update_action.txt has text), then up to 3
//   RCI corrections while the instruction fits none of the action regexes (irci=3).
// The episode stops when the page's reward is not 0, when it is done, when an instruction is invalid
// (the original's ValueError, a failure) or when the plan's steps are used up.
import type { Message, StepResult } from "../../core/index.js";
import { pythonStrip } from "../lib/python-string.js";
import type { Environment } from "../types.js";
import { ActionError, fitsAction, parseInstruction, performAction, processInstruction } from "./actions.js";
import type { MiniwobPage, MiniwobState } from "./page.js";
import {
  instructionHistory,
  planSteps,
  type RciConversation,
  type RciPrompts,
  rciMessages,
  rciTurn,
  webpageState,
} from "./rci-prompts.js";
import type { MiniwobTask } from "./tasks.js";

/** main.py: --erci 1 (critique rounds of the plan) and --irci 3 (corrections of one instruction). */
export const planCritiques = 1;
export const rciLimit = 3;

/** Tasks whose dialogs and popups live outside #wrap; their state appends body's other children (main.py get_html_state). */
export const extraHtmlTasks = new Set(["click-dialog", "click-dialog-2", "use-autocomplete", "choose-date"]);

// llm_agent.py's fixed texts around the prompt files (rci_plan, generate_action, current_plan_prompt)
const critiqueRequest =
  "\n\nFind problems with this plan for the given task compared to the example plans.\n\n";
const replanRequest = "\n\nBased on this, what is the plan for the agent to complete the task?\n\n";
const afterPlanAndHistory = "Based on the plan and the history of instructions executed so far, ";

/** What the model's reply is, as TGI's text reaches the agent: cut at "[INST]", whitespace stripped. */
export function cleanRciReply(reply: string): string {
  return pythonStrip(reply.split("[INST]")[0] as string);
}

/** The order word generate_action writes into action.txt ("2nd", "3rd", then "4th", "5th"…). */
function orderWord(done: number): string {
  if (done === 1) return "2nd";
  if (done === 2) return "3rd";
  return `${done + 1}th`;
}

/**
 * generate_action's action prompt. The original replaces {prev_inst} and then overwrites the result
 * with a fresh {order} replacement of the file's text, so {prev_inst} stays in the prompt as written.
 */
export function actionRequest(prompts: RciPrompts, past: readonly string[]): string {
  const text =
    past.length === 0 ? prompts.firstAction : prompts.action.replace("{order}", orderWord(past.length));
  return afterPlanAndHistory + text;
}

type Phase = "draft" | "critique" | "plan" | "instruction" | "grounding" | "correction";

export class MiniwobEnvironment implements Environment {
  readonly independentTurns = true;
  private phase: Phase = "draft";
  /** The prompt being built, as llm_agent.py's `pt`. */
  private pt = "";
  private html = "";
  private utterance = "";
  private plan = "";
  private stepBudget = 0;
  private readonly past: string[] = [];
  private corrections = 0;
  /** The reply the instruction comes from (the grounding reply replaces the first one). */
  private candidate = "";

  constructor(
    private readonly task: MiniwobTask,
    private readonly page: MiniwobPage,
    private readonly prompts: RciPrompts,
    private readonly conversation: RciConversation,
  ) {}

  async reset(): Promise<{ messages: Message[] }> {
    await this.readState();
    // initialize_plan: base + the page with the example plans and the task + initialize_plan.txt
    this.pt =
      this.prompts.base +
      webpageState(this.html, this.prompts.example, { withExample: true, task: this.utterance }) +
      this.prompts.initPlan;
    return { messages: rciMessages(this.conversation, this.pt) };
  }

  async step(rawReply: string): Promise<StepResult> {
    const reply = cleanRciReply(rawReply);
    // the original asks again until the reply is not empty; with greedy decoding that never ends
    if (!reply) return this.end(0, "invalid_format", "empty reply (the original asks again forever)");
    switch (this.phase) {
      case "draft":
        this.pt += `\n${reply}${critiqueRequest}`;
        this.phase = "critique";
        return this.ask();
      case "critique":
        this.pt += reply + replanRequest;
        this.phase = "plan";
        return this.ask();
      case "plan":
        this.pt += reply;
        this.plan = reply;
        this.stepBudget = planSteps(reply);
        return this.askAction();
      case "instruction":
        this.candidate = reply;
        this.pt += `${processInstruction(reply)}\`.`;
        if (this.prompts.updateAction) {
          this.pt += this.prompts.updateAction;
          this.phase = "grounding";
          return this.ask();
        }
        return this.checkInstruction();
      case "grounding":
        this.candidate = reply;
        this.pt += reply;
        return this.checkInstruction();
      case "correction":
        this.candidate = reply;
        this.pt += reply;
        this.corrections++;
        return this.checkInstruction();
    }
  }

  async close(): Promise<void> {
    await this.page.close();
  }

  private async readState(): Promise<MiniwobState> {
    const state = await this.page.state();
    this.utterance = state.utterance;
    this.html = extraHtmlTasks.has(this.task.task) ? state.html + state.extraHtml : state.html;
    return state;
  }

  private ask(): StepResult {
    return { observation: rciTurn(this.pt), reward: 0, done: false };
  }

  /** generate_action: base + the page and task (no examples) + the plan + the history + the request. */
  private askAction(): StepResult {
    this.pt =
      this.prompts.base +
      webpageState(this.html, this.prompts.example, { withExample: false, task: this.utterance }) +
      `\n\nHere is a plan you are following now.\n${this.plan}\n\n` +
      instructionHistory(this.past) +
      actionRequest(this.prompts, this.past);
    this.phase = "instruction";
    this.corrections = 0;
    return this.ask();
  }

  /** rci_action: correct an instruction that fits no action regex, at most rciLimit times. */
  private async checkInstruction(): Promise<StepResult> {
    const instruction = processInstruction(this.candidate);
    if (!fitsAction(instruction)) {
      if (this.corrections >= rciLimit)
        return this.end(
          0,
          "invalid_format",
          `no action regex fits "${instruction}" after ${rciLimit} corrections`,
        );
      this.pt += this.prompts.rciAction;
      this.phase = "correction";
      return this.ask();
    }
    this.past.push(instruction);
    try {
      await performAction(this.page, parseInstruction(instruction));
      const { reward, done, reason } = await this.page.reward();
      // main.py: stop on a reward that is not 0 (a success, or -1 when the page timed out) or when done
      if (reward !== 0 || done)
        return this.end(reward, reward > 0 ? undefined : "wrong_answer", reason ? String(reason) : undefined);
      if (this.past.length >= this.stepBudget)
        return this.end(reward, "round_limit", `the plan's ${this.stepBudget} steps are used up`);
      await this.readState();
    } catch (error) {
      if (error instanceof ActionError) return this.end(0, "invalid_action", error.message);
      // a page that crashed or navigated away costs this episode; a browser that died stops the run
      if (this.page.browserConnected())
        return this.end(0, "env_error", `the page failed: ${(error as Error).message}`);
      throw error;
    }
    return this.askAction();
  }

  /** Success is a final page reward above 0 (main.py); the page's own (time-scaled) reward is in info. */
  private end(pageReward: number, failure?: StepResult["failure"], reason?: string): StepResult {
    return {
      observation: "",
      reward: pageReward > 0 ? 1 : 0,
      done: true,
      ...(failure ? { failure } : {}),
      info: {
        pageReward,
        utterance: this.utterance,
        plan: this.plan,
        stepBudget: this.stepBudget,
        instructions: [...this.past],
        ...(reason ? { reason } : {}),
      },
    };
  }
}
