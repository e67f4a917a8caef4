// Evaluation suites: several envs (task source, limit, weight, round limit) run into one folder,
// resumable env by env, with each task's score, its bootstrap interval and the normalized overalls.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { InputError, readYamlConfig } from "../core/index.js";
import { formatGenerateReport, generateTasksFile } from "../data/index.js";
import { envNames, getEnvSpec, miniwobFolders, type Protocol } from "../envs/index.js";
import type { ChatModel, ParseModelOptions } from "../models/index.js";
import { type Incomplete, type RunSummary, runEnvTasks } from "../runner/index.js";
import { bootstrapInterval, type Interval } from "./bootstrap.js";
import { type Category, type CategoryScore, categoryScore } from "./normalized-score.js";
import { type LoadedRun, loadRun } from "./run-store.js";

export const suiteEnvSchema = z.strictObject({
  env: z.string(),
  /** A task file in the env's format, a folder holding `<split>.jsonl`, or "generated". */
  tasks: z.string().default("generated"),
  split: z.string().optional(),
  /** Tasks to generate when tasks is "generated". */
  count: z.number().int().positive().default(100),
  seed: z.number().int().default(2024),
  limit: z.number().int().positive().optional(),
  /** Weight of this task in its category's overall score. */
  weight: z.number().positive().default(1),
  roundLimit: z.number().int().positive().optional(),
  backend: z.string().optional(),
  /** Draw this many tasks per file as the original harness samples them (rewoo). */
  sample: z.number().int().positive().optional(),
  sampleSeed: z.number().int().nonnegative().optional(),
  /** More offline-wiki pages (hotpotqa, rewoo). */
  corpus: z.array(z.string()).optional(),
  /** miniwob: episodes per listed task (default 10), MiniWoB++'s html folder, the RCI prompt folder. */
  episodes: z.number().int().positive().optional(),
  miniwob: z.string().optional(),
  prompts: z.string().optional(),
});
export const suiteSchema = z.strictObject({
  name: z.string().default("suite"),
  envs: z.array(suiteEnvSchema).min(1),
});
export type Suite = z.infer<typeof suiteSchema>;

/** The built-in held-in suite: every held-in env agenttune has, on its generated tasks. */
export function heldInSuite(): Suite {
  const envs = envNames().filter((name) => getEnvSpec(name).benchmark.category === "held-in");
  return suiteSchema.parse({ name: "held-in", envs: envs.map((env) => ({ env })) });
}

/**
 * The built-in held-out suite: the held-out envs agenttune has, on the question files the user has.
 * hotpotqa runs AgentTuning's HotpotQA levels; rewoo samples 50 questions of each file in `rewoo` (a
 * folder of ReWOO's datasets: HotpotQA, GSM8K, TriviaQA, {question, answer} files), as ReWOO does,
 * pooled into one accuracy; without `rewoo` it samples the HotpotQA files.
 */
export function heldOutSuite({
  hotpotqa,
  rewoo,
  miniwob,
  prompts,
  agenttuning,
  webarena,
  sciworld,
}: HeldOutData): Suite {
  const withMiniwob = Boolean(miniwob || prompts);
  const envs: Record<string, unknown>[] = [
    ...(hotpotqa ? [{ env: "hotpotqa", tasks: resolve(hotpotqa) }] : []),
    ...(hotpotqa || rewoo
      ? [{ env: "rewoo", tasks: resolve((rewoo ?? hotpotqa) as string), sample: 50, sampleSeed: 2024 }]
      : []),
  ];
  if (withMiniwob) {
    // AgentTuning's 46 tasks × 10 episodes, from the RCI folder's task list
    const folders = miniwobFolders({ miniwob, prompts, agenttuning });
    envs.push({
      env: "miniwob",
      tasks: folders.prompts,
      miniwob: folders.pages,
      prompts: folders.prompts,
      episodes: 10,
    });
  }
  if (webarena) envs.push({ env: "webarena", tasks: resolve(webarena) });
  // AgentTuning's 270 variations, through the server given to runSuite
  if (sciworld) envs.push({ env: "sciworld", tasks: "agenttuning-test" });
  // the card game needs no data: AgentBench.old's 2 baselines × 2 seats × 50 games, always
  envs.push({ env: "cardgame", tasks: "agentbench-ext", episodes: 50 });
  return suiteSchema.parse({ name: "held-out", envs });
}

/** Where the held-out suite's question files are. */
export interface HeldOutData {
  hotpotqa?: string;
  rewoo?: string;
  /** MiniWoB++'s html folder and the RCI prompt folder (either one turns miniwob on; the other may come from agenttuning). */
  miniwob?: string;
  prompts?: string;
  agenttuning?: string;
  /** WebArena task configs (run against the sites given to runSuite). */
  webarena?: string;
  /** A ScienceWorld server: adds sciworld on AgentTuning's 270 variations. */
  sciworld?: string;
}

