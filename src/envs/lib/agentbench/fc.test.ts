// --protocol agentbench-fc: AgentBench's function-calling rewrite (THUDM/AgentBench main branch,
// src/server/tasks/*/task.py). The oracle scores 1.0 on every env it covers; the harness's answers to
// replies without calls, to malformed, unknown and parallel calls are the texts its code injects (cited
// per case), driven through an OpenAI-compatible server; texts and tools come from a checkout when given.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Trajectory } from "../../../core/index.js";
import { convertActionFormat, generateTasksFile } from "../../../data/index.js";
import { runEval } from "../../../eval/index.js";
import {
  type MockOpenAIServer,
  startMockOpenAIServer,
} from "../../../models/test-helpers/mock-openai-server.js";
import { checkExport, exportOpenAiFineTuning, readAgentConversations } from "../../../tune/index.js";
import { fcAnswersMatch } from "../../db/fc.js";
import { sandboxAvailable } from "../sandbox/test-sandbox.js";
import { openAgentBenchCheckout } from "./checkout.js";
import { callLimitText, fcCallLimit, fcTexts, jsonDecodeErrorText } from "./fc.js";

const dir = mkdtempSync(join(tmpdir(), "agentbench-fc-"));
const dbFixture = resolve("test/fixtures/dbbench-sample.jsonl");
const results = (out: string) =>
  readFileSync(join(out, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Trajectory);
const tasksOf: Record<string, string> = {};

beforeAll(async () => {
  for (const env of ["alfworld", "webshop", "kg"]) {
    tasksOf[env] = join(dir, `${env}.jsonl`);
    await generateTasksFile({ env, count: 8, seed: 11, out: tasksOf[env] as string });
  }
}, 120_000);

describe("the oracle in agentbench-fc", () => {
  it("scores 1.0 on db, alfworld, webshop and kg, acting only through the protocol's tools", async () => {
    for (const [env, tasks] of [["db", dbFixture], ...Object.entries(tasksOf)] as const) {
      const out = join(dir, `oracle-${env}`);
      const summary = await runEval({
        env,
        tasks,
        model: "oracle",
        out,
        progress: false,
        protocol: "agentbench-fc",
      });
      expect(summary.successRate, env).toBe(1);
      for (const t of results(out)) {
        expect(t.actionFormat, env).toBe("tools");
        expect(t.messages[0]?.role, env).toBe("system");
        const names = new Set(t.tools?.map((tool) => tool.name));
        for (const call of t.messages.flatMap((m) => m.toolCalls ?? []))
          expect(names.has(call.name), env).toBe(true);
      }
    }
    expect(results(join(dir, "oracle-db"))[0]?.tools?.map((t) => t.name)).toEqual([
      "execute_sql",
      "commit_final_answer",
    ]);
    expect(results(join(dir, "oracle-webshop"))[0]?.tools?.map((t) => t.name)).toEqual([
      "search_action",
      "click_action",
    ]);
    // the protocol's tools train natively; they have no ReAct text of the env's own
    const db = results(join(dir, "oracle-db"));
    expect(convertActionFormat(db[0] as Trajectory, "react")).toEqual({
      problem: expect.stringContaining("are not db's actions (a --protocol agentbench-fc run?)"),
    });
    const exported = exportOpenAiFineTuning({
      conversations: await readAgentConversations(join(dir, "oracle-db", "results.jsonl")),
      out: join(dir, "fc-openai"),
      policy: "per-turn",
    });
    expect(exported.examples).toBe(8);
    expect(checkExport(join(dir, "fc-openai"))[0]?.problems).toEqual([]);
  }, 180_000);

  it.skipIf(!sandboxAvailable)(
    "scores 1.0 on os",
    async () => {
      const out = join(dir, "oracle-os");
      const summary = await runEval({
        env: "os",
        tasks: resolve("test/fixtures/os_interaction/sample.json"),
        scripts: resolve("test/fixtures/os_interaction/scripts"),
        model: "oracle",
        out,
        progress: false,
        protocol: "agentbench-fc",
      });
      expect(summary).toMatchObject({ tasks: 7, successRate: 1 });
      expect(results(out)[0]?.messages[1]?.content).toMatch(
        /^Now, I will start a new problem in a new OS\. My problem is:\n\n/,
      );
    },
    120_000,
  );

  it("refuses the envs AgentBench's main branch does not cover, in one line", async () => {
    await expect(
      runEval({
        env: "mind2web",
        tasks: "test/fixtures/mind2web/sample.json",
        model: "oracle",
        out: join(dir, "m2w"),
        progress: false,
        protocol: "agentbench-fc",
      }),
    ).rejects.toThrow(/--protocol agentbench-fc: mind2web is not part of it/);
  });
});

describe("the harness's answers to each kind of reply", () => {
  let server: MockOpenAIServer;
  /** The calls of each reply of the running episode, by reply number. */
  let script: (turn: number) => { content?: string; calls?: { name: string; arguments: string }[] };
  let first = 0;
  beforeAll(async () => {
    server = await startMockOpenAIServer({
      reply: (_r, i) => script(i - first).content ?? "",
      toolCalls: (_r, i) => {
        const calls = script(i - first).calls;
        return calls?.length ? calls : undefined;
      },
    });
  });
  afterAll(() => server.close());
  const call = (name: string, args: unknown) => ({
    name,
    arguments: typeof args === "string" ? args : JSON.stringify(args),
  });
  const run = async (env: string, tasks: string, name: string, extra: Record<string, unknown> = {}) => {
    first = server.requests.length;
    const out = join(dir, name);
    await runEval({
      env,
      tasks,
      limit: 1,
      model: `${server.baseURL}#tiny`,
      out,
      progress: false,
      protocol: "agentbench-fc",
      ...extra,
    });
    return results(out)[0] as Trajectory;
  };
  const turnsAfterOpening = (t: Trajectory) => t.messages.slice(2);

  it("dbbench: every call of a reply in order, until one commits (dbbench/task.py:120-235)", async () => {
    const replies = [
      { content: "Let me look." },
      { calls: [call("execute_sql", "{oops"), call("drop_database", {}), call("execute_sql", {})] },
      {
        calls: [
          call("execute_sql", { query: "SELECT COUNT(*) FROM `Medal Table` WHERE Silver > 5" }),
          call("commit_final_answer", { answers: ["4"] }),
          call("execute_sql", { query: "SELECT 1" }),
        ],
      },
    ];
    script = (turn) => replies[turn] ?? {};
    const t = await run("db", dbFixture, "db-cases");
    // the model got the protocol's tools
    expect(server.requests.at(-1)?.tools?.map((x) => x.function.name)).toEqual([
      "execute_sql",
      "commit_final_answer",
    ]);
    const turns = turnsAfterOpening(t)
      .filter((m) => m.role !== "assistant")
      .map((m) => [m.role, m.content]);
    expect(turns).toEqual([
      ["user", "Internal error: No tool calls found despite finish reason."],
      ["tool", "Error: Failed to parse tool call. Tool call format is incorrect."],
      ["tool", "Invalid function call. Please call a tool instead."],
      ["tool", "Error executing query: list index out of range"],
      ["tool", "[(4,)]"],
    ]);
    // the commit ended the sample: the call after it got no turn
    expect(t).toMatchObject({ reward: 1, success: true, turns: 3 });
    const last = t.messages.map((m) => m.role).lastIndexOf("assistant");
    expect(t.messages[last]?.toolCalls).toHaveLength(3);
    expect(t.messages.slice(last + 1).map((m) => m.content)).toEqual(["[(4,)]"]);
  });

  it("dbbench answers by result_processor.py's compare_results", () => {
    expect(fcAnswersMatch(["4"], ["4"])).toBe(true);
    expect(fcAnswersMatch(["4.001"], [4])).toBe(true); // floats within 1e-2
    expect(fcAnswersMatch(["4.1"], [4])).toBe(false);
    expect(fcAnswersMatch(["b", "a"], ["a", "b"])).toBe(true); // sets
    expect(fcAnswersMatch(["1,234"], ["1234"])).toBe(true); // thousands separators
    expect(fcAnswersMatch(["12%"], ["12"])).toBe(true);
    expect(fcAnswersMatch(["None"], [null])).toBe(true); // special values are "0"
    expect(fcAnswersMatch("['x', 'y']", ["y", "x"])).toBe(true); // a list written as text
    expect(fcAnswersMatch([], ["x"])).toBe(false);
    // both sides become sets: a repeated value matches (Python's set(answer) == set(ground_truth))
    expect(fcAnswersMatch(["x", "x"], ["x"])).toBe(true);
  });

  it("alfworld: no call, a call without a string argument, and three repeats (alfworld/task.py:153-215)", async () => {
    const replies = [
      {},
      { calls: [call("take_action", { action: 3 })] },
      { calls: [call("anything", { action: "look" })] },
      { calls: [call("take_action", { action: "look" })] },
      { calls: [call("take_action", { action: "look" })] },
      { calls: [call("take_action", { action: "look" })] },
    ];
    script = (turn) => replies[turn] ?? {};
    const t = await run("alfworld", tasksOf.alfworld as string, "alf-cases");
    const turns = turnsAfterOpening(t).filter((m) => m.role !== "assistant");
    expect(turns[0]).toEqual({
      role: "user",
      content: "No executable tool calls found. Please call a tool instead",
    });
    expect(turns[1]).toEqual({
      role: "user",
      content: "No valid tool calls found. Please call a tool instead.",
    });
    // any tool name is read as the action; its result lists the actions again
    expect(turns[2]).toMatchObject({ role: "tool" });
    expect(turns[2]?.content).toContain(" AVAILABLE ACTIONS: look\ninventory\n");
    // four actions logged, the last three identical: a failure before any win
    expect(t).toMatchObject({ reward: 0, failure: "invalid_action", turns: 6 });
  });

  it("webshop: the observation turns of task.py:66-118", async () => {
    const replies = [
      {},
      { calls: [call("search_action", "[1]")] },
      { calls: [call("open_door", { x: 1 })] },
      { calls: [call("search_action", { keywords: "eau de parfum" })] },
    ];
    script = (turn) => replies[turn] ?? {};
    const t = await run("webshop", tasksOf.webshop as string, "webshop-cases", { maxTurns: 4 });
    expect(t.messages[1]?.content).toMatch(/^The initial observation:\nWebShop \[SEP\] Instruction: /);
    const turns = turnsAfterOpening(t).filter((m) => m.role !== "assistant");
    expect(turns[0]?.content).toMatch(
      /^Observation:\nNo executable tool calls found! You should call a tool instead\.\n\nAvailable Actions:\n\{'has_search_bar': True, 'clickables': \['search'\]\}$/,
    );
    expect(turns[1]).toEqual({ role: "user", content: "No valid tool call found from agent." });
    // the next round's turn shows the kept observation again, and so does an unknown tool's
    expect(turns[2]?.content).toBe(turns[0]?.content);
    expect(turns[3]?.content).toBe(turns[0]?.content);
    expect(turns[4]).toMatchObject({ role: "tool" });
    expect(turns[4]?.content).toMatch(
      /^Action: search\[eau de parfum\]\n\nObservation:\nInstruction: \[SEP\]/,
    );
    expect(t).toMatchObject({ failure: "round_limit", reward: 0 });
  });

  it("knowledgegraph: every call runs, api.py's errors are tool turns, the answer is text (knowledgegraph/task.py:110-205)", async () => {
    const task = JSON.parse(readFileSync(tasksOf.kg as string, "utf8").split("\n")[0] as string) as {
      entities: Record<string, string>;
      actions: string[];
    };
    const [name] = Object.keys(task.entities);
    const relation = /get_neighbors\([^,]+,\s*([^)]+)\)/.exec(task.actions.join(" "))?.[1] ?? "";
    const replies = [
      { content: "I think so." },
      {
        calls: [
          call("get_relations", { variable: name }),
          call("get_neighbors", { variable: name, relation }),
          call("union", { variable1: "#0", variable2: "#0" }),
          call("lookup", {}),
          call("get_neighbors", { variable: name }),
          call("count", { variable: "#7" }),
          call("count", { variable: name }),
          call("get_relations", { variable: "Nowhere" }),
          call("intersection", "{"),
          call("count", "[1]"),
          call("count", '"#0"'),
          call("count", "7"),
        ],
      },
      { content: "Thought: done.\nFinal Answer: #0" },
    ];
    script = (turn) => replies[turn] ?? {};
    const t = await run("kg", tasksOf.kg as string, "kg-cases");
    expect(t.messages[1]?.content).toBe(
      `${(task as unknown as { question: string }).question}\nEntities: [${name}]`,
    );
    const turns = turnsAfterOpening(t)
      .filter((m) => m.role !== "assistant")
      .map((m) => m.content);
    expect(turns[0]).toBe("No valid function calls found! Need to recheck the function calls.");
    expect(turns[1]).toMatch(/^Observation: \[.*\]$/);
    expect(turns[2]).toMatch(/^Observation: variable #0, which are instances of /);
    expect(turns.slice(3)).toEqual([
      "Arguments do not match the function signature. Error processing arguments for union",
      "Provide an invalid function name. Function lookup does not exist",
      "Arguments do not match the function signature. Error processing arguments for get_neighbors",
      "Error processing tool call: list index out of range",
      "Error processing tool call: 'str' object has no attribute 'program'",
      "Error processing tool call: get_relations: variable must be a variable or an entity",
      `Error processing tool call: ${jsonDecodeErrorText("{")}`,
      // arguments[name] on JSON that is no object: Python 3.10's TypeError texts
      "Error processing tool call: list indices must be integers or slices, not str",
      "Error processing tool call: string indices must be integers",
      "Error processing tool call: 'int' object is not subscriptable",
    ]);
    const toolTurns = t.messages.filter((m) => m.role === "tool");
    expect(toolTurns.map((m) => m.toolCallId)).toEqual(t.messages[4]?.toolCalls?.map((c) => c.id));
    // #0 is one hop from the question's entity: the gold answer when the task has one hop
    expect(t.turns).toBe(3);
    expect(t.info).toHaveProperty("f1");
  });

  it("knowledgegraph: SPARQL written into arguments never reaches the store, and the episode goes on", async () => {
    const task = JSON.parse(readFileSync(tasksOf.kg as string, "utf8").split("\n")[0] as string) as {
      entities: Record<string, string>;
    };
    const [name] = Object.keys(task.entities);
    const injection = "people.person.children> ?x . } INSERT DATA { <a> <b> <c> } #";
    const replies = [
      {
        calls: [
          call("get_relations", { variable: "m.x> ?r ?o } DELETE WHERE { ?s ?p ?o } #" }),
          call("get_neighbors", { variable: name, relation: injection }),
          call("get_relations", { variable: name }),
        ],
      },
      { content: "Final Answer: #0" },
    ];
    script = (turn) => replies[turn] ?? {};
    const t = await run("kg", tasksOf.kg as string, "kg-injection");
    const turns = t.messages.filter((m) => m.role === "tool").map((m) => m.content);
    expect(turns[0]).toBe(
      "Error processing tool call: get_relations: variable must be a variable or an entity",
    );
    expect(turns[1]).toBe(
      "Error processing tool call: get_neighbors: relation must be a relation of the variable",
    );
    // the graph is whole: the question entity still has its relations
    expect(turns[2]).toMatch(/^Observation: \[.+\]$/);
    expect(t.failure).toBe("invalid_action"); // #0 was never made
  });

  it("db: a reply with thousands of calls runs the first 64, answers the rest, and the episode goes on", async () => {
    const many = Array.from({ length: 5000 }, (_, i) => call("execute_sql", { query: `SELECT ${i}` }));
    const replies = [{ calls: many }, { calls: [call("commit_final_answer", { answers: ["4"] })] }];
    script = (turn) => replies[turn] ?? {};
    const t = await run("db", dbFixture, "db-flood");
    const results = t.messages.filter((m) => m.role === "tool").map((m) => m.content);
    expect(results).toHaveLength(5000);
    expect(results[63]).toBe("[(63,)]");
    expect(results.slice(fcCallLimit).every((r) => r === callLimitText)).toBe(true);
    expect(t).toMatchObject({ reward: 1, turns: 2 });
  }, 60_000);

  it.skipIf(!sandboxAvailable)(
    "os_interaction: the first call only; bad JSON is a tool turn; finish_action commits its thought (os_interaction/task.py:535-640)",
    async () => {
      const replies = [
        {},
        { calls: [call("bash_action", "{nope"), call("bash_action", { script: "echo never" })] },
        { calls: [call("rm_rf", { script: "x" })] },
        { calls: [call("bash_action", { script: "echo hi" })] },
        { calls: [call("finish_action", { thought: "3" })] },
      ];
      script = (turn) => replies[turn] ?? {};
      const t = await run("os", resolve("test/fixtures/os_interaction/sample.json"), "os-cases", {
        scripts: resolve("test/fixtures/os_interaction/scripts"),
      });
      const turns = turnsAfterOpening(t).filter((m) => m.role !== "assistant");
      expect(turns.map((m) => [m.role, m.content])).toEqual([
        ["user", "No executable tool calls found. Please call a tool instead"],
        ["tool", jsonDecodeErrorText("{nope")],
        ["tool", "Invalid function call. Please call a tool instead"],
        ["tool", "The output of the OS:\n\nhi\r\n"],
      ]);
      // the task's checks compare with the count of its files (3): the thought is the answer
      expect(t).toMatchObject({ reward: 1, turns: 5 });
    },
    120_000,
  );
});

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

/** A checkout in AgentBench main's layout, its texts written for this test. */
function fakeMainCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), "agentbench-main-"));
  const tasks = join(root, "src", "server", "tasks");
  write(
    join(root, "configs", "tasks", "dbbench.yaml"),
    `default:
  parameters:
    max_round: 4
    tools:
      - type: "function"
        function:
          name: "execute_sql"
          description: "Run SQL (test)."
          parameters: {type: object, properties: {query: {type: string}}, required: [query]}
      - type: "function"
        function:
          name: "commit_final_answer"
          description: "Commit (test)."
          parameters: {type: object, properties: {answers: {type: array, items: {type: string}}}, required: [answers]}
`,
  );
  write(
    join(tasks, "dbbench", "task.py"),
    'import json\n\nSYSTEM_PROMPT = """DB FC PROMPT for this test."""\n\n\nclass DBBenchTask:\n    pass\n',
  );
  write(
    join(tasks, "knowledgegraph", "const.py"),
    `INSTRUCTIONS = """KG FC for this test, {max_round} rounds."""

TOOLS = [
    {"type": "function", "function": {"name": "count", "description": "Count (test).", "parameters": {"type": "object", "properties": {"variable": {"type": "string"}}, "required": ["variable"], "additionalProperties": False}}}
]

ONE_SHOT = [
    {"role": "user", "content": "Question: q? \\nEntities: [E]"},
    {"role": "assistant", "content": "Thought: t.", 'tool_calls': [{'function': {'arguments': '{"variable":"E"}', 'name': 'count'}, 'id': 'call_1', 'type': 'function'}]},
    {'role': 'tool', 'tool_call_id': 'call_1', 'content': 'Observation: variable #0, which is a number'},
    {"role": "assistant", "content": "Thought: Final Answer: #0"}
]
`,
  );
  return root;
}

