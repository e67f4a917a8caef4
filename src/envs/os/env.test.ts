import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { ChatModel } from "../../models/index.js";
import { imageAvailable, sandboxAvailable } from "../lib/sandbox/test-sandbox.js";
import type { EnvBackend } from "../types.js";
import { parseOsAction } from "./action.js";
import { judgeOsAnswer } from "./env.js";
import { generateOsTasks } from "./generate.js";
import { osObservation } from "./prompt.js";
import { osSpec } from "./spec.js";
import type { OsTask } from "./tasks.js";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/os_interaction/", import.meta.url));
const scripts = join(fixtures, "scripts");

async function load(file: string, scriptDir = scripts): Promise<OsTask[]> {
  const tasks: OsTask[] = [];
  for await (const task of osSpec.loadTasks(file, { scripts: scriptDir })) tasks.push(task);
  return tasks;
}

const replies = (...texts: string[]): ChatModel => {
  let i = 0;
  return { id: "test", complete: async () => ({ text: texts[i++] ?? "" }) };
};

describe("os protocol", () => {
  it("takes the last recognised Act line, every bash block, and answer(...) between the outer parentheses", () => {
    expect(parseOsAction("Think: x\n\nAct: bash\n\n```bash\nls\n```\n```bash\npwd\n```")).toEqual({
      kind: "bash",
      code: "ls\n\npwd",
    });
    expect(parseOsAction("Act: bash\nAct: answer(f(x) = 2)")).toEqual({ kind: "commit", answer: "f(x) = 2" });
    expect(parseOsAction("Act: answer 42\nAct: finish")).toEqual({ kind: "commit" });
    expect(parseOsAction("Act: answer(3)\nAct: answer no parens")).toEqual({ kind: "commit", answer: "3" });
    expect(parseOsAction("I think it is 3")).toMatchObject({ kind: "invalid", label: "invalid_format" });
    expect(parseOsAction("Act: dance")).toMatchObject({ kind: "invalid", label: "invalid_action" });
  });

  it("judges match.regex with Python's re.search semantics", async () => {
    const task = (regex: string): OsTask => ({
      id: "r",
      description: "d",
      init: [],
      labels: [],
      match: { regex, strip: true },
    });
    const judge = (regex: string, answer: string) =>
      judgeOsAnswer(task(regex), undefined as never, answer).then((v) => v.pass);
    expect(await judge("(?i)^ubuntu", "Ubuntu 22.04")).toBe(true); // an inline flag JavaScript rejects
    expect(await judge(String.raw`(?P<n>\d) (?P=n)`, "7 7")).toBe(true);
    expect(await judge(String.raw`^\d+\Z`, "12 ")).toBe(true); // the answer is stripped first
  });

  it("renders observations as AgentBench does", () => {
    expect(osObservation("")).toBe("The output of the OS is empty.");
    expect(osObservation("220")).toBe("The output of the OS:\n\n220");
    const long = osObservation("x".repeat(801));
    expect(long).toBe(
      `The output of the OS:\n\n${"x".repeat(780)}\n[truncated because the output is too long]`,
    );
    expect(osObservation("x".repeat(800))).toBe(`The output of the OS:\n\n${"x".repeat(800)}`);
  });

  it("loads AgentBench records: ids, scripts from the script dir, checks with null for the example", async () => {
    const tasks = await load(join(fixtures, "sample.json"));
    expect(tasks.map((t) => t.id)).toEqual(Array.from({ length: 7 }, (_, i) => `sample.json#${i}`));
    expect(tasks[0]?.check?.[0]).toBeNull();
    expect(tasks[0]?.check?.[1]?.code).toContain("integer");
    expect(tasks[1]?.init.map((s) => s.language)).toEqual(["bash", "python"]);
    expect(tasks[2]?.match).toEqual({ regex: "^tick$", strip: true });
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const single = join(mkdtempSync(join((await import("node:os")).tmpdir(), "os-single-")), "one.json");
    writeFileSync(single, JSON.stringify({ description: "q", evaluation: { match: "x" } }, null, 2));
    expect((await load(single)).map((t) => [t.id, t.match?.answer])).toEqual([["one.json#0", "x"]]);
    // a regex Python's re would refuse (or agenttune cannot translate) fails the load, naming the task
    const badRegex = join(mkdtempSync(join(tmpdir(), "os-regex-")), "bad.json");
    writeFileSync(
      badRegex,
      JSON.stringify([{ description: "q", evaluation: { match: { regex: "(unclosed" } } }]),
    );
    await expect(load(badRegex)).rejects.toThrow(/bad\.json:1: evaluation\.match\.regex "\(unclosed": /);
    await expect(load(join(fixtures, "sample.json"), "/nonexistent")).rejects.toThrow(
      /check\/integer-match\.py not found in \/nonexistent \(pass --scripts DIR\)/,
    );
  });
});

