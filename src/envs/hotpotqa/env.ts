// One HotpotQA episode as BOLAA's ReactAgent runs it (eval_heldout/hotpotQA/src/agent_arch.py): each
// step is two model calls on the whole plain-text prompt, "Thought n:" then "Action n:", each reply cut
// at a newline and passed through format_step; Search / Lookup / Finish observations in the original
// texts; the run halts after 10 steps or once the prompt passes 1,700 cl100k tokens.
import type { Message, StepResult } from "../../core/index.js";
import { cl100k } from "../lib/llama2-harness.js";
import { NoPageError, type OfflineWiki, WikiExplorer } from "../lib/offline-wiki.js";
import { exactMatch, f1Score } from "../lib/qa-answer.js";
import type { Environment } from "../types.js";
import { type ReactTexts, reactPrompt } from "./prompt.js";
import type { HotpotTask } from "./tasks.js";

/** agent_arch.py: max_steps (BaseAgent default) and eval_hotpot.py's --max_context_len. */
export const maxSteps = 10;
export const contextTokens = 1700;

/** cl100k_base, the tokenizer BOLAA counts the prompt with (llms.py token_enc). */
export function countTokens(text: string): number {
  return cl100k().encode(text, "all").length;
}

/** format_step: strip newlines, then whitespace, then drop inner newlines (no space added). */
export function formatStep(text: string): string {
  return text
    .replace(/^\n+|\n+$/g, "")
    .trim()
    .replaceAll("\n", "");
}

/** parse_action with its fuzzy fallback: `Name[argument]`, else the whole text with no argument. */
export function parseReactAction(text: string): { type: string; argument: string } {
  const strict = /^(\w+)\[(.+)\]$/su.exec(text);
  if (strict) return { type: strict[1] as string, argument: strict[2] as string };
  // fuzzy_parse_action: strip(' ').strip('.') then a prefix match
  const trimmed = text.replace(/^ +| +$/g, "").replace(/^\.+|\.+$/g, "");
  const fuzzy = /^(\w+)\[(.+)\]/su.exec(trimmed);
  if (fuzzy) return { type: fuzzy[1] as string, argument: fuzzy[2] as string };
  return { type: trimmed, argument: "" };
}

const invalidAction =
  "Invalid Action. Valid Actions are Lookup[<topic>] Search[<topic>] and Finish[<answer>].";
const lookupWithoutPage =
  "The last page Searched was not found, so you cannot Lookup a keyword in it. Please try one of the similar pages given.";

export class HotpotEnvironment implements Environment {
  private readonly explorer: WikiExplorer;
  private readonly start: string;
  /** The prompt as BOLAA builds it: instruction, question, scratchpad (for the halting rule). */
  private prompt: string;
  private step_n = 1;
  private phase: "thought" | "action" = "thought";

  constructor(
    private readonly task: HotpotTask,
    wiki: OfflineWiki,
    texts: ReactTexts,
  ) {
    this.explorer = new WikiExplorer(wiki);
    this.start = reactPrompt(texts, task.question);
    this.prompt = this.start;
  }

  async reset(): Promise<{ messages: Message[]; finished?: StepResult }> {
    // is_halted() runs before the first step too: a question that alone passes the limit scores 0
    if (countTokens(this.start) > contextTokens)
      return { messages: [{ role: "user", content: this.start }], finished: this.halt("context_limit") };
    return { messages: [{ role: "user", content: `${this.start}\nThought 1:` }] };
  }

  /** The prompt BOLAA sends: the conversation concatenated, each reply after a space, format_step'd. */
  textPrompt(messages: readonly Message[]): { prompt: string; stop: string[] } {
    const prompt = messages
      .map((m) => (m.role === "assistant" ? ` ${formatStep(m.content)}` : m.content))
      .join("");
    // TGI's stop_sequences ["\n"] and langchain's cut at the first newline
    return { prompt, stop: ["\n"] };
  }

  async step(reply: string): Promise<StepResult> {
    const n = this.step_n;
    if (this.phase === "thought") {
      this.phase = "action";
      this.prompt += `\nThought ${n}: ${formatStep(reply)}`;
      return { observation: `\nAction ${n}:`, reward: 0, done: false };
    }
    this.phase = "thought";
    const action = formatStep(reply);
    this.prompt += `\nAction ${n}: ${action}`;
    const { type, argument } = parseReactAction(action);
    this.step_n++;
    if (type === "Finish") {
      const reward = f1Score(argument, this.task.answer);
      const correct = exactMatch(argument, this.task.answer);
      return {
        observation: `\nObservation ${n}: Answer is ${correct ? "CORRECT" : "INCORRECT"}`,
        reward,
        done: true,
        info: { answer: argument, f1: reward, em: correct ? 1 : 0 },
      };
    }
    let observation: string;
    if (type === "Search") observation = formatStep(this.explorer.search(argument));
    else if (type === "Lookup") {
      try {
        observation = formatStep(this.explorer.lookup(argument));
      } catch (error) {
        if (!(error instanceof NoPageError)) throw error;
        observation = lookupWithoutPage;
      }
    } else observation = invalidAction;
    const text = `\nObservation ${n}: ${observation}`;
    this.prompt += text;
    // is_halted(), checked before the next step: too many steps, or a prompt over the token limit
    if (this.step_n > maxSteps) return { ...this.halt("round_limit"), observation: text };
    if (countTokens(this.prompt) > contextTokens) return { ...this.halt("context_limit"), observation: text };
    return { observation: `${text}\nThought ${this.step_n}:`, reward: 0, done: false };
  }

  private halt(failure: "round_limit" | "context_limit"): StepResult {
    return {
      observation: "",
      reward: 0,
      done: true,
      failure,
      info: { answer: "", f1: 0, em: 0, halted: failure === "round_limit" ? "steps" : "context" },
    };
  }

  async close(): Promise<void> {}
}
