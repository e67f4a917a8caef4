// The quickstart, the package's composition root beside index.ts (it uses every layer): the whole chain that exists, offline, with the built-in oracle as teacher: held-out
// eval tasks, the data pipeline (generate → collect → filter → decontaminate → AgentInstruct), the
// hybrid mix with general chat and engine exports, then evaluation and a results table.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "./core/index.js";
import {
  formatGenerateReport,
  generateTasksFile,
  type PipelineResult,
  parsePipelineConfig,
  runPipeline,
} from "./data/index.js";
import { envNames, getEnvSpec } from "./envs/index.js";
import { formatResultsTable, runEval, writeReport } from "./eval/index.js";
import type { RunSummary } from "./runner/index.js";
import { exportFile, type LlamaFactoryExport, mixFiles, type OpenAiExport } from "./tune/index.js";

export interface QuickstartOptions {
  /** Output folder; must not exist yet. */
  out?: string;
  /** Tasks to generate per env (default: 12 alfworld, 22 db, 16 kg, 20 mind2web steps, 8 os, 20 webshop). */
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

/** Tasks per env in the quickstart (the sandboxed os env is slower per task). */
const quickstartCounts: Record<string, number> = {
  alfworld: 12,
  db: 22,
  kg: 16,
  mind2web: 20,
  os: 8,
  webshop: 20,
  hotpotqa: 12,
  rewoo: 12,
  cardgame: 8,
};

export async function runQuickstart({
  out = join("agenttune-out", `quickstart-${new Date().toISOString().replace(/[:.]/g, "-")}`),
  count,
  seed = 7,
  log = console.log,
}: QuickstartOptions = {}): Promise<QuickstartResult> {
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new InputError(`${out}: exists and is not empty; quickstart needs a fresh folder`);
  mkdirSync(join(out, "eval"), { recursive: true });
  // every env that can run here (os needs bubblewrap)
  const envs = envNames().filter((name) => {
    const problem = getEnvSpec(name).unavailable?.();
    if (problem) log(`(skipping ${name}: ${problem})`);
    return !problem && getEnvSpec(name).generateTasks !== undefined;
  });
  const counts = Object.fromEntries(envs.map((env) => [env, count ?? quickstartCounts[env] ?? 10]));
  // training data comes from the held-in envs only: the held-out ones measure generalization
  const trainEnvs = envs.filter((env) => getEnvSpec(env).benchmark.category === "held-in");

  log(`1/5 held-out eval tasks (another seed), each verified by its oracle on the real backend`);
  const evalTasks: Record<string, string> = {};
  for (const [i, env] of envs.entries()) {
    evalTasks[env] = join(out, "eval", `${env}-tasks.jsonl`);
    const report = await generateTasksFile({
      env,
      count: counts[env] ?? 10,
      seed: seed + 1000 * (i + 1),
      out: evalTasks[env],
    });
    log(`    ${formatGenerateReport(report)}`);
  }

  log("2/5 training data: generate → collect (oracle teacher) → filter → decontaminate → AgentInstruct");
  const pipeline = await runPipeline({
    config: parsePipelineConfig(
      {
        out: join(out, "data"),
        teacher: "oracle",
        seed,
        envs: Object.fromEntries(trainEnvs.map((env) => [env, { count: counts[env] }])),
        decontam: { eval: trainEnvs.map((env) => `${env}=${evalTasks[env]}`) },
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
  if (mix.limitedBy === "general")
    log(
      `    the mix keeps ${mix.counts.agent} of the ${mix.available.agent} agent conversations: at eta 0.2 the ${mix.available.general} bundled general chats carry only that many (bring more general data with \`agenttune mix --general\`)`,
    );
  // without a model's tokenizer (none ships offline) LLaMA-Factory tokenizes and trains every assistant
  // turn: all-assistant is what it can do, and the note says so and how to get exact labels
  const lf = (await exportFile({
    input: mix.file,
    target: "llamafactory",
    out: join(tuneDir, "llamafactory"),
    policy: "all-assistant",
  })) as LlamaFactoryExport;
  log(`    LLaMA-Factory: ${lf.examples} examples, ${lf.policyNote} → ${lf.trainYaml}`);
  log(
    `    (exact per-turn labels for LLaMA-Factory: agenttune export --in ${mix.file} --target llamafactory --tokenizer <model dir> --loss per-turn --out <dir>)`,
  );
  const openai = (await exportFile({
    input: mix.file,
    target: "openai",
    out: join(tuneDir, "openai"),
    policy: "per-turn",
  })) as OpenAiExport;
  log(`    OpenAI fine-tuning: ${openai.examples} examples with per-turn weights → ${openai.dataFile}`);
  if (envs.includes("db")) {
    // function calling: the same env driven through tools, its trajectories exported with native calls
    const toolsTasks = join(tuneDir, "tools", "db-tasks.jsonl");
    await generateTasksFile({ env: "db", count: 8, seed: seed + 500, out: toolsTasks });
    const collected = join(tuneDir, "tools", "db-collect");
    await runEval({
      env: "db",
      tasks: toolsTasks,
      model: "oracle",
      out: collected,
      progress: false,
      actionFormat: "tools",
    });
    const calls = (await exportFile({
      input: join(collected, "results.jsonl"),
      target: "openai",
      out: join(tuneDir, "tools", "openai"),
      policy: "per-turn",
    })) as OpenAiExport;
    log(
      `    function calling: ${calls.examples} db episodes in tools mode → OpenAI fine-tuning with tools and tool_calls → ${calls.dataFile}`,
    );
  }

  const scriptFile = join(out, "eval", "weak-model.jsonl");
  await writeWeakModelScript(evalTasks, scriptFile);
  const summaries: RunSummary[] = [];
  const runDirs: string[] = [];
  for (const [step, [name, model]] of (
    [
      ["oracle", "oracle"],
      ["weak", `scripted:${scriptFile}`],
    ] as const
  ).entries()) {
    log(`${step + 4}/5 evaluating the ${name} model on the held-out tasks`);
    for (const env of envs) {
      const dir = join(out, "eval", `${env}-${name}`);
      summaries.push(
        await runEval({ env, tasks: evalTasks[env] as string, model, out: dir, progress: false }),
      );
      runDirs.push(dir);
    }
  }
  const table = formatResultsTable(summaries, [
    "SELECT_accuracy",
    "overall_cat_accuracy",
    "accuracy",
    "step_success_rate",
    "f1",
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
  const report = await writeReport(runDirs, join(out, "report.html"));
  log(`Training: npx agenttune train --engine llamafactory --config ${lf.trainYaml} --dry-run`);
  log(`Everything is in ${out}/ (data/, tune/: mix and engine exports, eval/: runs, results.txt)`);
  log(
    `Report: ${report.html} (Markdown: ${report.markdown}); browse the episodes with: npx agenttune view ${join(out, "eval")}`,
  );
  return { out, summaries, table, pipeline, report: report.html };
}

/**
 * A deterministic weak model for every env: solves some tasks, breaks the format on others, and loops
 * on one action until the round limit on the rest, so the table shows every kind of outcome.
 */
async function writeWeakModelScript(taskFiles: Record<string, string>, scriptFile: string) {
  const lines: string[] = [];
  for (const [env, file] of Object.entries(taskFiles)) {
    const spec = getEnvSpec(env);
    for await (const task of spec.loadTasks(file)) {
      const id = spec.taskId(task);
      // a stable pick from the id's characters (ids differ per env: "db-12", "travel-1-0#3")
      const index = [...id].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
      const oracle = spec.oracle(task);
      const first = oracle.reply([]);
      const second = oracle.reply([{ role: "assistant", content: first }]);
      const replies = [
        [first, second],
        [first, "I am not sure what to do."],
        ["I am not sure what to do."],
        Array(10).fill(first),
      ][index % 4];
      // envs that keep asking after a bad reply (kg) get the same reply again, up to the round limit
      const padded = [...(replies ?? [])];
      while (padded.length < spec.defaults.maxTurns) padded.push(padded.at(-1) ?? "");
      lines.push(JSON.stringify({ taskId: id, replies: padded }));
    }
  }
  writeFileSync(scriptFile, `${lines.join("\n")}\n`);
}
