// The os_interaction protocol (AgentBench): instructions, a one-shot about counting files in /etc, then
// "Now, I will start a new problem in a new OS. My problem is:" with the task. Observation strings are
// the benchmark's own; models tuned on AgentInstruct saw exactly these.
import type { Message } from "../../core/index.js";
import type { OsTask } from "./tasks.js";

export const osInstruction = `You are an assistant acting as a person, and I play the role of a Linux (Ubuntu) operating system. Your goal is to carry out the operations I ask for or to answer my question. In each turn, first think about what to do, then take exactly one of three actions: "bash", "finish" or "answer".

1. To run bash code, take the bash action and write:

Think: put your thought here.

Act: bash

\`\`\`bash
# put your bash code here
\`\`\`

2. When you have finished the task, take the finish action and write:

Think: put your thought here.

Act: finish

3. When you have the answer to the question, take the answer action and write:

Think: put your thought here.

Act: answer(Your answer to the question goes in these parentheses)

Long outputs are truncated, and a truncated output is incomplete: handle that yourself. Your bash code must not read any input. Once more: take exactly one of the three actions in each turn.

`;

/** The one-shot example: count the files in /etc (a truncated listing, then a count). */
export const osOneShot: Message[] = [
  {
    role: "assistant",
    content: "Think: To count the files in /etc, I list them first.\n\nAct: bash\n\n```bash\nls /etc\n```",
  },
  {
    role: "user",
    content:
      "The output of the OS:\nadduser.conf alternatives apt bash.bashrc cron.daily debian_version default environment fstab group hostname [truncated because the output is too long]",
  },
  {
    role: "assistant",
    content:
      "Think: The listing was truncated, so I let a script count the files instead.\n\nAct: bash\n\n```bash\nls -1 /etc | wc -l\n```",
  },
  { role: "user", content: "The output of the OS:\n220" },
  { role: "assistant", content: "Think: The count is 220.\n\nAct: answer(220)" },
];

/** AgentBench's instruction and ONE_SHOT messages (roles "user"/"agent"), read from a checkout. */
export interface OsTexts {
  instruction: string;
  oneShot: readonly { role: string; content: string }[];
}

export function osMessages(task: OsTask, texts?: OsTexts): Message[] {
  // AgentBench appends the one-shot question to the instruction, then injects the rest
  const question = texts?.oneShot[0]?.content ?? 'tell me how many files are in the directory "/etc"?';
  const rest: Message[] = texts
    ? texts.oneShot
        .slice(1)
        .map((m) => ({ role: m.role === "agent" ? "assistant" : "user", content: m.content }))
    : osOneShot;
  return [
    { role: "user", content: `${texts?.instruction ?? osInstruction}Now, my problem is:\n\n${question}` },
    ...rest.map((m) => ({ ...m, loss: false })),
    {
      role: "user",
      content: `Now, I will start a new problem in a new OS. My problem is:\n\n${task.description}`,
    },
  ];
}

/** AgentBench: longer than 800 characters → the first 780 and a note; empty → its own sentence. */
export function osObservation(output: string): string {
  // Python's len and slices count code points, not UTF-16 units
  const points = [...output];
  const text =
    points.length > 800
      ? `${points.slice(0, 780).join("")}\n[truncated because the output is too long]`
      : output;
  return text ? `The output of the OS:\n\n${text}` : "The output of the OS is empty.";
}
