// The ReAct prompt of BOLAA's HotpotQA agent as AgentTuning ran it: one plain-text string, the
// instruction with two worked examples, the question, then the growing scratchpad of Thought n: /
// Action n: / Observation n: lines. The original texts come from the user's AgentTuning checkout
// (eval_heldout/hotpotQA/src/pre_prompt.py REACT_INSTRUCTION, fewshots.py REACT_EXAMPLE); without one,
// agenttune's own wording of the same protocol is used (and the run says so).
import { heldOutString } from "../lib/agenttuning-checkout.js";

export interface ReactTexts {
  /** With {examples}, {question} and {scratchpad} placeholders, as the original template. */
  instruction: string;
  examples: string;
}

export function reactTextsFromCheckout(agenttuning: string): ReactTexts {
  return {
    instruction: heldOutString(agenttuning, "hotpotQA/src/pre_prompt.py", "REACT_INSTRUCTION"),
    examples: heldOutString(agenttuning, "hotpotQA/src/fewshots.py", "REACT_EXAMPLE"),
  };
}

/** agenttune's own wording: the same actions and format, its own text and examples. */
export const ownReactTexts: ReactTexts = {
  instruction: `Answer the question below by alternating Thought, Action and Observation steps. A Thought reasons about what you know and what to do next. An Action is exactly one of:
(1) Search[entity]: look the entity up in Wikipedia and get the first paragraph of its page; if there is no such page, similar titles are listed.
(2) Lookup[keyword]: get the next passage containing the keyword in the page found by the last successful Search.
(3) Finish[answer]: give the final answer and end.
Take as many steps as you need.
Here are some examples:
{examples}
(END OF EXAMPLES)
Question: {question}{scratchpad}`,
  examples: `Question: Which river flows through the capital of the country where the Eiffel Tower stands?
Thought 1: I need to find where the Eiffel Tower stands, then that country's capital and its river.
Action 1: Search[Eiffel Tower]
Observation 1: The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France.
Thought 2: The tower is in Paris, the capital of France. I need the river that flows through Paris.
Action 2: Search[Paris]
Observation 2: Paris is the capital and largest city of France, on the river Seine.
Thought 3: The Seine flows through Paris, so the answer is the Seine.
Action 3: Finish[Seine]

Question: Are the Gobi and the Atacama both deserts?
Thought 1: I need to check whether the Gobi is a desert, then the Atacama.
Action 1: Search[Gobi]
Observation 1: Could not find [Gobi]. Similar: ['Gobi Desert', 'Gobi bear']
Thought 2: I should search Gobi Desert instead.
Action 2: Search[Gobi Desert]
Observation 2: The Gobi Desert is a large cold desert in East Asia.
Thought 3: The Gobi is a desert. Now the Atacama.
Action 3: Search[Atacama Desert]
Observation 3: The Atacama Desert is a desert plateau on the Pacific coast of South America.
Thought 4: Both are deserts, so the answer is yes.
Action 4: Finish[yes]
`,
};

/** The prompt before any step (REACT_INSTRUCTION.format with an empty scratchpad). */
export function reactPrompt(texts: ReactTexts, question: string): string {
  // langchain's f-string PromptTemplate: each placeholder once; the values are not re-scanned
  return texts.instruction.replace(/\{(examples|question|scratchpad)\}/g, (_, name: string) =>
    name === "examples" ? texts.examples : name === "question" ? question : "",
  );
}
