// The dbbench conversation protocol (AgentBench): instruction turn, the agent's "Ok.", then the task.
import type { Message } from "../../core/index.js";
import type { DbTask } from "./tasks.js";

export const dbInstruction = `You will be asked a question about a MySQL database table, and you answer it by working with the table through SQL.
Explain the problem and your plan in your own words, and write down your reasoning before each step.
In every round, after your reasoning, you either run one SQL statement or give your answer.
To run SQL, write:
Action: Operation
\`\`\`sql
SELECT * FROM table WHERE condition;
\`\`\`
The SQL goes in one markdown sql block with nothing else inside it, and it should fit on one line.
Only one statement runs per round: the one in the first sql block of your reply. I will run it and send you the output.
When you are finished and ready to commit your answer, write:
Action: Answer
Final Answer: ["ANSWER1", "ANSWER2", ...]
Only write this when you are sure; the answer must match the correct answer exactly.
If the question asks you to change the database, commit with any answer once your statements have run.
A reply that follows neither pattern counts as a failure straight away.
What you get back is the raw MySQL output, which you have to read and interpret yourself.`;

export const dbAcknowledgement = "Ok.";

export function dbMessages(task: DbTask, instruction = dbInstruction): Message[] {
  return [
    { role: "user", content: instruction },
    { role: "assistant", content: dbAcknowledgement, loss: false },
    { role: "user", content: `${task.description}\n${task.add_description}` },
  ];
}

/** AgentBench shows at most 800 characters of a result, then "[TRUNCATED]". */
export const observationLimit = 800;

export function truncateObservation(text: string): string {
  return text.length > observationLimit ? `${text.slice(0, observationLimit)}[TRUNCATED]` : text;
}
