// The quickstart, the package's composition root beside index.ts (it uses every layer): the whole chain that exists, offline, with the built-in oracle as teacher: held-out
// eval tasks, the data pipeline (generate → collect → filter → decontaminate → AgentInstruct), the
// hybrid mix with general chat and engine exports, then evaluation and a results table.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, readJsonlAll } from "./core/index.js";
import {
  formatGenerateReport,
  generateTasksFile,
  type PipelineResult,
  parsePipelineConfig,
  runPipeline,
} from "./data/index.js";
import { getEnvSpec } from "./envs/index.js";
import { formatResultsTable, runEval, writeReport } from "./eval/index.js";
import type { RunSummary } from "./runner/index.js";
import { exportFile, type LlamaFactoryExport, mixFiles, type OpenAiExport } from "./tune/index.js";

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
  pipeline: PipelineResult;
  /** The HTML report. */
  report: string;
}

export async function runQuickstart({
  out = join("agenttune-out", `quickstart-${new Date().toISOString().replace(/[:.]/g, "-")}`),
  count = 22,
  seed = 7,
  log = console.log,
}: QuickstartOptions = {}): Promise<QuickstartResult> {
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new InputError(`${out}: exists and is not empty; quickstart needs a fresh folder`);
  mkdirSync(join(out, "eval"), { recursive: true });

  log(`1/5 held-out eval tasks: ${count} new db tasks (another seed), each verified by its oracle on SQLite`);
  const evalTasks = join(out, "eval", "db-tasks.jsonl");
  const evalReport = await generateTasksFile({ env: "db", count, seed: seed + 1000, out: evalTasks });
  log(`    ${formatGenerateReport(evalReport)}`);

  log("2/5 training data: generate → collect (oracle teacher) → filter → decontaminate → AgentInstruct");
  const pipeline = await runPipeline({
    config: parsePipelineConfig(
      {
        out: join(out, "data"),
        teacher: "oracle",
        seed,
        envs: { db: { count } },
        decontam: { eval: [`db=${evalTasks}`] },
      },
      "quickstart",
    ),
    log: (text) => {
      for (const line of text.split("\n")) log(`    ${line}`);
    },
    progress: false,
  });

  log(
    "3/5 hybrid instruction tuning data: mix with general chat (eta 0.2), export for LLaMA-Factory and OpenAI",
  );
  const tuneDir = join(out, "tune");
  const mix = await mixFiles({ agent: pipeline.dataset.dir, eta: 0.2, out: join(tuneDir, "mix") });
  log(
    `    ${mix.counts.agent} agent + ${mix.counts.general} general (bundled sample) = ${mix.counts.total} examples → ${mix.file}`,
  );
  // LLaMA-Factory trains every assistant turn: all-assistant is what it can do, and the note says so
  const lf = (await exportFile({
    input: mix.file,
    target: "llamafactory",
    out: join(tuneDir, "llamafactory"),
    policy: "all-assistant",
  })) as LlamaFactoryExport;
  log(`    LLaMA-Factory: ${lf.examples} examples, ${lf.policyNote} → ${lf.trainYaml}`);
  const openai = (await exportFile({
    input: mix.file,
    target: "openai",
    out: join(tuneDir, "openai"),
    policy: "per-turn",
  })) as OpenAiExport;
  log(`    OpenAI fine-tuning: ${openai.examples} examples with per-turn weights → ${openai.dataFile}`);

  const scriptFile = join(out, "eval", "weak-model.jsonl");
  await writeWeakModelScript(evalTasks, scriptFile);
  const summaries: RunSummary[] = [];
  for (const [name, model] of [
    ["oracle", "oracle"],
    ["weak", `scripted:${scriptFile}`],
  ] as const) {
    log(`${summaries.length + 4}/5 evaluating the ${name} model on the held-out tasks`);
    summaries.push(
      await runEval({
        env: "db",
        tasks: evalTasks,
        model,
        out: join(out, "eval", `db-${name}`),
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
  log(
    `Dataset: ${Object.entries(pipeline.dataset.splits)
      .map(([env, s]) => `${env} ${s.records} records`)
      .join(", ")} in ${pipeline.dataset.dir}/ (stats: ${join(out, "data", "reports", "stats.txt")})`,
  );
  const report = await writeReport(
    summaries.map((_, i) => join(out, "eval", `db-${i === 0 ? "oracle" : "weak"}`)),
    join(out, "report.html"),
  );
  log(`Training: npx agenttune train --engine llamafactory --config ${lf.trainYaml} --dry-run`);
  log(`Everything is in ${out}/ (data/, tune/: mix and engine exports, eval/: runs, results.txt)`);
  log(
    `Report: ${report.html} (Markdown: ${report.markdown}); browse the episodes with: npx agenttune view ${join(out, "eval")}`,
  );
  return { out, summaries, table, pipeline, report: report.html };
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
