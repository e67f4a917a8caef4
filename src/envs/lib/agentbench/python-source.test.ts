import { describe, expect, it } from "vitest";
import {
  functionReturn,
  injectedMessages,
  messageListConstant,
  readStringExpression,
  readStringLiteral,
  stringConstant,
  stringListConstant,
} from "./python-source.js";

// Python written for these tests in the shapes AgentBench's task sources use (not AgentBench's text)
const source = String.raw`import re

big_prompt = """
Line one.
Say "hi" and it\'s done.\tTabbed.
"""

typed: str = 'single \x41\u00e9\101 \q'
raw = r'C:\new\table'
joined = ("first "
    "second " 'third')
continued = "a" \
    "b"
alone = "x"
"not joined: a statement of its own"

ONE_SHOT = ["""Question: q? \nEntities: [a]""", "Thought: t.\nAction: get_relations(a)",
    "Observation: [r]"]

MESSAGES = [
    {"role": "user", "content": 'how many "files"?'},
    {
        "role": "agent",
        "content": """Think: count.

Act: answer(3)""",
    },
    {"role": "user", "content": "part one "
               "part two"},
]

class Task:
    @staticmethod
    def get_task_instruction():
        # return "the old text"
        return "Do the task.\n Reminder: \n1. one. \n\n"

    async def _judge(
        self, session, config
    ) -> bool:
        session.inject({"role": "user", "content": big_prompt})
        session.inject({"role": "agent", "content": "Ok."})
        session.inject(
            {
                "role": "user",
                "content": """Instructions at column zero:

1. first
""",
            }
        )
        session.inject({"role": "user", "content": "Here is your task. " + config.description})
        session.inject({'role': 'agent', 'content': 'Thought:\nI\'ll buy it.\n\nAction:\nclick[Buy Now]'})

    def after(self):
        session.inject({"role": "user", "content": "not in _judge"})
`;

describe("Python string extraction", () => {
  it("decodes literals: quotes, prefixes, escapes, raw strings", () => {
    expect(readStringLiteral(`'it\\'s'`, 0)).toEqual({ value: "it's", end: 7, formatted: false });
    expect(readStringLiteral(`f"x {y}"`, 0)).toMatchObject({ value: "x {y}", formatted: true });
    expect(stringConstant(source, "typed")).toBe("single AéA \\q");
    expect(stringConstant(source, "raw")).toBe("C:\\new\\table");
    expect(stringConstant(source, "big_prompt")).toBe('\nLine one.\nSay "hi" and it\'s done.\tTabbed.\n');
    expect(readStringLiteral(`"unterminated\n"`, 0)).toBeUndefined();
    expect(readStringLiteral(String.raw`"bad \x4"`, 0)).toBeUndefined(); // Python refuses a truncated \x
  });

  it("joins adjacent literals in parentheses, across a backslash, not across statements", () => {
    expect(stringConstant(source, "joined")).toBe("first second third");
    expect(stringConstant(source, "continued")).toBe("ab");
    expect(stringConstant(source, "alone")).toBe("x");
    expect(readStringExpression('  ("a"\n  "b")', 0)).toEqual({ value: "ab", end: 13, formatted: false });
    expect(stringConstant(source, "missing")).toBeUndefined();
  });

  it("reads lists of strings and of message dicts", () => {
    expect(stringListConstant(source, "ONE_SHOT")).toEqual([
      "Question: q? \nEntities: [a]",
      "Thought: t.\nAction: get_relations(a)",
      "Observation: [r]",
    ]);
    expect(messageListConstant(source, "MESSAGES")).toEqual([
      { role: "user", content: 'how many "files"?' },
      { role: "agent", content: "Think: count.\n\nAct: answer(3)" },
      { role: "user", content: "part one part two" },
    ]);
  });

  it("reads a function's returned text (not a commented-out one) and its injected literal messages", () => {
    expect(functionReturn(source, "get_task_instruction")).toBe("Do the task.\n Reminder: \n1. one. \n\n");
    // a multi-line signature, a prompt at column zero, content built from variables skipped
    expect(injectedMessages(source, "_judge")).toEqual([
      { role: "agent", content: "Ok." },
      { role: "user", content: "Instructions at column zero:\n\n1. first\n" },
      { role: "agent", content: "Thought:\nI'll buy it.\n\nAction:\nclick[Buy Now]" },
    ]);
    expect(injectedMessages(source, "nowhere")).toBeUndefined();
  });
});
