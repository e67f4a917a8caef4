// --action-format tools: the env's actions as tools over OpenAI-style function calling. Each action's
// ReAct text is read back by the env's own parser; the oracle scores 1.0 in tools mode; a model's
// parallel calls, replies without a call, unknown tools and malformed arguments each end defined.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Trajectory } from "../core/index.js";
import {
  convertActionFormat,
  generateTasksFile,
  messagesToOpenAiChat,
  openAiChatRecordSchema,
} from "../data/index.js";
import { alfworldActions } from "../envs/alfworld/actions.js";
import { dbActions } from "../envs/db/actions.js";
import { getEnvSpec, toolsModeNote } from "../envs/index.js";
import { kgActions } from "../envs/kg/actions.js";
import { sandboxAvailable } from "../envs/lib/sandbox/test-sandbox.js";
import { osActions } from "../envs/os/actions.js";
import { sciworldActions } from "../envs/sciworld/actions.js";
import { webarenaActions } from "../envs/webarena/tools.js";
import { webshopActions } from "../envs/webshop/actions.js";
import { runEval } from "../eval/index.js";
import { type MockOpenAIServer, startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { alternationProblem } from "../tune/export/check.js";
import { notExecutedText } from "./episode.js";

const dbFixture = resolve("test/fixtures/dbbench-sample.jsonl");
const dir = mkdtempSync(join(tmpdir(), "tools-"));
const results = (out: string) =>
  readFileSync(join(out, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Trajectory);

describe("actions as tools", () => {
  it("writes each action as ReAct text that the env's own parser reads back", () => {
    const cases: [(typeof dbActions)[number], Record<string, unknown>][] = [
      [alfworldActions[0] as (typeof dbActions)[number], { action: "take mug 1 from desk 2" }],
      [webshopActions[0] as (typeof dbActions)[number], { keywords: "red shoes under 50 dollars" }],
      [webshopActions[1] as (typeof dbActions)[number], { item: "Buy Now" }],
      [kgActions[1] as (typeof dbActions)[number], { variable: "#0", relation: "people.person.children" }],
      [kgActions[5] as (typeof dbActions)[number], { variable: "#2", attribute: "location.location.area" }],
      [kgActions[8] as (typeof dbActions)[number], { variable: "#3" }],
      [dbActions[0] as (typeof dbActions)[number], { sql: "SELECT `Name` FROM `t` WHERE a = 'x'" }],
      [dbActions[1] as (typeof dbActions)[number], { answers: ["Canada", 12, "it's"] }],
      [osActions[0] as (typeof osActions)[number], { script: "ls /etc | wc -l\necho done" }],
      [osActions[1] as (typeof osActions)[number], { answer: "220" }],
      [osActions[2] as (typeof osActions)[number], {}],
      [sciworldActions[0] as (typeof osActions)[number], { action: "open door to kitchen" }],
      [sciworldActions[1] as (typeof osActions)[number], { thought: "the stove heats things" }],
      ...webarenaActions.map((a): [(typeof osActions)[number], Record<string, unknown>] => [
        a,
        {
          click: { element_id: "42" },
          hover: { element_id: "7" },
          type: { element_id: "7", text: "red shoes", press_enter: false },
          press: { keys: "Control+v" },
          scroll: { direction: "down" },
          tab_focus: { page_number: 1 },
          goto: { url: "http://shop.test/a?b=1" },
          stop: { answer: "Shipped" },
        }[a.tool.name] ?? {},
      ]),
    ];
    for (const [action, args] of cases) {
      expect(action.fromReact(action.toReact(args)), action.tool.name).toEqual(args);
      // and no other action of the env claims it
      const all =
        [
          dbActions,
          osActions,
          alfworldActions,
          webshopActions,
          kgActions,
          sciworldActions,
          webarenaActions,
        ].find((list) => list.includes(action)) ?? [];
      expect(all.filter((a) => a.fromReact(action.toReact(args)) !== undefined)).toEqual([action]);
    }
  });

  it("the oracle scores 1.0 in tools mode, each call that did not end the episode answered by a tool turn with its id", async () => {
    const out = join(dir, "db-oracle");
    const summary = await runEval({
      env: "db",
      tasks: dbFixture,
      model: "oracle",
      out,
      progress: false,
      actionFormat: "tools",
    });
    expect(summary).toMatchObject({ tasks: 8, successRate: 1 });
    for (const t of results(out)) {
      expect(t).toMatchObject({ actionFormat: "tools", success: true });
      expect(t.tools?.map((tool) => tool.name)).toEqual(["execute_sql", "commit_final_answer"]);
      const calls = t.messages.flatMap((m) => m.toolCalls ?? []);
      const answered = t.messages.filter((m) => m.role === "tool").map((m) => m.toolCallId);
      // every call but the last, which ends the episode (as a ReAct episode ends on the reply)
      expect(answered).toEqual(calls.slice(0, -1).map((c) => c.id));
    }
  });

  it.skipIf(!sandboxAvailable)(
    "the oracle scores 1.0 in tools mode on os too",
    async () => {
      const summary = await runEval({
        env: "os",
        tasks: resolve("test/fixtures/os_interaction/sample.json"),
        scripts: resolve("test/fixtures/os_interaction/scripts"),
        model: "oracle",
        out: join(dir, "os-oracle"),
        progress: false,
        actionFormat: "tools",
      });
      expect(summary).toMatchObject({ tasks: 7, successRate: 1 });
    },
    120_000,
  );

  it("the oracle scores 1.0 in tools mode on generated alfworld, webshop and kg tasks", async () => {
    for (const env of ["alfworld", "webshop", "kg"]) {
      const tasks = join(dir, `${env}.jsonl`);
      await generateTasksFile({ env, count: 6, seed: 5, out: tasks });
      const summary = await runEval({
        env,
        tasks,
        model: "oracle",
        out: join(dir, `${env}-oracle`),
        progress: false,
        actionFormat: "tools",
      });
      expect(summary.successRate, env).toBe(1);
      expect(
        results(join(dir, `${env}-oracle`)).every((t) => t.messages.some((m) => m.toolCalls?.length)),
      ).toBe(true);
    }
  }, 120_000);

  it("refuses tools mode for an env without actions, in one line", async () => {
    await expect(
      runEval({
        env: "gsm8k",
        tasks: "test/fixtures/gsm8k/sample.jsonl",
        model: "oracle",
        out: join(dir, "no"),
        actionFormat: "tools",
      }),
    ).rejects.toThrow(/--action-format tools: gsm8k declares no actions as tools yet/);
  });
});

describe("tools mode against an OpenAI-compatible server", () => {
  let server: MockOpenAIServer;
  let script: (turn: number) => { name: string; arguments: string }[] | undefined;
  beforeAll(async () => {
    server = await startMockOpenAIServer({
      reply: () => "I think I am done.",
      toolCalls: (request) => script(request.messages.filter((m) => m.role === "tool").length),
    });
  });
  afterAll(() => server.close());
  const run = async (name: string) => {
    const out = join(dir, name);
    await runEval({
      env: "db",
      tasks: dbFixture,
      limit: 1,
      model: `${server.baseURL}#tiny`,
      out,
      progress: false,
      actionFormat: "tools",
    });
    return results(out)[0] as Trajectory;
  };

  it("sends the tools, the calls and their results in OpenAI's shapes", async () => {
    script = (turn) =>
      turn === 0 ? [{ name: "execute_sql", arguments: JSON.stringify({ sql: "SELECT 1" }) }] : undefined;
    const t = await run("shapes");
    const second = server.requests.at(-1);
    expect(second?.tools?.map((tool) => tool.function.name)).toEqual(["execute_sql", "commit_final_answer"]);
    // the env's prompt describes its text format: the model is told calls replace it
    expect(second?.messages[0]?.content.endsWith(toolsModeNote)).toBe(true);
    const call = second?.messages.find((m) => m.tool_calls);
    expect(call?.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "execute_sql" } });
    const result = second?.messages.find((m) => m.role === "tool");
    expect(result?.tool_call_id).toBe(call?.tool_calls?.[0]?.id);
    // a reply without a call goes to the env as text: db's rule ends it as an invalid action
    expect(t.messages.at(-1)).toMatchObject({ role: "assistant", content: "I think I am done." });
    expect(t.failure).toBe("invalid_format");
  });

  it("runs only the first of parallel calls and answers the rest", async () => {
    script = (turn) =>
      turn === 0
        ? [
            { name: "execute_sql", arguments: JSON.stringify({ sql: "SELECT 1" }) },
            { name: "commit_final_answer", arguments: JSON.stringify({ answers: ["x"] }) },
          ]
        : [{ name: "commit_final_answer", arguments: JSON.stringify({ answers: ["x"] }) }];
    const t = await run("parallel");
    const tools = t.messages.filter((m) => m.role === "tool");
    expect(tools[1]).toMatchObject({ content: notExecutedText });
    expect(tools[0]?.content).not.toBe(notExecutedText);
    expect(t.turns).toBe(2);
  });

  it("ends on an unknown tool (invalid_action) and on arguments that are no JSON object (invalid_format)", async () => {
    script = () => [{ name: "drop_database", arguments: "{}" }];
    const unknown = await run("unknown");
    expect(unknown).toMatchObject({ failure: "invalid_action", reward: 0 });
    expect(unknown.messages.at(-1)?.content).toMatch(
      /^Unknown tool "drop_database": the tools are execute_sql, commit_final_answer/,
    );
    script = () => [{ name: "execute_sql", arguments: '{"sql": "SELECT 1"' }];
    const malformed = await run("malformed");
    expect(malformed).toMatchObject({ failure: "invalid_format" });
    expect(malformed.messages.at(-1)?.content).toMatch(/^The arguments of execute_sql are not valid JSON/);
    script = () => [{ name: "execute_sql", arguments: "{}" }];
    expect((await run("missing")).messages.at(-1)?.content).toBe('execute_sql needs "sql".');
    expect(getEnvSpec("db").actions).toBe(dbActions);
  });
});

