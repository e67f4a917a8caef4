// Action formats (bench/results/action-formats.json): the db oracle's episodes through the eval runner
// as ReAct text, as tool calls on the env's actions, and in AgentBench's function-calling protocol,
// measured side by side in alternating rounds; the figure is each format's time over ReAct's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTasksFile } from "../src/data/index.js";
import { runEval } from "../src/eval/index.js";
import { type Row, writeResults } from "./table.js";

const formats = {
  react: {},
  tools: { actionFormat: "tools" as const },
  "agentbench-fc": { protocol: "agentbench-fc" as const },
};

export async function benchActionFormats(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-formats-"));
  const tasks = join(dir, "db.jsonl");
  await generateTasksFile({ env: "db", count: 200, seed: 3, out: tasks });
  const ms: Record<string, number> = { react: 0, tools: 0, "agentbench-fc": 0 };
  const rounds = 3;
  let episodes = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [name, options] of Object.entries(formats)) {
      const start = performance.now();
      const summary = await runEval({
        env: "db",
        tasks,
        model: "oracle",
        out: join(dir, `${name}-${round}`),
        progress: false,
        ...options,
      });
      ms[name] = (ms[name] ?? 0) + performance.now() - start;
      if (summary.successRate !== 1) throw new Error(`${name}: the oracle did not score 1.0`);
      if (name === "react") episodes += summary.tasks;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const react = ms.react ?? 1;
  const rows: Row[] = Object.keys(formats).map((name) => ({
    measure: `db oracle episodes, ${name}`,
    value: `${((episodes / (ms[name] ?? 1)) * 1000).toFixed(0)} episodes/s`,
    note:
      name === "react"
        ? `${episodes} episodes in ${rounds} alternating rounds, SQLite, through runEval`
        : `${((ms[name] ?? 0) / react).toFixed(2)}× ReAct's time`,
  }));
  writeResults("action-formats", { episodes, rounds, ms, rows });
  return rows;
}
