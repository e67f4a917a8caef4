// The knowledgegraph protocol (AgentBench): tool instructions, the acknowledgement, a one-shot as
// alternating turns, then "A new question: …\nEntities: […]". Observation strings are the benchmark's.
import type { Message } from "../../core/index.js";
import type { KgTask } from "./tasks.js";
import type { KgVocabulary } from "./tools.js";

export const kgInstruction = `You are an agent that answers questions from the knowledge stored in a knowledge base. You query the KB with these tools:

1. get_relations(variable: var) -> list of relations
The variable is an entity or a set of entities (the result of an earlier query). It lists the relations (edges) leaving the variable, so you can pick the one that leads to the answer.
Example: 'get_relations(Barack Obama)' lists the relations starting from the entity Barack Obama.
Its argument is always an entity or a variable (such as #0), nothing else.

2. get_neighbors(variable: var, relation: str) -> variable
Returns every entity connected to the variable by the relation. Use it only with a relation that get_relations() returned for that variable.
Example: 'get_neighbors(Barack Obama, people.person.profession)' gives Obama's professions.

3. intersection(variable1: var, variable2: var) -> variable
The entities in both variables. The two variables MUST be of the same type!

4. get_attributes(variable: var) -> list of attributes
Lists the numerical attributes of the variable. Use it only when the question asks for a superlative (argmax or argmin).

5. argmax(variable: var, attribute: str) -> variable
The entity of the variable with the largest value of the attribute. Use it only with an attribute that get_attributes() returned.
Example: 'argmax(variable, age)' gives the oldest entity of the variable.

6. argmin(variable: var, attribute: str) -> variable
The entity of the variable with the smallest value of the attribute. Use it only with an attribute that get_attributes() returned.
Example: 'argmin(variable, age)' gives the youngest entity of the variable.

7. count(variable: var) -> int
The number of entities in the variable.

Every variable you produce gets an id starting from 0: #0 is the first variable, #1 the second, and so on. Decide after each one whether it is the answer.
When you have the answer, reply 'Final Answer: #id' with the id of the answer variable; for example, if #3 is the answer, you MUST reply 'Final Answer: #3'.

Take ONE action at a time! After you see its observation, take the next one. You can take at most 15 actions to find the answer.
`;

export const kgAcknowledgement = "I've understood your instruction, start please.";

/** The one-shot (over this project's generated graph): people born in a city who are engineers. */
export const kgOneShot: string[] = [
  "Question: which engineers were born in Velor? \nEntities: [Velor, Engineer]",
  "Thought: I first find the people born in Velor, so I look at the relations of the entity Velor.\nAction: get_relations(Velor)",
  "Observation: [location.city.companies_headquartered_here, location.city.country, location.city.people_born_here, location.city.universities]",
  "Thought: location.city.people_born_here leads to the people born in Velor.\nAction: get_neighbors(Velor, location.city.people_born_here)",
  "Observation: variable #0, which are instances of people.person",
  "Thought: Next I need the engineers, starting from the entity Engineer.\nAction: get_relations(Engineer)",
  "Observation: [people.profession.people_with_this_profession]",
  "Thought: people.profession.people_with_this_profession gives everyone with that profession.\nAction: get_neighbors(Engineer, people.profession.people_with_this_profession)",
  "Observation: variable #1, which are instances of people.person",
  "Thought: The engineers born in Velor are the intersection of #0 and #1.\nAction: intersection(#0, #1)",
  "Observation: variable #2, which are instances of people.person",
  "Thought: #2 is the set of engineers born in Velor, the answer.\nFinal Answer: #2",
];

/** The instruction and one-shot turns: agenttune's, or AgentBench's INSTRUCTIONS and ONE_SHOT. */
export interface KgTexts {
  instructions: string;
  oneShot: readonly string[];
  /** ontology/vocab.json of the checkout, when it has one. */
  vocab?: KgVocabulary;
}

export function kgMessages(
  task: KgTask,
  texts: KgTexts = { instructions: kgInstruction, oneShot: kgOneShot },
): Message[] {
  return [
    { role: "user", content: texts.instructions },
    { role: "assistant", content: kgAcknowledgement, loss: false },
    ...texts.oneShot.map(
      (text, i): Message =>
        i % 2 === 0 ? { role: "user", content: text } : { role: "assistant", content: text, loss: false },
    ),
    {
      role: "user",
      content: `A new question: ${task.question}\nEntities: [${Object.keys(task.entities).join(", ")}]`,
    },
  ];
}