describe("converting trajectories between action formats", () => {
  it("a tools-mode run read as ReAct is the ReAct run; ReAct → tools → ReAct gives it back", async () => {
    const tools = join(dir, "convert-tools");
    const react = join(dir, "convert-react");
    await runEval({
      env: "db",
      tasks: dbFixture,
      model: "oracle",
      out: tools,
      progress: false,
      actionFormat: "tools",
    });
    await runEval({ env: "db", tasks: dbFixture, model: "oracle", out: react, progress: false });
    const byId = new Map(results(react).map((t) => [t.id, t]));
    for (const t of results(tools)) {
      const converted = convertActionFormat(t, "react");
      if (!("trajectory" in converted)) throw new Error(converted.problem);
      expect(converted.trajectory.messages).toEqual(byId.get(t.id)?.messages);
      expect(converted.trajectory.actionFormat).toBeUndefined();
      const back = convertActionFormat(byId.get(t.id) as Trajectory, "tools");
      if (!("trajectory" in back)) throw new Error(back.problem);
      const again = convertActionFormat(back.trajectory, "react");
      expect("trajectory" in again && again.trajectory.messages).toEqual(byId.get(t.id)?.messages);
    }
  });

  it("says per record why it cannot convert", () => {
    const base = {
      env: "db",
      taskId: "1",
      model: "m",
      reward: 0,
      success: false,
      turns: 1,
      startedAt: "",
      durationMs: 0,
    };
    const noAction: Trajectory = {
      ...base,
      id: "db/1/0",
      messages: [
        { role: "user", content: "task" },
        { role: "assistant", content: "Ok.", loss: false },
        { role: "user", content: "question" },
        { role: "assistant", content: "I would guess 3." },
      ],
    };
    expect(convertActionFormat(noAction, "tools")).toEqual({
      problem: "db/1/0: turn 4 has no action of db in it",
    });
    expect(convertActionFormat({ ...noAction, env: "gsm8k", id: "g" }, "tools")).toEqual({
      problem: "g: gsm8k declares no actions as tools",
    });
    const parallel: Trajectory = {
      ...base,
      id: "db/2/0",
      actionFormat: "tools",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: "",
          toolCalls: [
            { id: "a", name: "execute_sql", arguments: "{}" },
            { id: "b", name: "execute_sql", arguments: "{}" },
          ],
        },
      ],
    };
    expect(convertActionFormat(parallel, "react")).toEqual({
      problem: "db/2/0: turn 2 made 2 calls; ReAct has one action per turn",
    });
  });

  it("writes a tools-mode trajectory as an OpenAI function-calling example: tools, tool_calls, tool results", async () => {
    const out = join(dir, "convert-openai");
    await runEval({
      env: "db",
      tasks: dbFixture,
      limit: 2,
      model: "oracle",
      out,
      progress: false,
      actionFormat: "tools",
    });
    for (const t of results(out)) {
      const record = messagesToOpenAiChat(t.messages, t.tools);
      expect(record.tools?.map((tool) => [tool.type, tool.function.name])).toEqual([
        ["function", "execute_sql"],
        ["function", "commit_final_answer"],
      ]);
      // every tool result answers the call of the assistant turn before it (OpenAI's rule)
      record.messages.forEach((m, i) => {
        if (m.role !== "tool") return;
        const before = record.messages[i - 1];
        expect(before?.tool_calls?.map((c) => c.id)).toContain(m.tool_call_id);
      });
      expect(alternationProblem(record.messages.map((m) => m.role))).toBeUndefined();
      expect(openAiChatRecordSchema.safeParse(JSON.parse(JSON.stringify(record))).success).toBe(true);
    }
  });
});
