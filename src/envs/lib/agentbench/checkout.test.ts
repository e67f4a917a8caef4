// The held-in envs with AgentBench's own prompts, read from a checkout. The fake checkouts here are
// Python written for this test in AgentBench's layout and code shapes; the ALFWorld prompt file is
// AgentBench's own, from $AGENTTUNE_BENCHMARKS, where present. Expected transcripts follow
// AgentBench.old's code (cited per test), not agenttune's.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../../test/helpers/backends.js";
import { runEpisode } from "../../../agent/index.js";
import type { ChatModel } from "../../../models/index.js";
import { generateGame, planGame } from "../../alfworld/games.js";
import { alfworldSpec } from "../../alfworld/spec.js";
import { dbSpec } from "../../db/spec.js";
import { kgSpec } from "../../kg/spec.js";
import { type Goal, sampleGoals } from "../../webshop/catalog.js";
import { getDefaultShop, webshopSpec } from "../../webshop/spec.js";
import { openAgentBenchCheckout } from "./checkout.js";

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

const fakeInstruction = "\nDB INSTRUCTION written for this test.\nAction: Operation\n";
const fakeAlfInstruction = "ALF INSTRUCTION for this test.\n Reminder: \n1. only listed actions. \n\n";
const fakeKgInstructions = "\nKG INSTRUCTIONS for this test.\n";
const fakeExamples = {
  put: [
    "You are in the middle of a room. Looking quickly around you, you see a desk 1.\nYour task is to: put a pen on desk.\n",
    "THOUGHT: find the pen.\n ACTION: go to desk 1\n",
    "On the desk 1, you see a pen 1.\n",
    "ACTION: take pen 1 from desk 1\n",
  ],
};

type Layout = "old" | "v0.2";
const protocolOf = { old: "agentbench-old", "v0.2": "agentbench-v0.2" } as const;
/** Where each layout keeps its task sources. */
const tasksDir = (root: string, layout: Layout) =>
  layout === "old" ? join(root, "AgentBench.old", "src", "tasks") : join(root, "src", "server", "tasks");

/** An AgentBench.old folder inside an AgentTuning-like checkout. */
function fakeOldCheckout(withPromptFile?: string): string {
  return fakeCheckout("old", withPromptFile);
}

/**
 * A checkout of either layout: AgentBench.old inside an AgentTuning-like checkout, or AgentBench
 * v0.2 (same sources where the conversation is the same; ALFWorld's prompt file as each names it).
 */
function fakeCheckout(layout: Layout, withPromptFile?: string): string {
  const root = mkdtempSync(join(tmpdir(), layout === "old" ? "agenttuning-" : "agentbench-"));
  const tasks = tasksDir(root, layout);
  write(
    join(tasks, "dbbench", "__init__.py"),
    `import json\n\nbig_prompt = """${fakeInstruction}"""\n\n\ndef build_sql(entry, conn):\n    pass\n`,
  );
  write(
    join(tasks, "alfworld", "task.py"),
    `class ALFWorld:\n    def get_task_instruction(self):\n        # return "an old text"\n        return ${JSON.stringify(fakeAlfInstruction)}\n\n    def get_prompt(self, filename: str):\n        pass\n`,
  );
  const promptFile =
    layout === "old" ? "alfworld_multiturn_react.json" : "alfworld_multiturn_plan_first.json";
  const prompts = join(tasks, "alfworld", "prompts", promptFile);
  if (withPromptFile) {
    mkdirSync(dirname(prompts), { recursive: true });
    copyFileSync(withPromptFile, prompts);
  } else write(prompts, JSON.stringify(fakeExamples));
  write(
    join(tasks, "knowledgegraph", "ontology", "vocab.json"),
    JSON.stringify({ relations: ["location.city.country", "people.person.place_of_birth"], attributes: [] }),
  );
  write(
    join(tasks, "knowledgegraph", "task.py"),
    `INSTRUCTIONS = """${fakeKgInstructions}"""\n\nONE_SHOT=["""Question: which? \\nEntities: [A]""", 'Thought: look.\\nAction: get_relations(A)',\n"Observation: [r]", "Final Answer: #0"]\n`,
  );
  return root;
}

const scripted = (...replies: string[]): ChatModel => {
  let i = 0;
  return { id: "s", complete: async () => ({ text: replies[i++] ?? "" }) };
};

