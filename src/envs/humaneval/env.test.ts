// The humaneval env: human-eval's program (check_program) and pass@k (estimate_pass_at_k), run by
// python3 in the os sandbox; on the shared problems the canonical solutions pass and mutated ones fail;
// a completion that attacks the host or never ends fails alone.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { runEpisode } from "../../agent/index.js";
import { runEval } from "../../eval/index.js";
import type { ChatModel } from "../../models/index.js";
import { sandboxAvailable } from "../lib/sandbox/test-sandbox.js";
import { checkProgram, completionOf, passAtK } from "./program.js";
import { humanevalSpec } from "./spec.js";
import { type HumanevalTask, loadHumanevalTasks } from "./tasks.js";

const dir = mkdtempSync(join(tmpdir(), "humaneval-"));
const task: HumanevalTask = {
  task_id: "Test/0",
  prompt: 'def add(a: int, b: int) -> int:\n    """Return a + b."""\n',
  canonical_solution: "    return a + b\n",
  test: "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n",
  entry_point: "add",
};

describe("humaneval program and pass@k", () => {
  it("checks prompt + completion + test + check(entry_point), the completion a reply's first code block", () => {
    expect(completionOf("Here:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.")).toBe(
      "def add(a, b):\n    return a + b\n",
    );
    expect(completionOf("    return a + b\n")).toBe("    return a + b\n");
    expect(checkProgram(task, "    return a + b\n")).toBe(
      `${task.prompt}    return a + b\n\n${task.test}\ncheck(add)`,
    );
  });

  it("computes pass@k as human-eval's unbiased estimator", () => {
    expect(passAtK(1, 1, 1)).toBe(1);
    expect(passAtK(1, 0, 1)).toBe(0);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3);
    // 1 − C(7,5)/C(10,5) = 1 − 21/252
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252);
    expect(passAtK(10, 6, 5)).toBe(1);
  });

  it("rejects a problem of the wrong shape, naming file, line and field", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify(task)}\n${JSON.stringify({ ...task, entry_point: "not a name" })}\n`,
    );
    const read = async () => {
      for await (const _ of loadHumanevalTasks(file));
    };
    await expect(read()).rejects.toThrow(/bad\.jsonl:2: entry_point: not a Python function name/);
  });
});

describe.skipIf(!sandboxAvailable)("humaneval in the sandbox", () => {
  const reply = (text: string): ChatModel => ({ id: "fixed", complete: async () => ({ text }) });
  const play = async (text: string, t: HumanevalTask = task) =>
    runEpisode({ spec: humanevalSpec, backend: await humanevalSpec.open(), task: t, model: reply(text) });

  it("passes a right completion, fails a wrong one, a crash and a program that never ends (3 s)", async () => {
    expect((await play("```python\ndef add(a, b):\n    return a + b\n```")).reward).toBe(1);
    const wrong = await play("    return a - b\n");
    expect([wrong.reward, wrong.failure]).toEqual([0, "wrong_answer"]);
    expect(wrong.info?.result).toMatch(/^failed: .*AssertionError/s);
    expect((await play("    raise SystemExit(3)\n")).info?.result).toMatch(/^failed/);
    const start = Date.now();
    const loop = await play("    while True:\n        pass\n");
    expect(loop.info).toMatchObject({ passed: false, result: "timed out" });
    expect(Date.now() - start).toBeLessThan(30_000);
  }, 60_000);

  it("a completion cannot reach the network, the host's files or the next problem", async () => {
    const attacks = [
      // a connection to the host's loopback: no network in the sandbox
      "    import socket\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\n    return a + b\n",
      // the host's files: the project is not mounted
      `    open(${JSON.stringify(join(process.cwd(), "package.json"))}).read()\n    return a + b\n`,
      // a secret of the host's environment
      "    import os\n    assert os.environ.get('AGENTTUNE_SECRET') == 'hunter2'\n    return a + b\n",
    ];
    process.env.AGENTTUNE_SECRET = "hunter2";
    try {
      for (const attack of attacks) expect((await play(attack)).info?.passed, attack).toBe(false);
    } finally {
      delete process.env.AGENTTUNE_SECRET;
    }
    // a file left by one problem is gone for the next (a sandbox each)
    await play("    open('/tmp/left-behind', 'w').write('x')\n    return a + b\n");
    expect((await play("    open('/tmp/left-behind').read()\n    return a + b\n")).info?.passed).toBe(false);
    expect(readFileSync(join(process.cwd(), "package.json"), "utf8")).toContain('"agenttune"');
  }, 120_000);

  it.skipIf(!benchmarksDir())(
    "on the shared 20 problems the canonical solutions all pass and mutated ones all fail",
    async () => {
      const tasks = join(benchmarksDir() as string, "general", "humaneval", "HumanEval-first20.jsonl");
      const oracle = await runEval({
        env: "humaneval",
        tasks,
        model: "oracle",
        out: join(dir, "oracle"),
        progress: false,
      });
      expect(oracle.metrics).toEqual({ problems: 20, "pass@1": 100 });
      // each canonical solution with its first `return` value negated or replaced: every one fails
      const problems: HumanevalTask[] = [];
      for await (const t of loadHumanevalTasks(tasks)) problems.push(t);
      const mutated = join(dir, "mutated.jsonl");
      writeFileSync(
        mutated,
        problems
          .map((t) => JSON.stringify({ ...t, canonical_solution: mutate(t.canonical_solution) }))
          .join("\n"),
      );
      const broken = await runEval({
        env: "humaneval",
        tasks: mutated,
        model: "oracle",
        out: join(dir, "mutated"),
        progress: false,
      });
      expect(broken.metrics).toEqual({ problems: 20, "pass@1": 0 });
    },
    300_000,
  );
});

/** A solution made wrong: each function body's first statement raises. */
function mutate(solution: string): string {
  const indent = /^(\s+)/.exec(solution)?.[1] ?? "    ";
  return `${indent}raise ValueError("mutated")\n${solution}`;
}
