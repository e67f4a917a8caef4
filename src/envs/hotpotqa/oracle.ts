// The hotpotqa oracle: searches each supporting page, then finishes with the gold answer. It reads the
// phase ("Thought n:" or "Action n:") from the end of the prompt, so it works on the raw text prompt
// as well as on the conversation.
import type { Message } from "../../core/index.js";
import { contextPairs } from "../lib/offline-wiki.js";
import type { OracleSolver } from "../types.js";
import { contextTokens, countTokens, maxSteps } from "./env.js";
import { type HotpotTask, supportingTitles } from "./tasks.js";

/** Room kept for the thought, action and observation framing of one more step. */
const stepMargin = 80;

export function hotpotOracle(task: HotpotTask): OracleSolver {
  const titles = supportingTitles(task);
  const paragraph = new Map(
    contextPairs(task.context).map(([title, sentences]) => [title, sentences.join("")]),
  );
  let searches: string[] | undefined;
  return {
    reply(messages: readonly Message[]): string {
      const prompt = messages.map((m) => m.content).join("");
      const cue = /(Thought|Action) (\d+):$/.exec(prompt);
      const phase = cue?.[1] ?? "Thought";
      const n = Number(cue?.[2] ?? 1);
      if (!searches) {
        // the pages it can search before the prompt would pass the halting limit, in at most 9 steps
        searches = [];
        let tokens = countTokens(prompt);
        for (const title of titles.slice(0, maxSteps - 1)) {
          tokens += countTokens(paragraph.get(title) ?? "") + stepMargin;
          if (tokens > contextTokens - stepMargin) break;
          searches.push(title);
        }
      }
      const title = searches[n - 1];
      if (title !== undefined) return phase === "Thought" ? `I need to search ${title}.` : `Search[${title}]`;
      return phase === "Thought" ? `So the answer is ${task.answer}.` : `Finish[${task.answer}]`;
    },
  };
}
