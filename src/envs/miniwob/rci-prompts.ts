// The RCI agent's prompt files (AgentTuning eval_heldout/miniwob++/prompt.py), read from the user's
// folder (`--prompts DIR`): a task's own folder when there is one, else the generic files at the
// root; base.txt and rci_action.txt get the action regexes filled in ("davinci" set).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/index.js";

export interface RciPrompts {
  /** The folder the files came from (the task's own, or the generic root). */
  dir: string;
  base: string;
  example: string;
  firstAction: string;
  initPlan: string;
  action: string;
  rciAction: string;
  updateAction: string;
}

/** prompt.py's regexes as its replace_regex writes them into the prompt texts (Python source form). */
const regexTexts: Record<string, string> = {
  "{type}": "^type\\s.{1,}$",
  "{press}": "^press\\s(enter|arrowleft|arrowright|arrowup|arrowdown|backspace)$",
  "{clickxpath}": "^clickxpath\\s.{1,}$",
  "{clickoption}": "^clickoption\\s.{1,}$",
  "{movemouse}": "^movemouse\\s.{1,}$",
};

function fillRegexes(text: string): string {
  let out = text;
  for (const [placeholder, regex] of Object.entries(regexTexts)) out = out.replaceAll(placeholder, regex);
  return out;
}

export function loadRciPrompts(root: string, task: string): RciPrompts {
  const own = join(root, "prompt", task);
  const generic = join(root, "prompt");
  const dir = existsSync(own) ? own : existsSync(generic) ? generic : undefined;
  if (!dir)
    throw new InputError(
      `--prompts ${root}: no prompt/ folder (expected AgentTuning's miniwob++ RCI prompts)`,
    );
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), "utf8");
    } catch {
      throw new InputError(`${join(dir, name)}: missing from the RCI prompt folder`);
    }
  };
  return {
    dir,
    base: fillRegexes(read("base.txt")),
    example: read("example.txt"),
    firstAction: read("first_action.txt"),
    initPlan: read("initialize_plan.txt"),
    action: read("action.txt"),
    rciAction: fillRegexes(read("rci_action.txt")),
    updateAction: read("update_action.txt"),
  };
}

/** The 46 evaluated tasks (available_tasks.txt), one per line. */
export function loadTaskList(root: string): string[] {
  const file = join(root, "available_tasks.txt");
  if (!existsSync(file)) throw new InputError(`--prompts ${root}: available_tasks.txt not found`);
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/** instruction_history_prompt: the instructions executed so far, numbered from 1. */
export function instructionHistory(past: readonly string[]): string {
  let pt =
    "\n\nWe have a history of instructions that have been already executed by the autonomous agent so far.\n";
  if (past.length === 0) pt += "No instruction has been executed yet.";
  else for (const [i, instruction] of past.entries()) pt += `${i + 1}: ${instruction}\n`;
  return `${pt}\n\n`;
}

/** webpage_state_prompt: the page's HTML, the example plans where asked, the task. */
export function webpageState(
  html: string,
  example: string,
  { withExample, task }: { withExample: boolean; task?: string },
): string {
  let pt = `\n\nBelow is the HTML code of the webpage where the agent should solve a task.\n${html}\n\n`;
  if (example && withExample) pt += `${example}\n\n`;
  if (task !== undefined) pt += `Current task: ${task}\n`;
  return pt;
}

/** get_plan_step: the smallest k with no "k." in the plan, which is the number of actions allowed. */
export function planSteps(plan: string): number {
  let k = 1;
  while (plan.includes(`${k}.`)) k++;
  return k;
}
