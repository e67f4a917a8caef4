// The miniwob oracle: answers every RCI call from what the prompt shows (the task and the page's HTML),
// with a scripted solver per task (solvers.ts). The plan it writes has as many numbered steps as its
// solver may need; each action call is answered with the solver's next instruction for the page as it
// is now, so the grounding and correction calls get the same instruction again.
import { load } from "cheerio";
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import type { PageView } from "./solver-kit.js";
import { solvers } from "./solvers.js";
import type { MiniwobTask } from "./tasks.js";

const htmlMarker = "Below is the HTML code of the webpage where the agent should solve a task.\n";
const taskMarker = "Current task: ";
const planMarker = "\n\nHere is a plan you are following now.\n";
const historyMarker =
  "We have a history of instructions that have been already executed by the autonomous agent so far.\n";
const critiqueEnd = "compared to the example plans.\n\n";

/** What an action prompt shows: the task, the page, the instructions executed so far. */
export function readActionPrompt(prompt: string): { utterance: string; html: string; done: string[] } {
  const htmlStart = prompt.indexOf(htmlMarker) + htmlMarker.length;
  const taskStart = prompt.indexOf(`\n\n${taskMarker}`, htmlStart);
  const html = prompt.slice(htmlStart, taskStart < 0 ? undefined : taskStart);
  const utteranceStart = prompt.indexOf(taskMarker, htmlStart) + taskMarker.length;
  const utterance = prompt.slice(utteranceStart, prompt.indexOf("\n", utteranceStart));
  const done: string[] = [];
  const historyStart = prompt.indexOf(historyMarker);
  if (historyStart >= 0) {
    for (const line of prompt.slice(historyStart + historyMarker.length).split("\n")) {
      const numbered = /^(\d+): (.*)$/.exec(line);
      if (!numbered) break;
      done.push(numbered[2] as string);
    }
  }
  return { utterance, html, done };
}

export function miniwobOracle(task: MiniwobTask): OracleSolver {
  const solver = solvers[task.task];
  return {
    ...(solver ? {} : { unsolved: "no scripted solver" }),
    reply(messages: readonly Message[]): string {
      const prompt = messages.at(-1)?.content ?? "";
      if (!solver) return `1. No scripted solver for ${task.task}.`;
      if (prompt.endsWith(critiqueEnd)) return "The plan has no problems.";
      if (!prompt.includes(planMarker))
        return Array.from({ length: solver.steps }, (_, i) => `${i + 1}. one instruction`).join("\n");
      const { utterance, html, done } = readActionPrompt(prompt);
      const view: PageView = { utterance, $: load(html), done };
      return solver.next(view);
    },
  };
}