describe("AgentBench checkouts", () => {
  it("finds each layout and refuses the other protocol's with a clear message", () => {
    const old = fakeOldCheckout();
    expect(openAgentBenchCheckout(old, "agentbench-old").dir).toBe(join(old, "AgentBench.old"));
    expect(
      openAgentBenchCheckout(join(old, "AgentBench.old"), "agentbench-old").taskFile(
        "dbbench",
        "__init__.py",
      ),
    ).toBe(join(old, "AgentBench.old", "src", "tasks", "dbbench", "__init__.py"));
    expect(() => openAgentBenchCheckout(old, "agentbench-v0.2")).toThrow(
      /this is AgentBench\.old \(src\/tasks\); pass --protocol agentbench-old/,
    );
    const v02 = mkdtempSync(join(tmpdir(), "agentbench-"));
    mkdirSync(join(v02, "src", "server", "tasks"), { recursive: true });
    expect(() => openAgentBenchCheckout(v02, "agentbench-old")).toThrow(/this is AgentBench v0\.2/);
    expect(() => openAgentBenchCheckout(join(v02, "nope"), "agentbench-old")).toThrow(/no such folder/);
  });

  it.each(["old", "v0.2"] as const)(
    "db (%s): big_prompt, Ok., the question, then raw results (AgentBench.old dbbench/__init__.py:68-96, v0.2 dbbench/__init__.py:87-114)",
    async (layout) => {
      const backend = await dbSpec.open({ agentbench: fakeCheckout(layout), protocol: protocolOf[layout] });
      expect(backend.prompts).toBeDefined();
      const task = dbSpec.taskSchema.parse({
        description: "How many rows?",
        add_description: "The table is t.",
        type: ["counting"],
        label: ["2"],
        table: { table_name: "t", table_info: { columns: [{ name: "a" }], rows: [["1"], ["2"]] } },
      });
      try {
        const result = await runEpisode({
          spec: dbSpec,
          backend,
          task,
          model: scripted(
            "Action: Operation\n```sql\nSELECT COUNT(*) FROM t\n```",
            'Action: Answer\nFinal Answer: ["2"]',
          ),
        });
        expect(result.messages.map((m) => [m.role, m.content])).toEqual([
          ["user", fakeInstruction],
          ["assistant", "Ok."],
          ["user", "How many rows?\nThe table is t."],
          ["assistant", "Action: Operation\n```sql\nSELECT COUNT(*) FROM t\n```"],
          ["user", "[(2,)]"],
          ["assistant", 'Action: Answer\nFinal Answer: ["2"]'],
        ]);
        expect(result.success).toBe(true);
      } finally {
        await backend.close();
      }
    },
  );

  it.each(["old", "v0.2"] as const)(
    "kg (%s): INSTRUCTIONS, the acknowledgement, ONE_SHOT turns, the question (knowledgegraph/task.py:200-209, v0.2 task.py:169-180)",
    async (layout) => {
      const backend = await kgSpec.open({ agentbench: fakeCheckout(layout), protocol: protocolOf[layout] });
      try {
        const env = await backend.create({
          qid: "q",
          question: "what is it?",
          entities: { Thing: "m.x" },
          actions: [],
          answer: [],
        });
        const { messages } = await env.reset();
        // relations are those of the checkout's ontology/vocab.json only (api.py: set(out) & set(vocab))
        const listed = await env.step("Action: get_relations(m.city79)");
        expect(listed.observation).toBe("Observation: [location.city.country]");
        expect(messages.map((m) => [m.role, m.content])).toEqual([
          ["user", fakeKgInstructions],
          ["assistant", "I've understood your instruction, start please."],
          ["user", "Question: which? \nEntities: [A]"],
          ["assistant", "Thought: look.\nAction: get_relations(A)"],
          ["user", "Observation: [r]"],
          ["assistant", "Final Answer: #0"],
          ["user", "A new question: what is it?\nEntities: [Thing]"],
        ]);
        await env.close();
      } finally {
        await backend.close();
      }
    },
  );

  it.each(["old", "v0.2"] as const)(
    "webshop (%s): prompt, then the injected Ok. and one-shot turns, then the first round (webshop/__init__.py:43-63)",
    async (layout) => {
      const root = fakeCheckout(layout);
      write(
        join(tasksDir(root, layout), "webshop", "__init__.py"),
        `prompt: str = """\nSHOP INSTRUCTION for this test.\n"""\n\n\ndef predict(receiver):\n    while True:\n        session.inject({"role": "user", "content": prompt})\n        session.inject({"role": "agent", "content": "Ok."})\n        session.inject({'role': 'user', 'content': 'Observation:\\n"WebShop [SEP] Instruction: [SEP] buy a mug [SEP] Search"'})\n        session.inject({'role': 'agent', 'content': 'Thought:\\nsearch.\\n\\nAction:\\nsearch[mug]'})\n        for j in range(10):\n            session.inject({"role": "user", "content": f"Observation:\\n{observation}"})\n`,
      );
      const backend = await webshopSpec.open({ agentbench: root, protocol: protocolOf[layout] });
      const [goal] = sampleGoals(getDefaultShop().products, 1, 3);
      const env = await backend.create(goal as Goal);
      const { messages } = await env.reset();
      expect(messages.slice(0, 4).map((m) => [m.role, m.content])).toEqual([
        ["user", "\nSHOP INSTRUCTION for this test.\n"],
        ["assistant", "Ok."],
        ["user", 'Observation:\n"WebShop [SEP] Instruction: [SEP] buy a mug [SEP] Search"'],
        ["assistant", "Thought:\nsearch.\n\nAction:\nsearch[mug]"],
      ]);
      expect(messages).toHaveLength(5);
      expect(messages[4]?.content).toMatch(
        /^Observation:\nWebShop \[SEP\] Instruction: \[SEP\] .*\n\nAvailable Actions:\n\{'has_search_bar': True, 'clickables': \['search'\]\}$/s,
      );
      await env.close();
    },
  );

  it("alfworld (v0.2): instruction, OK., the plan-first example, the task with AVAILABLE ACTIONS, cut once answered (v0.2 alfworld/task.py:160-201)", async () => {
    const backend = await alfworldSpec.open({
      agentbench: fakeCheckout("v0.2"),
      protocol: "agentbench-v0.2",
    });
    const game = generateGame("pick_and_place", 7);
    const [first, second] = planGame(game);
    const result = await runEpisode({
      spec: alfworldSpec,
      backend,
      task: game,
      model: scripted(`THOUGHT: go.\n ACTION: ${first}`, `ACTION: ${second}`),
      maxTurns: 2,
    });
    const messages = result.messages.map((m): [string, string] => [m.role, m.content]);
    const put = fakeExamples.put;
    expect(messages.slice(0, 6)).toEqual([
      ["user", fakeAlfInstruction],
      ["assistant", "OK. I'll follow your instructions and try my best to solve the task."],
      ["user", `Here is one example.\n${put[0]}`],
      ["assistant", put[1]],
      ["user", put[2]],
      ["assistant", put[3]],
    ]);
    // the task's observation keeps what precedes "AVAILABLE ACTIONS" once answered: the text and the
    // space before the suffix (task.py:195-196 splits on the words)
    expect(messages[6]?.[1]).toMatch(
      /^Here is your task\. You are in the middle of a room\.[^\n]*\nYour task is to: [^\n]+ $/,
    );
    expect(messages[6]?.[1]).not.toContain("AVAILABLE ACTIONS");
    expect(messages[7]).toEqual(["assistant", `THOUGHT: go.\n ACTION: ${first}`]);
    // every answered observation is cut the same way; the newest still carries its list:
    // " AVAILABLE ACTIONS: " + one per line + "\n"
    expect(messages[8]?.[1]).toMatch(/ $/);
    expect(messages[8]?.[1]).not.toContain("AVAILABLE ACTIONS");
    expect(messages[9]).toEqual(["assistant", `ACTION: ${second}`]);
    expect(messages[10]?.[1]).toMatch(/^[^\n]+ AVAILABLE ACTIONS: ([^\n]+\n)+$/);
    expect(messages).toHaveLength(11);
  });

  const benchmarks = benchmarksDir();
  it.skipIf(!benchmarks)(
    "alfworld: the instruction, OK., 'Here is one example.' + the prompt file's turns, then the task (alfworld/task.py:165-182)",
    async () => {
      const promptFile = join(
        benchmarks ?? "",
        "agentbench",
        "alfworld",
        "prompts",
        "alfworld_multiturn_react.json",
      );
      const examples = JSON.parse((await import("node:fs")).readFileSync(promptFile, "utf8")) as Record<
        string,
        string[]
      >;
      const backend = await alfworldSpec.open({ agentbench: fakeOldCheckout(promptFile) });
      const game = generateGame("pick_clean_then_place", 7);
      const [first] = planGame(game);
      const result = await runEpisode({
        spec: alfworldSpec,
        backend,
        task: game,
        model: scripted(`ACTION: ${first}`),
      });
      const clean = examples.clean as string[];
      const expected: [string, string][] = [
        ["user", fakeAlfInstruction],
        ["assistant", "OK. I'll follow your instructions and try my best to solve the task."],
        ...clean.map((turn, i): [string, string] => [
          i % 2 === 0 ? "user" : "assistant",
          i === 0 ? `Here is one example.\n${turn}` : turn,
        ]),
      ];
      const messages = result.messages.map((m): [string, string] => [m.role, m.content]);
      expect(messages.slice(0, expected.length)).toEqual(expected);
      expect(messages[expected.length]?.[1]).toMatch(
        /^Here is your task\. You are in the middle of a room\./,
      );
    },
  );
});