describe("texts and tools from a checkout of AgentBench's main branch", () => {
  it("reads the system prompt, tools and rounds; KG's instructions and one-shot from const.py", () => {
    const checkout = openAgentBenchCheckout(fakeMainCheckout(), "agentbench-fc");
    const db = fcTexts("dbbench", checkout);
    expect(db).toMatchObject({ system: "DB FC PROMPT for this test.", rounds: 4, fromCheckout: true });
    expect(db.tools.map((t) => [t.name, t.description])).toEqual([
      ["execute_sql", "Run SQL (test)."],
      ["commit_final_answer", "Commit (test)."],
    ]);
    const kg = fcTexts("knowledgegraph", checkout);
    expect(kg.system).toBe("KG FC for this test, {max_round} rounds.");
    expect(kg.tools.map((t) => t.name)).toEqual(["count"]);
    expect(kg.oneShot?.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(kg.oneShot?.[1]?.toolCalls).toEqual([
      { id: "call_1", name: "count", arguments: '{"variable":"E"}' },
    ]);
    expect(kg.oneShot?.[2]).toMatchObject({ toolCallId: "call_1" });
  });

  it("a db run speaks the checkout's words; v0.2 and main refuse each other's checkouts", async () => {
    const root = fakeMainCheckout();
    const out = join(dir, "db-checkout");
    await runEval({
      env: "db",
      tasks: dbFixture,
      limit: 2,
      model: "oracle",
      out,
      progress: false,
      protocol: "agentbench-fc",
      agentbench: root,
    });
    const [t] = results(out);
    expect(t?.messages[0]).toEqual({ role: "system", content: "DB FC PROMPT for this test." });
    expect(t?.tools?.[0]?.description).toBe("Run SQL (test).");
    expect(() => openAgentBenchCheckout(root, "agentbench-v0.2")).toThrow(/this is AgentBench's main branch/);
    const v02 = mkdtempSync(join(tmpdir(), "agentbench-v02-"));
    write(join(v02, "src", "server", "tasks", "dbbench", "__init__.py"), "");
    expect(() => openAgentBenchCheckout(v02, "agentbench-fc")).toThrow(/not THUDM\/AgentBench's main branch/);
  });
});