/** Where the general suite's data is (each one adds its benchmark). */
export interface GeneralData {
  /** MMLU: the CSV data folder (dev/, test/) or a folder of Hugging Face files. */
  mmlu?: string;
  /** GSM8K test JSONL. */
  gsm8k?: string;
  /** HumanEval JSONL (or .jsonl.gz). */
  humaneval?: string;
  /** MT-Bench question.jsonl (FastChat's judge_prompts.jsonl and reference answers beside it). */
  mtbench?: string;
}

/** The built-in general suite: MMLU, GSM8K, HumanEval and MT-Bench on the files the user has. */
export function generalSuite({ mmlu, gsm8k, humaneval, mtbench }: GeneralData): Suite {
  const envs = [
    ...(mmlu ? [{ env: "mmlu", tasks: resolve(mmlu) }] : []),
    ...(humaneval ? [{ env: "humaneval", tasks: resolve(humaneval) }] : []),
    ...(gsm8k ? [{ env: "gsm8k", tasks: resolve(gsm8k) }] : []),
    ...(mtbench ? [{ env: "mtbench", tasks: resolve(mtbench) }] : []),
  ];
  if (envs.length === 0)
    throw new InputError(
      "--suite general: pass --mmlu DIR (MMLU's data/ or its Hugging Face files) and/or --gsm8k FILE and/or --humaneval FILE and/or --mtbench question.jsonl (with --judge)",
    );
  return suiteSchema.parse({ name: "general", envs });
}

/** Task sources that name a set instead of a file. */
const builtInTaskSets = ["generated", "agenttuning-test", "agentbench-ext"];

/** "held-in", "held-out", "general" or a suite YAML; task paths in the YAML are relative to its folder. */
export function loadSuite(spec: string, data: HeldOutData & GeneralData = {}): Suite {
  if (spec === "held-in") return heldInSuite();
  if (spec === "held-out") return heldOutSuite(data);
  if (spec === "general") return generalSuite(data);
  if (!existsSync(spec))
    throw new InputError(`--suite "${spec}": not "held-in", "held-out", "general" or a file`);
  const suite = readYamlConfig(spec, suiteSchema);
  for (const entry of suite.envs) {
    getEnvSpec(entry.env);
    // "generated" and built-in sets (sciworld's agenttuning-test, cardgame's agentbench-ext) are names, not paths
    if (!builtInTaskSets.includes(entry.tasks)) entry.tasks = resolve(dirname(spec), entry.tasks);
    if (entry.corpus) entry.corpus = entry.corpus.map((file) => resolve(dirname(spec), file));
    if (entry.miniwob) entry.miniwob = resolve(dirname(spec), entry.miniwob);
    if (entry.prompts) entry.prompts = resolve(dirname(spec), entry.prompts);
  }
  return suite;
}

export interface TaskScore {
  env: string;
  task: string;
  category: Category;
  weight: number;
  /** Percent (as the paper prints scores). */
  score: number;
  interval: Interval;
  episodes: number;
  dir: string;
}

export interface SuiteSummary {
  suite: string;
  model: string;
  tasks: TaskScore[];
  categories: CategoryScore[];
  complete: boolean;
  /** The first env run that ended incomplete, and why (the suite stops there when it stopped itself). */
  incomplete?: { env: string; dir: string; run: Incomplete };
}

/** A run's task score with a bootstrap interval over its episodes. */
export function scoreRun(run: LoadedRun, weight = 1): TaskScore {
  const spec = getEnvSpec(run.summary.env);
  const rates = (episodes: readonly LoadedRun["episodes"][number][]) => ({
    successRate: episodes.filter((e) => e.success).length / Math.max(1, episodes.length),
    averageReward: episodes.reduce((n, e) => n + e.reward, 0) / Math.max(1, episodes.length),
  });
  const score = (episodes: readonly LoadedRun["episodes"][number][]) =>
    spec.score(run.summary.metrics, rates(episodes));
  return {
    env: spec.name,
    task: spec.benchmark.task,
    category: spec.benchmark.category,
    weight,
    score: score(run.episodes),
    interval: bootstrapInterval(run.episodes, score),
    episodes: run.episodes.length,
    dir: run.dir,
  };
}

export function categoryScores(
  tasks: readonly TaskScore[],
  normalizers?: Readonly<Record<string, number>>,
): CategoryScore[] {
  const scores = Object.fromEntries(tasks.map((t) => [t.task, t.score]));
  const weights = Object.fromEntries(tasks.map((t) => [t.task, t.weight]));
  return (["held-in", "held-out", "general"] as const).flatMap(
    (c) => categoryScore(scores, c, { weights, ...(normalizers ? { normalizers } : {}) }) ?? [],
  );
}

