// The quickstart: the whole chain that exists, offline, on generated tasks with the built-in oracle.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readJsonlAll } from "../core/index.js";
import { formatGenerateReport, generateTasksFile } from "../data/index.js";
import { getEnvSpec } from "../envs/index.js";
import type { RunSummary } from "../runner/index.js";
import { formatResultsTable } from "./results-table.js";
import { runEval } from "./run-eval.js";

export interface QuickstartOptions {
  /** Output folder; must not exist yet. */
  out?: string;
  /** DB tasks to generate. */
  count?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface QuickstartResult {
  out: string;
  summaries: RunSummary[];
  table: string;
}

export async function runQuickstart({
  out = join("agenttune-out", `quickstart-${new Date().toISOString().replace(/[:.]/g, "-")}`),
  count = 22,
  seed = 7,
  log = console.log,
}: QuickstartOptions = {}): Promise<QuickstartResult> {
  mkdirSync(out, { recursive: true });
  const taskFile = join(out, "tasks", "db.jsonl");
  mkdirSync(join(out, "tasks"), { recursive: true });
  log(`1/3 generating ${count} db tasks (every type of dbbench), each verified by its oracle on SQLite`);
  const report = await generateTasksFile({ env: "db", count, seed, out: taskFile });
  log(`    ${formatGenerateReport(report)}`);

  const scriptFile = join(out, "models", "weak-model.jsonl");
  mkdirSync(join(out, "models"), { recursive: true });
  await writeWeakModelScript(taskFile, scriptFile);

  const summaries: RunSummary[] = [];
  for (const [name, model] of [
    ["oracle", "oracle"],
    ["weak", `scripted:${scriptFile}`],
  ] as const) {
    log(`${summaries.length + 2}/3 evaluating the ${name} model`);
    summaries.push(
      await runEval({
        env: "db",
        tasks: taskFile,
        model,
        out: join(out, "runs", `db-${name}`),
        progress: false,
      }),
    );
  }
  const table = formatResultsTable(summaries, [
    "SELECT_accuracy",
    "INSERT_accuracy",
    "UPDATE_accuracy",
    "overall_cat_accuracy",
    "avg_rounds",
  ]);
  writeFileSync(join(out, "results.txt"), `${table}\n`);
  log("");
  log(table);
  log("");
  log(`Everything is in ${out}/ (tasks/, models/, runs/*/results.jsonl and summary.json, results.txt)`);
  return { out, summaries, table };
}

/**
 * A deterministic weak model: solves some tasks, answers others wrongly, breaks the format on some,
 * and runs out of rounds on the rest, so the table shows every kind of outcome.
 */
async function writeWeakModelScript(taskFile: string, scriptFile: string) {
  const spec = getEnvSpec("db");
  const lines: string[] = [];
  for (const { value } of await readJsonlAll(taskFile, spec.taskSchema)) {
    const task = value as { id: string };
    const index = Number(task.id.split("-").at(-1));
    const oracle = spec.oracle(value);
    const first = oracle.reply([]);
    const second = oracle.reply([{ role: "assistant", content: first }]);
    const replies = [
      [first, second],
      [first, 'I think that is it.\nAction: Answer\nFinal Answer: ["I am not sure"]'],
      ["SELECT * FROM the table, please."],
      Array.from(
        { length: 6 },
        () => "Let me look at the table.\nAction: Operation\n```sql\nSELECT * FROM nowhere\n```",
      ),
    ][index % 4];
    lines.push(JSON.stringify({ taskId: task.id, replies }));
  }
  writeFileSync(scriptFile, `${lines.join("\n")}\n`);
}