describe.skipIf(!sandboxAvailable)("os env", () => {
  let backend: EnvBackend<OsTask>;
  beforeAll(async () => {
    // no 10 s command limit here: these tests check answers, and a loaded machine is slow
    backend = await osSpec.open({ actionTimeoutMs: 300_000 });
  });
  afterAll(() => backend?.close());

  it("the oracle passes every fixture task", async () => {
    const tasks = await load(join(fixtures, "sample.json"));
    const results = await Promise.all(
      tasks.map((task) => runEpisode({ spec: osSpec, backend, task, model: oracleModel(osSpec) })),
    );
    expect(
      results.filter((r) => !r.success).map((r) => `${r.taskId}: ${r.failure} ${JSON.stringify(r.info)}`),
    ).toEqual([]);
  });

  it("follows the conversation: instructions with the one-shot, the task, OS outputs, answer checked", async () => {
    const [task] = await load(join(fixtures, "sample.json"));
    const result = await runEpisode({
      spec: osSpec,
      backend,
      task: task as OsTask,
      model: replies(
        "Think: list.\n\nAct: bash\n\n```bash\nls /root/docs\n```",
        "Think: empty?\n\nAct: bash\n\n```bash\ntrue\n```",
        "Think: 3 files.\n\nAct: answer(3)",
      ),
    });
    expect(result.messages[0]?.content).toMatch(
      /Now, my problem is:\n\ntell me how many files are in the directory "\/etc"\?$/,
    );
    expect(result.messages[6]?.content).toBe(
      `Now, I will start a new problem in a new OS. My problem is:\n\n${task?.description}`,
    );
    expect(result.messages[8]?.content).toBe("The output of the OS:\n\na  b  c  inner"); // ls on a terminal, as in AgentBench
    expect(result.messages[10]?.content).toBe("The output of the OS is empty.");
    expect(result).toMatchObject({ success: true, turns: 3 });
    const wrong = await runEpisode({
      spec: osSpec,
      backend,
      task: task as OsTask,
      model: replies("Act: answer(4)"),
    });
    expect(wrong).toMatchObject({ success: false, failure: "wrong_answer" });
  });

  it("an init script that fails: old goes on, v0.2 fails the sample before the agent's first turn", async () => {
    const task: OsTask = {
      id: "init-fails",
      description: "What is 1 + 1?",
      init: [{ language: "bash", code: "echo setting up; exit 3" }],
      labels: [],
      match: { answer: "2", strip: true },
    };
    const answer: ChatModel = { id: "a", complete: async () => ({ text: "Think: easy.\n\nAct: answer(2)" }) };
    const old = await runEpisode({ spec: osSpec, backend, task, model: answer });
    expect(old).toMatchObject({ success: true, turns: 1 }); // AgentBench.old task.py:385-387 ignores it
    const v02 = await osSpec.open({ protocol: "agentbench-v0.2" });
    try {
      const failed = await runEpisode({
        spec: osSpec,
        backend: v02,
        task,
        model: answer,
        infrastructureFailures: "throw",
      });
      expect(failed).toMatchObject({
        reward: 0,
        turns: 0,
        failure: "env_error",
        info: { reason: "init script exited 3", output: expect.stringContaining("setting up") },
      });
    } finally {
      await v02.close();
    }
  });

  // AgentBench's os_interaction task.py in each version's shape, written for this test (the texts
  // are not AgentBench's): _judge (old) / start_sample (v0.2) inject the instruction, ONE_SHOT follows
  const fakeInstruction = "OS INSTRUCTION written for this test.\n\n";
  const fakeOneShot = `ONE_SHOT = [\n    {"role": "user", "content": 'how many files in "/etc"?'},\n    {"role": "agent", "content": """Think: count.\n\nAct: bash\n\n\`\`\`bash\nls -1 /etc | wc -l\n\`\`\`"""},\n    {"role": "user", "content": "The output of the OS:\\n220"},\n    {"role": "agent", "content": "Think: 220.\\n\\nAct: answer(220)"},\n]\n`;
  function fakeOsCheckout(layout: "old" | "v0.2"): string {
    const root = mkdtempSync(join(tmpdir(), "agentbench-os-"));
    const method =
      layout === "old"
        ? "def _judge(self, session, config, container):"
        : "async def start_sample(self, index, session):";
    const taskPy = `${fakeOneShot}\n\nclass OSInteraction:\n    ${method}\n        session.inject({\n            "role": "user",\n            "content": """${fakeInstruction.replaceAll("\n", "\\n")}"""\n        })\n`;
    const dir =
      layout === "old" ? join(root, "AgentBench.old", "src", "tasks") : join(root, "src", "server", "tasks");
    mkdirSync(join(dir, "dbbench"), { recursive: true });
    mkdirSync(join(dir, "os_interaction"), { recursive: true });
    writeFileSync(join(dir, "os_interaction", "task.py"), taskPy);
    return root;
  }

  it("golden transcript, both protocols: AgentBench's conversation and its terminal output (CRLF; v0.2 strips escapes)", async () => {
    const task: OsTask = {
      id: "golden",
      description: "Print a coloured word.",
      init: [],
      labels: [],
      match: { answer: "dir", strip: true },
    };
    const bash = (code: string) => `Think: run it.\n\nAct: bash\n\n\`\`\`bash\n${code}\n\`\`\``;
    const colour = bash("printf '\\033[01;34mdir\\033[0m\\nplain\\n'");
    for (const [layout, protocol, output] of [
      ["old", "agentbench-old", "\x1b[01;34mdir\x1b[0m\r\nplain\r\n"],
      ["v0.2", "agentbench-v0.2", "dir\r\nplain\r\n"],
    ] as const) {
      const golden = await osSpec.open({ agentbench: fakeOsCheckout(layout), protocol });
      try {
        expect(golden.prompts).toBeDefined();
        const result = await runEpisode({
          spec: osSpec,
          backend: golden,
          task,
          model: replies(colour, bash("true"), "Think: it is dir.\n\nAct: answer(dir)"),
        });
        expect(result.messages.map((m) => [m.role, m.content])).toEqual([
          ["user", `${fakeInstruction}Now, my problem is:\n\nhow many files in "/etc"?`],
          ["assistant", "Think: count.\n\nAct: bash\n\n```bash\nls -1 /etc | wc -l\n```"],
          ["user", "The output of the OS:\n220"],
          ["assistant", "Think: 220.\n\nAct: answer(220)"],
          ["user", "Now, I will start a new problem in a new OS. My problem is:\n\nPrint a coloured word."],
          ["assistant", colour],
          ["user", `The output of the OS:\n\n${output}`],
          ["assistant", bash("true")],
          ["user", "The output of the OS is empty."],
          ["assistant", "Think: it is dir.\n\nAct: answer(dir)"],
        ]);
        expect(result.success).toBe(true);
      } finally {
        await golden.close();
      }
    }
  });

  it("ends after 8 rounds without an answer", async () => {
    const [task] = await load(join(fixtures, "sample.json"));
    const loop = Array.from({ length: 9 }, (_, i) => `Act: bash\n\n\`\`\`bash\necho ${i}\n\`\`\``);
    const result = await runEpisode({ spec: osSpec, backend, task: task as OsTask, model: replies(...loop) });
    expect(result).toMatchObject({ success: false, failure: "round_limit", turns: 8 });
  });

  it.skipIf(!imageAvailable)(
    "generates tasks of every family, each verified in the sandbox, deterministically",
    async () => {
      const a: OsTask[] = [];
      for await (const task of generateOsTasks({ count: 8, seed: 3 })) a.push(task);
      expect(new Set(a.map((t) => t.labels[0]))).toEqual(
        new Set(["file", "permission", "user", "process", "text", "archive", "log"]),
      );
      const results = await Promise.all(
        a.map((task) => runEpisode({ spec: osSpec, backend, task, model: oracleModel(osSpec) })),
      );
      expect(results.every((r) => r.success)).toBe(true);
      const b: OsTask[] = [];
      for await (const task of generateOsTasks({ count: 8, seed: 3 })) b.push(task);
      expect(b).toEqual(a);
    },
  );

  const dir = benchmarksDir();
  it.skipIf(!dir || !imageAvailable)(
    "the oracle passes all 26 AgentBench dev tasks (with this project's check scripts)",
    async () => {
      const tasks = await load(join(dir ?? "", "agentbench", "os_interaction", "dev.json"));
      expect(tasks).toHaveLength(26);
      // four at a time, as a run does (the dev set's `groups` loops spawn hundreds of processes)
      const limit = pLimit(4);
      const results = await Promise.all(
        tasks.map((task) =>
          limit(() => runEpisode({ spec: osSpec, backend, task, model: oracleModel(osSpec) })),
        ),
      );
      expect(
        results.filter((r) => !r.success).map((r) => `${r.taskId}: ${r.failure} ${JSON.stringify(r.info)}`),
      ).toEqual([]);
    },
  );
});