export interface RunSuiteOptions {
  suite: Suite;
  model: string | ChatModel;
  modelOptions?: ParseModelOptions;
  out: string;
  concurrency?: number;
  /** Move previous runs aside and start over. */
  forceNew?: boolean;
  /** The AgentBench version the held-in envs reproduce. */
  protocol?: Protocol;
  /** The user's AgentBench checkout (its prompts). */
  agentbench?: string;
  /** The user's AgentTuning checkout (the held-out envs' prompts). */
  agenttuning?: string;
  /** Judge model spec for envs scored by an LLM judge (rewoo). */
  judge?: string;
  /** The judge's grading prompt file (rewoo). */
  judgePrompt?: string;
  /** rewoo: model spec behind the LLM tool. */
  toolModel?: string;
  /** webarena: site URLs, "shopping=URL,gitlab=URL". */
  sites?: string;
  /** sciworld: the ScienceWorld server and its API dialect. */
  sciworld?: string;
  sciworldApi?: "agentgym" | "agenttune";
  progress?: boolean;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

async function taskFile(
  entry: Suite["envs"][number],
  out: string,
  log: ((line: string) => void) | undefined,
): Promise<string> {
  if (entry.tasks === "generated") {
    const file = join(out, "tasks", `${entry.env}.jsonl`);
    if (!existsSync(file)) {
      mkdirSync(join(out, "tasks"), { recursive: true });
      log?.(`${entry.env}: generating ${entry.count} tasks, each verified on the real backend…`);
      const step = Math.max(1, Math.ceil(entry.count / 5));
      const report = await generateTasksFile({
        env: entry.env,
        count: entry.count,
        seed: entry.seed,
        out: file,
        backend: entry.backend,
        onProgress: (r) => {
          if (r.verified % step === 0 && r.verified < entry.count)
            log?.(`${entry.env}: ${r.verified}/${entry.count} tasks verified`);
        },
      });
      log?.(formatGenerateReport(report));
    }
    return file;
  }
  if (entry.split && existsSync(join(entry.tasks, `${entry.split}.jsonl`)))
    return join(entry.tasks, `${entry.split}.jsonl`);
  if (entry.split && existsSync(join(entry.tasks, `${entry.split}.json`)))
    return join(entry.tasks, `${entry.split}.json`);
  return entry.tasks;
}

export async function runSuite({
  suite,
  model,
  modelOptions,
  out,
  concurrency,
  forceNew,
  protocol,
  agentbench,
  agenttuning,
  judge,
  judgePrompt,
  toolModel,
  sites,
  sciworld,
  sciworldApi,
  progress = true,
  log = console.log,
  signal,
}: RunSuiteOptions): Promise<SuiteSummary> {
  const summaries: RunSummary[] = [];
  const tasks: TaskScore[] = [];
  let complete = true;
  let incomplete: SuiteSummary["incomplete"];
  for (const entry of suite.envs) {
    if (signal?.aborted) {
      complete = false;
      break;
    }
    const dir = join(out, entry.env);
    const summary = await runEnvTasks({
      env: entry.env,
      tasks: await taskFile(entry, out, progress ? log : undefined),
      model,
      modelOptions,
      out: dir,
      backend: entry.backend,
      concurrency,
      limit: entry.limit,
      roundLimit: entry.roundLimit,
      progress,
      forceNew,
      protocol,
      agentbench,
      agenttuning,
      judge,
      judgePrompt,
      toolModel,
      sample: entry.sample,
      sampleSeed: entry.sampleSeed,
      corpus: entry.corpus,
      episodes: entry.episodes,
      miniwob: entry.miniwob,
      prompts: entry.prompts,
      sites,
      sciworld,
      sciworldApi,
      signal,
    });
    summaries.push(summary);
    complete &&= summary.complete;
    if (summary.incomplete && !incomplete) incomplete = { env: entry.env, dir, run: summary.incomplete };
    tasks.push(scoreRun(await loadRun(dir), entry.weight));
    const last = tasks.at(-1) as TaskScore;
    log(
      `${entry.env}: ${last.task} ${last.score.toFixed(1)} (95% CI ${last.interval.low.toFixed(1)}–${last.interval.high.toFixed(1)}) over ${last.episodes} episodes${summary.incomplete ? ` (incomplete: ${summary.incomplete.pending} left)` : ""}`,
    );
    if (summary.incomplete?.stopped) break; // the same server would fail the next env too
  }
  const result: SuiteSummary = {
    suite: suite.name,
    model: summaries[0]?.model ?? (typeof model === "string" ? model : model.id),
    tasks,
    categories: categoryScores(tasks),
    complete,
    ...(incomplete ? { incomplete } : {}),
  };
  const file = join(out, "suite.json");
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return result;
}
