// The RCI agent's prompt files (AgentTuning eval_heldout/miniwob++/prompt.py), read from the user's
// folder (`--prompts DIR`): a task's own folder when there is one, else the generic files at the
// root; base.txt and rci_action.txt get the action regexes filled in ("davinci" set).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, type Message } from "../../core/index.js";
import { heldOutString } from "../lib/agenttuning-checkout.js";
import { llama2SystemPrompt } from "../lib/llama2-harness.js";
import { pythonStrip } from "../lib/python-string.js";

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

const fewShotSchema = z
  .array(z.object({ conversations: z.array(z.object({ value: z.string() })).min(2) }).passthrough())
  .min(6);

export interface RciConversation {
  /** The instruction every call starts with (llm_agent.py BIG_PROMPT). */
  bigPrompt: string;
  /** few-shot.json: examples[0] (a plan) and examples[5] (a next action) go before every call. */
  fewShot: [user: string, assistant: string][];
}

/** agenttune's own wording of BIG_PROMPT, used without an AgentTuning checkout. */
export const ownBigPrompt =
  'You are an agent doing a task on a web page. Each turn you get the task and the HTML of the page, and you either write a plan for the whole task or give the one instruction to run next. A plan lists its steps in order, each numbered from 1 ("1.", "2."), and each step is exactly one instruction. When you give an instruction, follow the plan, and make sure the instruction matches one of the regular expressions you were given.';

/** few-shot.json from the prompt folder, and BIG_PROMPT from an AgentTuning checkout when given. */
export function loadRciConversation(root: string, agenttuning?: string): RciConversation {
  const file = join(root, "prompt", "few-shot.json");
  let examples: z.infer<typeof fewShotSchema>;
  try {
    examples = fewShotSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new InputError(
      `${file}: expected a list of at least 6 {conversations: [{value}, {value}]}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const pair = (i: number): [string, string] => {
    const [user, assistant] = (examples[i] as z.infer<typeof fewShotSchema>[number]).conversations;
    return [(user as { value: string }).value, (assistant as { value: string }).value];
  };
  return {
    // llm_agent.py: BIG_PROMPT = '''…'''.strip()
    bigPrompt: agenttuning
      ? pythonStrip(heldOutString(agenttuning, "miniwob++/llm_agent.py", "BIG_PROMPT"))
      : ownBigPrompt,
    fewShot: [pair(0), pair(5)],
  };
}

const newTask = "The previous task has ended, and I'll start a new task now.\n\n";

/** The question of one call: the prompt after "The previous task has ended…". */
export function rciTurn(prompt: string): string {
  return `${newTask}${prompt}`;
}

/**
 * One RCI call as llm_agent.py builds it for Llama-2 models: the system prompt, BIG_PROMPT / "Ok.",
 * the plan example, then the action example and the prompt, each after "The previous task has ended…".
 */
export function rciMessages(conversation: RciConversation, prompt: string): Message[] {
  const [[planUser, planReply], [actionUser, actionReply]] = conversation.fewShot as [
    [string, string],
    [string, string],
  ];
  return [
    { role: "system", content: llama2SystemPrompt },
    { role: "user", content: conversation.bigPrompt },
    { role: "assistant", content: "Ok." },
    { role: "user", content: planUser },
    { role: "assistant", content: planReply },
    { role: "user", content: `${newTask}${actionUser}` },
    { role: "assistant", content: actionReply },
    { role: "user", content: rciTurn(prompt) },
  ];
}
