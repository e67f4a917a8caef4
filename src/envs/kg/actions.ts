// knowledgegraph's functions as tools, and the final answer. The ReAct text is AgentBench's
// "Action: name(arg, arg)" and "Final Answer: #n"; the env reads both with ./action.ts.
import type { ActionDefinition } from "../types.js";
import { kgActionLine, kgCallArguments, kgCalledNames, kgFinalAnswer, kgMessage } from "./action.js";

const variable = { type: "string", description: 'an entity name, or a variable such as "#0"' };

/** A function of the graph with its parameters, in call order. */
function call(
  name: string,
  description: string,
  parameters: Record<string, Record<string, string>>,
): ActionDefinition {
  const keys = Object.keys(parameters);
  return {
    tool: { name, description, parameters: { type: "object", properties: parameters, required: keys } },
    toReact: (args) => `Action: ${name}(${keys.map((k) => String(args[k] ?? "")).join(", ")})`,
    fromReact: (reply) => {
      const message = kgMessage(reply);
      if (kgFinalAnswer(message) !== undefined) return undefined;
      const line = kgActionLine(message);
      const first = line === undefined ? undefined : kgCalledNames(line)[0];
      if (line === undefined || first !== name) return undefined;
      const args = kgCallArguments(line, name);
      return args && args.length === keys.length
        ? Object.fromEntries(keys.map((k, i) => [k, args[i]]))
        : undefined;
    },
  };
}

export const kgActions: readonly ActionDefinition[] = [
  call("get_relations", "The relations of an entity or of the entities of a variable.", { variable }),
  call("get_neighbors", "The entities a relation leads to, as a new variable.", {
    variable,
    relation: { type: "string", description: "a relation get_relations listed" },
  }),
  call("intersection", "The entities two variables of the same type share, as a new variable.", {
    variable1: variable,
    variable2: variable,
  }),
  call("union", "The entities of either of two variables of the same type, as a new variable.", {
    variable1: variable,
    variable2: variable,
  }),
  call("get_attributes", "The numeric attributes of a variable's entities.", { variable }),
  call("argmax", "The entity with the largest value of an attribute, as a new variable.", {
    variable,
    attribute: { type: "string", description: "an attribute get_attributes listed" },
  }),
  call("argmin", "The entity with the smallest value of an attribute, as a new variable.", {
    variable,
    attribute: { type: "string", description: "an attribute get_attributes listed" },
  }),
  call("count", "How many entities a variable holds, as a new variable.", { variable }),
  {
    tool: {
      name: "final_answer",
      description: "Commit a variable as the answer.",
      parameters: {
        type: "object",
        properties: { variable: { type: "string", description: 'the answer variable, e.g. "#3"' } },
        required: ["variable"],
      },
    },
    toReact: ({ variable: v }) => `Final Answer: #${String(v).replace(/^#/, "")}`,
    fromReact: (reply) => {
      const final = kgFinalAnswer(kgMessage(reply));
      return final === undefined ? undefined : { variable: `#${final}` };
    },
  },
];
