import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { Message } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import { calculate, cleanReply } from "./env.js";
import { PlanError, parseEvidences, parsePlans, substituteEvidence, workerLog } from "./plan.js";
import { ownRewooTexts, plannerPrompt, rewooTextsFromCheckout } from "./prompt.js";
import { splitRecursive } from "./search-doc.js";
import { rewooSpec } from "./spec.js";
import { loadRewooTasks, type RewooTask } from "./tasks.js";

const hotpotFixture = resolve("test/fixtures/hotpotqa/dev.jsonl");
const fixtureCheckout = resolve("test/fixtures/agenttuning");
const dir = mkdtempSync(join(tmpdir(), "rewoo-"));

async function tasksOf(file: string, options = {}): Promise<RewooTask[]> {
  const tasks: RewooTask[] = [];
  for await (const task of loadRewooTasks(file, options)) tasks.push(task);
  return tasks;
}

/** Replays replies; records each prompt it sees (independent turns: system + one user turn). */
function recordingModel(replies: string[], id = "recording") {
  const prompts: Message[][] = [];
  const model: ChatModel = {
    id,
    complete: async (messages: Message[]) => {
      prompts.push(messages);
      return { text: replies.shift() ?? "" };
    },
  };
  return { model, prompts };
}

describe("rewoo plan reading (PWS.py)", () => {
  it("reads Plan lines and #E lines as PWS does, and raises where it raises", () => {
    const plan =
      "Plan: one\n#E1 = Wikipedia[A]\nnoise\nPlan: two\n#E2 = LLM[x #E1]\n#E10 = Calculator[1+1]\n#E1 = Wikipedia[B]\n#X = y";
    expect(parsePlans(plan)).toEqual(["Plan: one", "Plan: two"]);
    // str.splitlines() breaks lines at \r\n, \x85, \u2028 … too
    expect(parsePlans("Plan: a\r\nPlan: b\u0085Plan: c\u2028x")).toEqual(["Plan: a", "Plan: b", "Plan: c"]);
    // a repeated key keeps its place with the new value; keys over 3 characters get no evidence
    expect([...parseEvidences(plan)]).toEqual([
      ["#E1", "Wikipedia[B]"],
      ["#E2", "LLM[x #E1]"],
      ["#E10", "No evidence found"],
    ]);
    expect(() => parseEvidences("Plan: a\n#E")).toThrow(PlanError);
    expect(() => parseEvidences("#E1 Wikipedia[A]")).toThrow(/has no "="/);
    expect(substituteEvidence("compare #E1 and #E2 (#E1)", new Map([["#E1", "x"]]))).toBe(
      "compare [x] and #E2 ([x])",
    );
    expect(() => workerLog(["Plan: a", "Plan: b"], new Map([["#E1", "x"]]))).toThrow(/KeyError: '#E2'/);
    expect(workerLog(["Plan: a"], new Map([["#E1", "x"]]))).toBe("Plan: a\nEvidence:\nx\n");
    expect(cleanReply("\n answer [INST] more")).toBe("answer");
  });

  it("computes with a safe calculator: arithmetic yes, definitions and imports no", () => {
    expect(calculate("(2 * 7 - 10) - 8")).toBe("-4");
    expect(calculate("2^10 / 4")).toBe("256");
    expect(() => calculate("import({x: 1})")).toThrow(/disabled/);
    expect(() => calculate('evaluate("1+1")')).toThrow(/disabled/);
    expect(() => calculate("f(x) = x")).toThrow();
    // a hostile plan gets no matrices, ranges or endless input: one reply must not take the run's memory
    expect(() => calculate("ones(100000, 100000)")).toThrow(/ones is disabled/);
    expect(() => calculate("1:1e9")).toThrow(/RangeNode is disabled/);
    expect(() => calculate("x = 3")).toThrow(/AssignmentNode is disabled/);
    expect(() => calculate("5 cm")).toThrow(/cm is not a number/);
    expect(() => calculate(`${"1+".repeat(600)}1`)).toThrow(/longer than 1000 characters/);
    expect(calculate("sqrt(16) + max(1, 2)")).toBe("6");
    expect(calculate("sqrt(-4)")).toBe("2i");
  });
});

