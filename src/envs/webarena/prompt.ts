// WebArena's p_cot_id_actree_2s prompt (agent/prompts/raw/p_cot_id_actree_2s.py in WebArena or in
// AgentTuning's eval_heldout/webarena), read from the user's checkout; agenttune's own wording without
// one. The conversation is rebuilt every step as prompt_constructor.py does for llama models.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, type Message } from "../../core/index.js";
import { llama2SystemPrompt } from "../lib/llama2-harness.js";
import { pythonAssignment } from "../lib/python-literal.js";

export interface WebarenaPrompt {
  intro: string;
  examples: [string, string][];
  template: string;
  answerPhrase: string;
  actionSplitter: string;
  /** Where the texts came from: a file of the checkout, or "agenttune". */
  source: string;
}

const promptFileSchema = z.object({
  intro: z.string(),
  examples: z.array(z.tuple([z.string(), z.string()])),
  template: z.string(),
  meta_data: z.object({ answer_phrase: z.string(), action_splitter: z.string() }).passthrough(),
});

const promptPaths = [
  join("eval_heldout", "webarena", "agent", "prompts", "raw", "p_cot_id_actree_2s.py"),
  join("agent", "prompts", "raw", "p_cot_id_actree_2s.py"),
  join("webarena", "agent", "prompts", "raw", "p_cot_id_actree_2s.py"),
];

/** The prompt file of an AgentTuning or WebArena checkout. */
export function webarenaPromptFromCheckout(dir: string): WebarenaPrompt {
  const file = promptPaths.map((path) => join(dir, path)).find(existsSync);
  if (!file)
    throw new InputError(
      `${dir}: no agent/prompts/raw/p_cot_id_actree_2s.py (expected a WebArena or AgentTuning checkout)`,
    );
  const parsed = promptFileSchema.safeParse(pythonAssignment(readFileSync(file, "utf8"), "prompt", file));
  if (!parsed.success)
    throw new InputError(
      `${file}: prompt: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`,
    );
  const { intro, examples, template, meta_data } = parsed.data;
  return {
    intro,
    examples,
    template,
    answerPhrase: meta_data.answer_phrase,
    actionSplitter: meta_data.action_splitter,
    source: file,
  };
}

/** The observation template: WebArena's field layout, which the model's replies depend on. */
export const observationTemplate =
  "OBSERVATION:\n{observation}\nURL: {url}\nOBJECTIVE: {objective}\nPREVIOUS ACTION: {previous_action}";

/** agenttune's own wording of the instructions and two worked examples. */
export const ownWebarenaPrompt: WebarenaPrompt = {
  intro: `You control a web browser to complete a task for a user. Each turn you see the page as an accessibility tree (every element with an id in square brackets), the page's URL, the task, and the action you took last.

You can act on the page:
click [id]: click the element with that id.
type [id] [text] [press_enter_after=0|1]: type the text into the element; with 1 (the default) Enter is pressed afterwards.
hover [id]: move the mouse over the element.
press [key_comb]: press keys, e.g. Ctrl+v.
scroll [down] or scroll [up]: scroll the page by one screen.

You can manage tabs:
new_tab: open an empty tab.
tab_focus [tab_index]: switch to a tab.
close_tab: close the current tab.

You can move through the history:
goto [url]: open a URL.
go_back: go to the previous page.
go_forward: go to the next page, after a go_back.

When the task is done, answer with stop [answer]; with stop [N/A] when the task cannot be done. Give one action per turn, only an action that is valid on the current page, and only ids that the current tree shows.

Think step by step first. Then write "In summary, the next action I will perform is" followed by the action inside \`\`\`, for example: In summary, the next action I will perform is \`\`\`click [42]\`\`\`.`,
  examples: [
    [
      `OBSERVATION:
[3] RootWebArea 'Order #1042 | Shop'
\t[18] heading 'Order #1042'
\t[21] StaticText 'Status: Shipped'
\t[25] link 'Track package'
URL: http://onestopmarket.com/orders/1042
OBJECTIVE: What is the status of order 1042?
PREVIOUS ACTION: None`,
      "Let's think step-by-step. The page shows order #1042 and its status, Shipped, which answers the question. In summary, the next action I will perform is ```stop [Shipped]```",
    ],
    [
      `OBSERVATION:
[1] RootWebArea 'Forum'
\t[7] searchbox 'Search the forum'
\t[9] button 'Search'
\t[12] link 'Log in'
URL: http://reddit.com
OBJECTIVE: Find posts about gardening
PREVIOUS ACTION: None`,
      "Let's think step-by-step. The page has a search box with id [7]. I can type the topic there and press Enter to search. In summary, the next action I will perform is ```type [7] [gardening] [1]```",
    ],
  ],
  template: observationTemplate,
  answerPhrase: "In summary, the next action I will perform is",
  actionSplitter: "```",
  source: "agenttune",
};

/** get_lm_api_input for llama models: the intro / "Ok.", the examples, then this step's text, each stripped. */
export function webarenaMessages(prompt: WebarenaPrompt, current: string): Message[] {
  return [
    { role: "system", content: llama2SystemPrompt },
    { role: "user", content: prompt.intro.trim() },
    { role: "assistant", content: "Ok." },
    ...prompt.examples.flatMap(([user, assistant]): Message[] => [
      { role: "user", content: user.trim() },
      { role: "assistant", content: assistant.trim() },
    ]),
    { role: "user", content: current.trim() },
  ];
}

/** template.format(...) with the four keywords. */
export function fillTemplate(
  template: string,
  values: { observation: string; url: string; objective: string; previous_action: string },
): string {
  return template.replace(
    /\{(observation|url|objective|previous_action)\}/g,
    (_, key: keyof typeof values) => values[key],
  );
}
