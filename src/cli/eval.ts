// `agenttune eval`: evaluate a model on an env's tasks, or on a suite of envs.
import { type Command, Option } from "commander";
import { InputError } from "../core/index.js";
import { getEnvSpec, miniwobFolders } from "../envs/index.js";
import { formatResultsTable, loadSuite, runEval, runSuite } from "../eval/index.js";
import {
  actionFormatOption,
  addQueueOptions,
  agentbenchOption,
  agenttuningOption,
  corpusOption,
  interruptSignal,
  positiveInt,
  protocolOption,
  reportIncomplete,
} from "./options.js";

export function registerEval(program: Command) {
  // options of a single-env run; with --suite, the suite YAML sets them per env
  const perEnv = (flags: string, description: string, parse?: (v: string) => unknown) => {
    const option = new Option(flags, description).conflicts("suite");
    return parse ? option.argParser(parse) : option;
  };
  const command = program
    .command("eval")
    .description("evaluate a model on an env's tasks or on a suite (resumable: re-run with the same --out)")
    .option(
      "--suite <suite>",
      "held-in (every held-in env on its generated tasks), general (mmlu, gsm8k, humaneval, mtbench on --mmlu/--gsm8k/--humaneval/--mtbench), held-out (the card game, plus hotpotqa on --hotpotqa files, rewoo on --rewoo files, miniwob with --miniwob/--prompts, webarena with --webarena, sciworld with --sciworld) or a suite YAML file (its envs set tasks, limit, backend, round limit, sample, corpus, episodes, miniwob, prompts)",
    )
    .addOption(perEnv("--env <name>", "environment, e.g. db (without --suite)"))
    .addOption(
      perEnv(
        "--tasks <file>",
        "task file in the env's format, e.g. AgentBench dbbench JSONL (without --suite)",
      ),
    )
    .requiredOption(
      "--model <spec>",
      'model: "oracle", "openai:NAME", "http://HOST/v1#NAME", "gguf:PATH", "scripted:FILE"',
    )
    .requiredOption(
      "--out <dir>",
      "output directory (results.jsonl and summary.json; one folder per env for a suite)",
    )
    .addOption(
      perEnv(
        "--scripts <dir>",
        "os: folder of the scripts the task file refers to (default: the task file's folder)",
      ),
    )
    .addOption(
      perEnv(
        "--backend <spec>",
        "env backend: db sqlite (default) | mariadb | mysql://user:pass@host:port; os bwrap | host | image:PATH; kg an N-Triples/Turtle file; webshop a WebShop data folder; mind2web multiple-choice | multiple-choice-cot",
      ),
    )
    .option("--concurrency <n>", "episodes in flight", positiveInt, 4)
    .addOption(perEnv("--limit <n>", "only the first N tasks", positiveInt))
    .option(
      "--max-retries <n>",
      "HTTP models: retries on 429/5xx/network errors",
      (v) => Number.parseInt(v, 10),
      4,
    )
    .option("--timeout <seconds>", "HTTP models: per-request timeout", positiveInt, 120)
    .addOption(
      perEnv(
        "--max-prompt-tokens <n>",
        "drop the oldest turns (never the instructions) beyond this prompt size",
        positiveInt,
      ),
    )
    .addOption(
      perEnv(
        "--round-limit <n>",
        "turns before the episode ends (default: each env's AgentBench limit, e.g. db 5 SQL operations)",
        positiveInt,
      ),
    )
    .addOption(protocolOption())
    .addOption(actionFormatOption())
    .addOption(agentbenchOption())
    .addOption(agenttuningOption())
    .addOption(corpusOption())
    .option(
      "--hotpotqa <path>",
      "--suite held-out: AgentTuning's HotpotQA question files (a folder or one file)",
    )
    .option(
      "--rewoo <path>",
      "--suite held-out: ReWOO's question files (a folder: HotpotQA, GSM8K, TriviaQA, {question, answer}; 50 sampled from each)",
    )
    .option(
      "--mmlu <dir>",
      "--suite general: MMLU's data folder (dev/, test/ CSVs) or its Hugging Face files",
    )
    .option("--gsm8k <file>", "--suite general: GSM8K test JSONL (question, answer with #### n)")
    .option("--humaneval <file>", "--suite general: HumanEval JSONL (or .jsonl.gz)")
    .option(
      "--mtbench <file>",
      "--suite general: MT-Bench question.jsonl (FastChat's judge_prompts.jsonl and reference_answer/ beside it; needs --judge)",
    )
    .option(
      "--judge <model>",
      "rewoo: the model that grades answers CORRECT/INCORRECT (without one, the score is EM); mtbench: the model that rates each answer 1-10",
    )
    .option(
      "--judge-prompt <file>",
      "rewoo: the judge's grading prompt, a text file or langchain's evaluation/qa/eval_prompt.py (ReWOO's original); mtbench: FastChat's judge_prompts.jsonl (default: beside question.jsonl)",
    )
    .option("--tool-model <model>", "rewoo: the model behind the LLM tool (default: the model under test)")
    .option("--sample <n>", "rewoo: draw n questions as ReWOO does (pandas df.sample)", positiveInt)
    .option("--sample-seed <n>", "the sampling seed", (v) => Number.parseInt(v, 10), 2024)
    .option(
      "--miniwob <dir>",
      "miniwob (and --suite held-out): MiniWoB++'s html folder (miniwob/*.html, core/, common/); default: the copy in --agenttuning",
    )
    .option(
      "--prompts <dir>",
      "miniwob (and --suite held-out): the RCI agent's folder (prompt/, available_tasks.txt; also the default --tasks); sciworld: its one-shot file prompt.json; default: the copies in --agenttuning",
    )
    .option(
      "--sites <list>",
      "webarena (and --suite held-out): site URLs, shopping=URL,shopping_admin=URL,reddit=URL,gitlab=URL,wikipedia=URL,map=URL,homepage=URL (else the SHOPPING, GITLAB… environment variables); tasks of other sites are skipped and counted",
    )
    .option(
      "--webarena <file>",
      "--suite held-out: WebArena task configs (test.raw.json or a folder of them)",
    )
    .addOption(
      perEnv(
        "--episodes <n>",
        "miniwob: episodes per listed task, seeds 0…n-1 (AgentTuning: 10)",
        positiveInt,
      ),
    )
    .addOption(
      perEnv(
        "--games <n>",
        "cardgame: games per baseline and seat (AgentBench.old's ext split: 50, so 200 games)",
        positiveInt,
      ),
    )
    .addOption(
      perEnv(
        "--samples <n>",
        "replies per task (humaneval: pass@k for every k ≤ n; use with --temperature)",
        positiveInt,
      ),
    )
    .addOption(
      perEnv("--temperature <t>", "sampling temperature (default 0: greedy, as AgentTuning)", (v) => {
        const t = Number(v);
        if (!Number.isFinite(t) || t < 0) throw new InputError(`--temperature ${v}: not a number ≥ 0`);
        return t;
      }),
    )
    .addOption(
      perEnv(
        "--max-tokens <n>",
        "new tokens per model reply (default: the env's, as its original harness generated, e.g. mtbench 4096)",
        positiveInt,
      ),
    )
    .option("--force-new", "move a previous run in --out aside (renamed, not deleted) and start over");
  addQueueOptions(command).action(async (opts) => {
    const signal = interruptSignal();
    const modelOptions = { maxRetries: opts.maxRetries, timeoutMs: opts.timeout * 1000 };
    if (opts.suite) {
      const result = await runSuite({
        suite: loadSuite(opts.suite, {
          hotpotqa: opts.hotpotqa,
          rewoo: opts.rewoo,
          miniwob: opts.miniwob,
          prompts: opts.prompts,
          agenttuning: opts.agenttuning,
          webarena: opts.webarena,
          sciworld: opts.sciworld,
          mmlu: opts.mmlu,
          gsm8k: opts.gsm8k,
          humaneval: opts.humaneval,
          mtbench: opts.mtbench,
        }),
        sites: opts.sites,
        sciworld: opts.sciworld,
        sciworldApi: opts.sciworldApi,
        model: opts.model,
        modelOptions,
        out: opts.out,
        concurrency: opts.concurrency,
        forceNew: opts.forceNew,
        protocol: opts.protocol,
        agentbench: opts.agentbench,
        agenttuning: opts.agenttuning,
        judge: opts.judge,
        judgePrompt: opts.judgePrompt,
        toolModel: opts.toolModel,
        signal,
      });
      for (const c of result.categories)
        process.stdout.write(
          `${c.category} overall: ${c.overall.toFixed(2)} (${c.tasks.map((t) => t.task).join(", ")})\n`,
        );
      process.stdout.write(`suite summary: ${opts.out}/suite.json\n`);
      const unfinished = result.incomplete;
      if (unfinished)
        reportIncomplete({ complete: false, incomplete: unfinished.run }, unfinished.dir, signal);
      else if (signal.aborted) process.exitCode = 130;
      return;
    }
    // an unknown --env is named before a missing --tasks (the env decides whether it needs one)
    if (opts.env) getEnvSpec(opts.env);
    // miniwob's task list is the RCI folder's available_tasks.txt unless --tasks says otherwise
    if (opts.env === "miniwob" && !opts.tasks) opts.tasks = miniwobFolders(opts).prompts;
    if (opts.env === "sciworld" && !opts.tasks) opts.tasks = "agenttuning-test";
    if (opts.env === "cardgame") {
      opts.tasks ??= "agentbench-ext";
      if (opts.games) opts.episodes = opts.games;
    }
    if (!opts.env || !opts.tasks) throw new InputError("eval: pass --suite, or --env and --tasks");
    const summary = await runEval({ ...opts, modelOptions, signal });
    process.stdout.write(`${formatResultsTable([summary], Object.keys(summary.metrics))}\n`);
    process.stdout.write(`results: ${opts.out}/results.jsonl, summary: ${opts.out}/summary.json\n`);
    reportIncomplete(summary, opts.out, signal);
  });
}