describe("rewoo env", () => {
  it("samples questions as ReWOO's df.sample(50, random_state=2024) does", async () => {
    // physics_question.csv has 53 rows; ReWOO's first five picks are rows 29, 25, 43, 13, 17
    const file = join(dir, "generic.jsonl");
    writeFileSync(
      file,
      Array.from({ length: 53 }, (_, i) => JSON.stringify({ question: `q${i}?`, answer: `${i}` })).join("\n"),
    );
    const tasks = await tasksOf(file, { sample: 50, seed: 2024 });
    expect(tasks).toHaveLength(50);
    expect(tasks.slice(0, 5).map((t) => t.id)).toEqual([29, 25, 43, 13, 17].map((i) => `generic.jsonl:${i}`));
    expect(tasks[0]).toMatchObject({ dataset: "generic", question: "q29?", answer: "29" });
  });

  it("reads the datasets' labels: GSM8K after '#### ', TriviaQA's value, HotpotQA with its pages", async () => {
    const file = join(dir, "mixed.jsonl");
    writeFileSync(
      file,
      [
        { question: "How many?", answer: "2 + 2 = 4\n#### 4" },
        { question: "Capital?", answer: { value: "Paris", aliases: [] } },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    expect((await tasksOf(file)).map((t) => [t.dataset, t.answer])).toEqual([
      ["gsm8k", "4"],
      ["trivia_qa", "Paris"],
    ]);
    const [hotpot] = await tasksOf(hotpotFixture);
    expect(hotpot).toMatchObject({
      dataset: "hotpot_qa",
      supporting: ["Harbor at Dawn", "Tagus Maritime Museum"],
    });
    writeFileSync(file, `${JSON.stringify({ question: "q", answer: "no hashes", dataset: "gsm8k" })}\n`);
    await expect(tasksOf(file)).rejects.toThrow(
      /mixed\.jsonl:1: answer: a GSM8K answer ends with "#### <number>"/,
    );
  });

  it("runs planner, workers and solver as fresh prompts, with the LLM tool as a turn of the model's own", async () => {
    const [task] = await tasksOf(hotpotFixture);
    const plan = [
      "Plan: Find the painting.",
      "#E1 = Wikipedia[Harbor at Dawn]",
      "Plan: Find the museum's city.",
      "#E2 = LLM[Which museum? Given context: #E1]",
      "Plan: Look up the museum.",
      "#E3 = Wikipedia[#E2]",
      "Plan: A tool this dataset does not have.",
      "#E4 = Calculator[1 + 1]",
      "Plan: Plain evidence.",
      "#E5 = Lisbon is the city",
    ].join("\n");
    const { model, prompts } = recordingModel([plan, "\nTagus Maritime Museum\n", "Lisbon [INST] ignored"]);
    const judge = recordingModel(["CORRECT"], "judge");
    const backend = await rewooSpec.open({ taskFiles: [hotpotFixture], judge: judge.model });
    const trajectory = await runEpisode({ spec: rewooSpec, backend, task: task as RewooTask, model });
    expect(trajectory.independentTurns).toBe(true);
    // every call: the Llama-2 system prompt and one user turn
    expect(prompts.map((p) => p.map((m) => m.role))).toEqual([
      ["system", "user"],
      ["system", "user"],
      ["system", "user"],
    ]);
    expect(prompts[0]?.[1]?.content).toBe(
      plannerPrompt(ownRewooTexts, "hotpot_qa", (task as RewooTask).question),
    );
    const paragraph =
      "Harbor at Dawn is an 1887 oil painting by the marine painter Ines Varela. It hangs in the Tagus Maritime Museum.";
    expect(prompts[1]?.[1]?.content).toBe(
      `${ownRewooTexts.llmToolPrefix}Which museum? Given context: [${paragraph}]`,
    );
    const solver = prompts[2]?.[1]?.content ?? "";
    expect(solver).toContain(
      [
        "Plan: Find the painting.",
        "Evidence:",
        paragraph,
        "Plan: Find the museum's city.",
        "Evidence:",
        "Tagus Maritime Museum",
        "Plan: Look up the museum.",
        "Evidence:",
        "The Tagus Maritime Museum is a museum of seafaring history. It is located in Lisbon, Portugal, on the bank of the Tagus river. The museum opened in 1962.",
        "Plan: A tool this dataset does not have.",
        "Evidence:",
        "No evidence found",
        "Plan: Plain evidence.",
        "Evidence:",
        "Lisbon is the city",
        "",
      ].join("\n"),
    );
    expect(trajectory).toMatchObject({
      reward: 1,
      info: { answer: "Lisbon", em: 1, f1: 1, acc: 1, judge: "CORRECT", attempts: 1 },
    });
    expect(judge.prompts[0]?.[0]?.content).toMatch(
      /QUESTION: Which city .*\nSTUDENT ANSWER: Lisbon\nTRUE ANSWER: Lisbon\nGRADE:$/s,
    );
  });

  it("a judge that answers anything but CORRECT scores 0, and the reply is kept", async () => {
    const [task] = await tasksOf(hotpotFixture);
    const { model } = recordingModel(["Plan: none.\n#E1 = nothing", "Lisbon"]);
    const judge = recordingModel(["The answer is CORRECT!"], "judge").model;
    const backend = await rewooSpec.open({ taskFiles: [hotpotFixture], judge });
    const trajectory = await runEpisode({ spec: rewooSpec, backend, task: task as RewooTask, model });
    expect(trajectory).toMatchObject({ reward: 0, info: { em: 1, acc: 0, judge: "The answer is CORRECT!" } });
    expect(
      rewooSpec.score(rewooSpec.metrics([trajectory], new Map([[trajectory.taskId, task as RewooTask]])), {
        successRate: 0,
        averageReward: 0,
      }),
    ).toBe(0);
  });

  it("grades with a prompt from a file: langchain's eval_prompt.py layout or plain text", async () => {
    const [task] = await tasksOf(hotpotFixture);
    const { model } = recordingModel(["Plan: none.\n#E1 = nothing", "Lisbon"]);
    const judge = recordingModel(["CORRECT"], "judge");
    const backend = await rewooSpec.open({
      taskFiles: [hotpotFixture],
      judge: judge.model,
      judgePrompt: resolve("test/fixtures/langchain/eval_prompt.py"),
    });
    expect(backend.name).toContain("eval_prompt.py");
    await runEpisode({ spec: rewooSpec, backend, task: task as RewooTask, model });
    expect(judge.prompts[0]?.[0]?.content).toBe(
      `Fixture grader.\nQ: ${(task as RewooTask).question}\nS: Lisbon\nT: Lisbon\nGRADE:`,
    );
    const plain = join(dir, "grader.txt");
    writeFileSync(plain, "Grade {result} for {query}.");
    await expect(rewooSpec.open({ taskFiles: [hotpotFixture], judgePrompt: plain })).rejects.toThrow(
      /grader\.txt: the prompt has no \{answer\}/,
    );
  });

  it("plans again when PWS would raise, three attempts, then the prediction is nan", async () => {
    const [task] = await tasksOf(hotpotFixture);
    const bad = "Plan: a step without its evidence line";
    const { model, prompts } = recordingModel([bad, "Plan: x\n#E", bad]);
    const backend = await rewooSpec.open({ taskFiles: [hotpotFixture] });
    const trajectory = await runEpisode({ spec: rewooSpec, backend, task: task as RewooTask, model });
    expect(prompts).toHaveLength(3);
    expect(prompts[1]?.[1]?.content).toBe(prompts[0]?.[1]?.content);
    expect(trajectory).toMatchObject({
      reward: 0,
      failure: "invalid_format",
      info: {
        answer: "nan",
        attempts: 3,
        planFailure: expect.stringMatching(/KeyError: '#E1'.*after 3 attempts/),
      },
    });
    // a calculation that fails is such an exception too (LLMMathChain raises): the next plan may work
    const file = join(dir, "gsm8k.jsonl");
    writeFileSync(file, `${JSON.stringify({ question: "What is 2 + 2?", answer: "2 + 2 = 4\n#### 4" })}\n`);
    const [math] = await tasksOf(file);
    const calc = recordingModel([
      "Plan: add.\n#E1 = Calculator[2 +]",
      "Plan: add.\n#E1 = Calculator[2 + 2]",
      "4",
    ]);
    const retried = await runEpisode({
      spec: rewooSpec,
      backend,
      task: math as RewooTask,
      model: calc.model,
    });
    expect(calc.prompts[2]?.[1]?.content).toContain("Plan: add.\nEvidence:\n4\n");
    expect(retried).toMatchObject({ reward: 1, info: { answer: "4", attempts: 2 } });
  });

  it("with --tool-model, the LLM tool is that model and the model under test only plans and solves", async () => {
    const [task] = await tasksOf(hotpotFixture);
    const { model, prompts } = recordingModel(["Plan: ask.\n#E1 = LLM[Which city?]", "Lisbon"]);
    const tool = recordingModel(["Lisbon\n"], "tool");
    const backend = await rewooSpec.open({ taskFiles: [hotpotFixture], toolModel: tool.model });
    const trajectory = await runEpisode({ spec: rewooSpec, backend, task: task as RewooTask, model });
    expect(prompts).toHaveLength(2);
    expect(tool.prompts[0]?.map((m) => m.content)).toEqual([
      "You are a helpful, respectful and honest assistant.",
      `${ownRewooTexts.llmToolPrefix}Which city?`,
    ]);
    expect(prompts[1]?.[1]?.content).toContain("Plan: ask.\nEvidence:\nLisbon\n");
    expect(trajectory.reward).toBe(1);
  });

  it("a question file without pages opens with an empty wiki; a corpus file that is not one fails", async () => {
    const file = join(dir, "gsm8k-only.jsonl");
    writeFileSync(file, `${JSON.stringify({ question: "What is 1 + 1?", answer: "#### 2" })}\n`);
    expect((await rewooSpec.open({ taskFiles: [file] })).name).toMatch(/^offline wiki \(0 pages\)/);
    await expect(rewooSpec.open({ taskFiles: [file], corpus: [file] })).rejects.toThrow(
      /gsm8k-only\.jsonl:1: context.*not an abstracts dump either/,
    );
  });

  it("reads its prompts from an AgentTuning checkout", () => {
    const texts = rewooTextsFromCheckout(fixtureCheckout);
    expect(texts).toMatchObject({
      plannerPrefix: "Fixture planner prefix. Second part.\n\n",
      solverSuffix: "\nFixture solver suffix.\n\n",
      llmToolPrefix: "Fixture request prefix.\n\n",
      descriptions: { Wikipedia: "Fixture Wikipedia, in two parts.", LLM: "Fixture LLM." },
    });
    expect(plannerPrompt(texts, "gsm8k", "Q?")).toBe(
      "Fixture planner prefix. Second part.\n\nTools can be one of the following:\nLLM[input]: Fixture LLM.\nWolframAlpha[input]: Fixture WolframAlpha.\nCalculator[input]: Fixture Calculator.\n\nFixture math plan.\n\nFixture planner suffix.\n\nQ?\n",
    );
  });

  it("the oracle answers every fixture question, and AgentTuning's HotpotQA files", async () => {
    const files = [hotpotFixture];
    const root = benchmarksDir();
    if (root) {
      const shared = ["hotpotqa-easy.jsonl", "hotpotqa-medium.jsonl"].map((f) =>
        join(root, "agenttuning", "hotpotqa", f),
      );
      if (!shared.every(existsSync)) throw new Error("AgentTuning's HotpotQA files are missing");
      files.push(...shared);
    }
    const backend = await rewooSpec.open({ taskFiles: files });
    let n = 0;
    for (const file of files)
      for (const task of await tasksOf(file)) {
        const trajectory = await runEpisode({
          spec: rewooSpec,
          backend,
          task,
          model: oracleModel(rewooSpec),
        });
        expect(trajectory.reward, task.id).toBe(1);
        n++;
      }
    expect(n).toBe(root ? 203 : 3);
  }, 120_000);
});

describe("rewoo: ReWOO's own CSV datasets (BIG-bench, SOTU_QA)", () => {
  const data = resolve("test/fixtures/rewoo");
  const speech = join(data, "docs", "state_of_the_union.txt");

  it("reads a ReWOO data/ folder: the three BIG-bench CSVs and SOTU_QA, as pandas reads them", async () => {
    const tasks = await tasksOf(data);
    expect(tasks.map((t) => [t.dataset, t.answer])).toEqual([
      ["strategy_qa", "Yes"],
      ["strategy_qa", "No"],
      ["strategy_qa", "Yes"],
      ["physics_question", "Can be one of ['20 m']"],
      ["sports_understanding", "implausible"],
      ["sotu_qa", "The Lantern River"],
      ["sotu_qa", "Twelve"],
    ]);
    // quoted cells keep their commas, doubled quotes and newlines
    expect(tasks[2]?.question).toBe(
      `Answer with 'Yes' or 'No': Is a "quoted" word, with a comma, still one cell?`,
    );
    expect(tasks[3]?.question).toBe("A cart rolls at 2 m/s for 10 s.\nHow far does it go?");
    expect(tasks[0]?.id).toBe("strategy_qa.csv:0");
    expect(tasks.filter((t) => t.document).map((t) => t.document)).toEqual([speech, speech]);
  });

  it("names what is wrong with a CSV: no SOTU text beside it, a header without question columns", async () => {
    const lone = join(dir, "SOTU_QA.csv");
    writeFileSync(lone, "question,answer\nq?,a\n");
    await expect(tasksOf(lone)).rejects.toThrow(
      /SOTU_QA\.csv: sotu_qa's SearchSOTU tool needs ReWOO's state_of_the_union\.txt \(looked for .*docs\/state_of_the_union\.txt and /,
    );
    const odd = join(dir, "odd.csv");
    writeFileSync(odd, "prompt,label\nq?,a\n");
    await expect(tasksOf(odd)).rejects.toThrow(
      /odd\.csv: the header must name input,target or question,answer/,
    );
    writeFileSync(odd, 'input,target\n"open quote,a\n');
    await expect(tasksOf(odd)).rejects.toThrow(/odd\.csv: not a CSV file with a header row/);
  });

  it("gives each dataset eval-tgi.sh's toolset and util.py's few-shot plan", () => {
    const texts = rewooTextsFromCheckout(fixtureCheckout);
    expect(texts.descriptions.SearchSOTU).toBe(
      "Fixture document search in fixture_speech. Input is a query.",
    );
    expect(plannerPrompt(texts, "sotu_qa", "Q?")).toBe(
      "Fixture planner prefix. Second part.\n\nTools can be one of the following:\nLLM[input]: Fixture LLM.\nCalculator[input]: Fixture Calculator.\nGoogle[input]: Fixture Google.\nSearchSOTU[input]: Fixture document search in fixture_speech. Input is a query.\n\nFixture math plan.\n\nFixture planner suffix.\n\nQ?\n",
    );
    for (const dataset of ["strategy_qa", "physics_question", "sports_understanding"] as const)
      expect(plannerPrompt(texts, dataset, "Q?")).toBe(
        "Fixture planner prefix. Second part.\n\nTools can be one of the following:\nWikipedia[input]: Fixture Wikipedia, in two parts.\nLLM[input]: Fixture LLM.\nWolframAlpha[input]: Fixture WolframAlpha.\nCalculator[input]: Fixture Calculator.\nGoogle[input]: Fixture Google.\n\nFixture math plan.\n\nFixture planner suffix.\n\nQ?\n",
      );
  });

  it("splits a text as RecursiveCharacterTextSplitter(1000, 0) does: paragraphs first, then words", () => {
    const long = Array.from({ length: 400 }, (_, i) => `w${i}`).join(" ");
    const text = `short one\n\nshort two\n\n${long}\n\nlast`;
    const chunks = splitRecursive(text);
    // the two short paragraphs fit one chunk; the long one is cut at spaces; nothing is lost
    expect(chunks[0]).toBe("short one\n\nshort two");
    expect(chunks.every((c) => c.length <= 1000)).toBe(true);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join(" ").split(/\s+/)).toEqual(text.split(/\s+/));
    expect(chunks.at(-1)).toBe("last");
  });

  it("SearchSOTU returns the passage of the speech that answers, and the episode scores it", async () => {
    const tasks = await tasksOf(join(data, "SOTU", "SOTU_QA.csv"));
    const task = tasks[0] as RewooTask;
    const { model, prompts } = recordingModel([
      "Plan: Find the bridge in the speech.\n#E1 = SearchSOTU[new bridge river]",
      "The Lantern River",
    ]);
    const backend = await rewooSpec.open({ taskFiles: [join(data, "SOTU", "SOTU_QA.csv")] });
    const trajectory = await runEpisode({ spec: rewooSpec, backend, task, model });
    const solver = prompts[1]?.[1]?.content ?? "";
    expect(solver).toContain("Plan: Find the bridge in the speech.\nEvidence:\n");
    expect(solver).toContain("We will build a new bridge across the Lantern River");
    expect(solver).not.toContain("twelve lighthouses");
    expect(trajectory).toMatchObject({ reward: 1, info: { answer: "The Lantern River", em: 1 } });
  });

  it("the oracle answers every question of the fixture data folder", async () => {
    const backend = await rewooSpec.open({ taskFiles: [data] });
    const tasks = await tasksOf(data);
    for (const task of tasks) {
      const trajectory = await runEpisode({ spec: rewooSpec, backend, task, model: oracleModel(rewooSpec) });
      expect(trajectory.reward, task.id).toBe(1);
    }
    expect(tasks).toHaveLength(7);
  });
});
