// The webarena env against WebArena's code as AgentTuning ran it (eval_heldout/webarena): its action
// grammar (browser_env/actions.py create_id_based_action), the previous-action texts
// (helper_functions.py get_action_description), the early stops (run.py early_stop), the tree
// rendering (processors.py parse_accessibility_tree, clean_accesibility_tree) and the evaluators, on
// test sites in real Chromium with WebArena-format task files.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { chromiumAvailable } from "../../../test/helpers/chromium.js";
import { startTestSite, type TestSite } from "../../../test/helpers/web-sites.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { Trajectory } from "../../core/index.js";
import { runEval } from "../../eval/index.js";
import type { ChatModel } from "../../models/index.js";
import { ScriptedModel } from "../../models/index.js";
import type { EnvBackend } from "../types.js";
import { sampleGoals } from "../webshop/catalog.js";
import { serveShopSite } from "../webshop/site.js";
import { getDefaultShop } from "../webshop/spec.js";
import { describeAction, parseWebarenaAction } from "./actions.js";
import { earlyStop, extractAction, truncateObservation } from "./env.js";
import { cleanAnswer, urlMatch } from "./evaluate.js";
import {
  type AxNode,
  boundsByBackendId,
  cleanAccessibilityTree,
  renderAccessibilityTree,
} from "./observation.js";
import { findNodeId } from "./oracle.js";
import { ownWebarenaPrompt, webarenaMessages, webarenaPromptFromCheckout } from "./prompt.js";
import { webarenaSpec } from "./spec.js";
import {
  loadWebarenaTasks,
  parseSites,
  resolvePlaceholders,
  type WebarenaTask,
  webarenaTaskSchema,
} from "./tasks.js";

const tasksFile = resolve("test/fixtures/webarena/tasks.json");

describe("webarena protocol pieces", () => {
  it("parses actions as create_id_based_action", () => {
    expect(parseWebarenaAction("click [42]")).toEqual({ type: "click", id: "42" });
    expect(parseWebarenaAction(" hover[7] ")).toEqual({ type: "hover", id: "7" });
    // the Enter flag defaults to 1, which types a newline
    expect(parseWebarenaAction("type [5] [hello world]")).toEqual({
      type: "type",
      id: "5",
      text: "hello world\n",
    });
    expect(parseWebarenaAction("type [5] [a] [0]")).toEqual({ type: "type", id: "5", text: "a" });
    expect(parseWebarenaAction("press [ctrl+enter]")).toEqual({ type: "press", keys: "ctrl+Enter" });
    expect(parseWebarenaAction("scroll down")).toEqual({ type: "scroll", direction: "down" });
    expect(parseWebarenaAction("goto [http://x.org/a]")).toEqual({ type: "goto", url: "http://x.org/a" });
    expect(parseWebarenaAction("tab_focus [2]")).toEqual({ type: "tab_focus", page: 2 });
    expect(parseWebarenaAction("close_tab")).toEqual({ type: "close_tab" });
    expect(parseWebarenaAction("stop")).toEqual({ type: "stop", answer: "" });
    expect(parseWebarenaAction("stop [N/A]")).toEqual({ type: "stop", answer: "N/A" });
    for (const bad of ["click [abc]", "type [3]", "jump [1]", "scroll [left]"])
      expect(() => parseWebarenaAction(bad), bad).toThrow(/Invalid/);
  });

  it("takes the first ``` span on one line as the action", () => {
    expect(extractAction("so ```click [1]``` or ```click [2]```", "```")).toBe("click [1]");
    expect(extractAction("```click\n[1]```", "```")).toBeUndefined();
  });

  it("writes the previous action as get_action_description does", () => {
    const nodes = new Map([["7", { backendId: 1, bound: null, text: "[7] link 'Home'  url: /" }]]);
    expect(describeAction({ type: "click", id: "7" }, nodes, "```")).toBe(
      "click [7] where [7] is link 'Home' url: /",
    );
    expect(describeAction({ type: "type", id: "7", text: "hi\n" }, nodes, "```")).toBe(
      "type [7] [hi\n] where [7] is link 'Home' url: /",
    );
    expect(describeAction({ type: "click", id: "9" }, nodes, "```")).toBe(
      'Attempt to perfom "click" on element "[9]" but no matching element found. Please check the observation more carefully.',
    );
    expect(describeAction({ type: "none", raw: "I am done" }, nodes, "```")).toBe(
      'The previous prediction you issued was "I am done". However, the format was incorrect. Ensure that the action is wrapped inside a pair of ``` and enclose arguments within [] as follows: ```action [arg] ...```.',
    );
    expect(describeAction({ type: "tab_focus", page: 1 }, nodes, "```")).toBe("page_focus [1]");
  });

  it("stops early as run.py does", () => {
    const none = { type: "none", raw: "x" } as const;
    const click = { type: "click", id: "1" } as const;
    const typing = { type: "type", id: "2", text: "a\n" } as const;
    expect(earlyStop([none, none])).toBeUndefined();
    expect(earlyStop([click, none, none, none])).toBe("Failed to parse actions for 3 times");
    expect(earlyStop([click, click, click])).toBe("Same action for 3 times");
    expect(earlyStop([click, click, { type: "click", id: "2" }])).toBeUndefined();
    // typing counts anywhere in the episode, not only in a row
    expect(earlyStop([typing, click, typing, { type: "scroll", direction: "down" }, typing])).toBe(
      "Same typing action for 3 times",
    );
    const thirty = Array.from({ length: 30 }, (_, i) => ({ type: "click", id: String(i) }) as const);
    expect(earlyStop(thirty)).toBe("Reach max steps 30");
    expect(earlyStop(thirty.slice(0, 29))).toBeUndefined();
  });

  it("renders the tree as parse_accessibility_tree and cleans StaticText as clean_accesibility_tree", () => {
    const node = (
      nodeId: string,
      role: string,
      name: string,
      childIds: string[] = [],
      properties: AxNode["properties"] = [],
    ) =>
      ({
        nodeId,
        role: { value: role },
        name: { value: name },
        childIds,
        properties,
        backendDOMNodeId: Number(nodeId),
      }) as AxNode;
    const tree = [
      node("1", "RootWebArea", "Shop", ["2", "5", "8"], [{ name: "focused", value: { value: true } }]),
      node("2", "generic", "", ["3", "4"]),
      node("3", "link", "Home", ["6"]),
      node("4", "StaticText", "It's here"),
      node(
        "5",
        "textbox",
        "Name ",
        [],
        [
          { name: "editable", value: { value: "plaintext" } },
          { name: "required", value: { value: false } },
        ],
      ),
      node("6", "StaticText", "Home"),
      // a nameless listitem goes even with properties (the elif of the original)
      node("8", "listitem", "", [], [{ name: "selected", value: { value: true } }]),
    ];
    const { text, nodes } = renderAccessibilityTree(tree);
    // the nameless generic is left out and its children keep its depth; ignored properties are dropped
    expect(text).toBe(
      [
        "[1] RootWebArea 'Shop' focused: True",
        "\t[3] link 'Home'",
        "\t\t[6] StaticText 'Home'",
        '\t[4] StaticText "It\'s here"',
        "\t[5] textbox 'Name ' required: False",
      ].join("\n"),
    );
    expect(nodes.has("2")).toBe(false);
    expect(nodes.has("8")).toBe(false);
    // a StaticText repeating one of the 3 lines before it goes; one repr'd with double quotes always goes
    expect(cleanAccessibilityTree(text)).toBe(
      [
        "[1] RootWebArea 'Shop' focused: True",
        "\t[3] link 'Home'",
        "\t[5] textbox 'Name ' required: False",
      ].join("\n"),
    );
  });

  it("computes each DOM node's union bound from its laid-out subtree", () => {
    const bounds = boundsByBackendId(
      {
        documents: [
          {
            nodes: { parentIndex: [-1, 0, 1, 1], nodeName: [0, 0, 0, 0], backendNodeId: [10, 11, 12, 13] },
            layout: {
              nodeIndex: [0, 1, 2, 3],
              bounds: [
                [0, 0, 1280, 720],
                [10, 10, 0, 0],
                [20, 20, 10, 10],
                [100, 50, 20, 20],
              ],
            },
          },
        ],
      },
      1280,
    );
    // node 11 has no size of its own: its union is its children's
    expect(bounds.get(11)?.union).toEqual([20, 20, 100, 50]);
    expect(bounds.get(10)?.union).toEqual([0, 0, 1280, 720]);
  });

  it("cuts the observation at 1,920 cl100k tokens", () => {
    const long = "word ".repeat(5000);
    const cut = truncateObservation(long);
    expect(cut.length).toBeLessThan(long.length);
    expect(long.startsWith(cut)).toBe(true);
    expect(truncateObservation("short")).toBe("short");
  });

  it("scores answers and URLs as StringEvaluator and URLExactEvaluator", () => {
    expect(cleanAnswer('"Yes"')).toBe("yes");
    expect(cleanAnswer("'a'b'")).toBe("a'b");
    const task = {
      eval: { eval_types: ["url_match"], reference_url: "http://s/a/ |OR| http://s/b" },
    } as WebarenaTask;
    expect(urlMatch(task, "http://s/a")).toBe(1);
    expect(urlMatch(task, "http://s/b/")).toBe(1);
    expect(urlMatch(task, "http://s/b?x=1")).toBe(0);
    expect(
      urlMatch({ eval: { ...task.eval, url_note: "GOLD in PRED" } } as WebarenaTask, "http://s/b?x=1"),
    ).toBe(1);
  });

  it("resolves site placeholders and finds nodes by role and name", () => {
    const sites = parseSites("shopping=http://127.0.0.1:7770/", {});
    expect(resolvePlaceholders("__SHOPPING__/a __SHOPPING_ADMIN__/b", sites)).toEqual({
      text: "http://127.0.0.1:7770/a __SHOPPING_ADMIN__/b",
      missing: ["shopping_admin"],
    });
    expect(parseSites(undefined, { GITLAB: "http://g" }).get("gitlab")).toBe("http://g");
    expect(() => parseSites("shop=http://x", {})).toThrow(/--sites: "shop=http:\/\/x" is not site=URL/);
    expect(
      findNodeId("[1] RootWebArea 'A'\n\t[5] textbox 'Name ' required: False", "textbox", "'Name'"),
    ).toBe("5");
  });

  it("reads the prompt file of a checkout, and builds each step's conversation as prompt_constructor.py", () => {
    const prompt = webarenaPromptFromCheckout(resolve("test/fixtures/agenttuning"));
    expect(prompt.examples).toHaveLength(1);
    expect(prompt.examples[0]?.[1]).toContain('with a "quote"');
    expect(prompt.answerPhrase).toBe("In summary, the next action I will perform is");
    const messages = webarenaMessages(ownWebarenaPrompt, "  NOW  ");
    expect(messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(messages[2]?.content).toBe("Ok.");
    expect(messages.at(-1)?.content).toBe("NOW");
    expect(() => webarenaPromptFromCheckout(tmpdir())).toThrow(/p_cot_id_actree_2s\.py/);
  });

  it("loads WebArena's 812 task configs and skips, with a count, the tasks of sites not configured", async () => {
    const shared = benchmarksDir();
    const file = shared ? join(shared, "agenttuning", "webarena", "test.raw.json") : undefined;
    if (!file || !existsSync(file)) return;
    const all: WebarenaTask[] = [];
    for await (const task of loadWebarenaTasks(file)) all.push(task);
    expect(all).toHaveLength(812);
    const skipped: string[] = [];
    const kept: WebarenaTask[] = [];
    for await (const task of webarenaSpec.loadTasks(file, {
      sites: "shopping=http://s",
      onSkip: (why) => skipped.push(why),
    }))
      kept.push(task);
    expect(kept.length + skipped.length).toBe(812);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.every((t) => t.sites.every((s) => s === "shopping"))).toBe(true);
    const bad = join(mkdtempSync(join(tmpdir(), "wa-")), "bad.json");
    writeFileSync(
      bad,
      JSON.stringify([{ task_id: 1, start_url: "x", intent: "y", eval: { eval_types: ["magic"] } }]),
    );
    await expect(async () => {
      for await (const _ of loadWebarenaTasks(bad)) {
      }
    }).rejects.toThrow(/bad\.json\[0\]: eval\.eval_types\.0/);
  });
});

describe.skipIf(!chromiumAvailable)("webarena episodes in Chromium on test sites", () => {
  let site: TestSite;
  let backend: EnvBackend<WebarenaTask>;
  let tasks: WebarenaTask[];
  const yesJudge: ChatModel = { id: "judge", complete: async () => ({ text: "Yes." }) };
  beforeAll(async () => {
    site = await startTestSite();
    backend = await webarenaSpec.open({ sites: `shopping=${site.url}`, judge: yesJudge });
    tasks = [];
    for await (const task of webarenaSpec.loadTasks(tasksFile, { sites: `shopping=${site.url}` }))
      tasks.push(task);
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await site?.close();
  });
  const task = (id: number) => tasks.find((t) => t.task_id === id) as WebarenaTask;
  const play = (t: WebarenaTask, replies: string[]): Promise<Trajectory> =>
    runEpisode({
      spec: webarenaSpec,
      backend,
      task: t,
      model: new ScriptedModel(new Map([[String(t.task_id), replies]])),
    });
  const act = (action: string) =>
    `Let's think. In summary, the next action I will perform is \`\`\`${action}\`\`\``;

  it("the oracle scores 1 on every test task in tools mode too, each action a call", async () => {
    for (const t of tasks) {
      const r = await runEpisode({
        spec: webarenaSpec,
        backend,
        task: t,
        model: oracleModel(webarenaSpec),
        actionFormat: "tools",
      });
      expect([t.task_id, r.reward, r.failure ?? null]).toEqual([t.task_id, 1, null]);
      // every reply of the episode (after the prompt's worked examples) is one call
      expect(r.messages.filter((m) => m.toolCalls?.length === 1)).toHaveLength(r.turns);
    }
  }, 120_000);

  it("the oracle scores 1 on every test task: each action kind and every evaluator", async () => {
    const results: [string, number, unknown][] = [];
    for (const t of tasks) {
      const r = await runEpisode({ spec: webarenaSpec, backend, task: t, model: oracleModel(webarenaSpec) });
      results.push([String(t.task_id), r.reward, r.info?.crashed ?? r.failure ?? null]);
    }
    expect(results).toEqual(tasks.map((t) => [String(t.task_id), 1, null]));
    const kinds = new Set(tasks.flatMap((t) => (t.gold_actions ?? []).map((a) => a.split(/[ []/)[0])));
    expect([...kinds].sort()).toEqual(
      [
        "click",
        "close_tab",
        "go_back",
        "go_forward",
        "goto",
        "hover",
        "new_tab",
        "press",
        "scroll",
        "stop",
        "tab_focus",
        "type",
      ].sort(),
    );
  }, 180_000);

  it("plays a WebArena-format task on agenttune's own WebShop site", async () => {
    const shop = getDefaultShop();
    const goals = sampleGoals(shop.products, 1, 7);
    const goal = goals[0];
    const shopSite = await serveShopSite(shop, goals);
    const shopBackend = await webarenaSpec.open({ sites: `shopping=${shopSite.url.replace(/\/$/, "")}` });
    try {
      const webshopTask = webarenaTaskSchema.parse({
        task_id: "webshop-1",
        sites: ["shopping"],
        start_url: "__SHOPPING__/start/0",
        intent: `Open the product page of "${goal?.name}"`,
        eval: {
          eval_types: ["program_html"],
          // the product page's title (the results page has no h2)
          program_html: [
            {
              url: "last",
              locator: "document.querySelector('h2').textContent",
              required_contents: goal?.name ?? "",
            },
          ],
        },
        gold_actions: [
          `type [{textbox ''}] [${goal?.name}] [1]`,
          `click [{button '${goal?.asin}'}]`,
          "stop []",
        ],
      });
      const t = await runEpisode({
        spec: webarenaSpec,
        backend: shopBackend,
        task: webshopTask,
        model: oracleModel(webarenaSpec),
      });
      expect([t.reward, t.info?.crashed ?? null], JSON.stringify(t.info)).toEqual([1, null]);
      expect((t.info?.actions as string[] | undefined)?.[1]).toMatch(
        new RegExp(`^click \\[\\d+\\] where \\[\\d+\\] is button '${goal?.asin}'`),
      );
    } finally {
      await shopBackend.close();
      await shopSite.close();
    }
  }, 60_000);

  it("shows the page as WebArena's prompt does: tab header, tree, fake-domain URL, previous action", async () => {
    const t = await play(task(1), ["no action here", act("click [99999]"), act("stop [x]")]);
    expect(t.independentTurns).toBe(true);
    expect(t.roundContext).toBe(7);
    const turns = t.messages.filter((m) => m.role === "user").slice(3);
    const [first, second, third] = turns.map((m) => m.content);
    expect(first).toMatch(
      /^OBSERVATION:\nTab 0 \(current\): Products\n\n\[\d+\] RootWebArea 'Products' focused: True/,
    );
    expect(first).toContain(
      "\nURL: http://onestopmarket.com/products\nOBJECTIVE: What is the price of Product 7?\nPREVIOUS ACTION: None",
    );
    expect(second).toContain(
      'PREVIOUS ACTION: The previous prediction you issued was "no action here". However, the format was incorrect.',
    );
    expect(third).toContain(
      'PREVIOUS ACTION: Attempt to perfom "click" on element "[99999]" but no matching element found.',
    );
    expect(t.reward).toBe(0);
    expect(t.info?.answer).toBe("x");
  }, 60_000);

  it("ends with an early stop after 3 unparseable replies, and scores the answer it makes", async () => {
    const t = await play(task(1), ["a", "b", "c", "unused"]);
    expect(t.turns).toBe(3);
    expect(t.info?.answer).toBe("Early stop: Failed to parse actions for 3 times");
    expect(t.failure).toBe("round_limit");
    const repeated = await play(task(2), [
      act("scroll [down]"),
      act("scroll [down]"),
      act("scroll [down]"),
      "unused",
    ]);
    expect(repeated.info?.earlyStop).toBe("Same action for 3 times");
  }, 60_000);

  it("never opens the host's files or the browser's own pages for a hostile goto", async () => {
    const t = await play(task(1), [
      act("goto [file:///etc/passwd]"),
      act("goto [chrome://version]"),
      act("goto [view-source:file:///etc/hostname]"),
      act("stop [x]"),
    ]);
    const seen = t.messages.map((m) => m.content).join("\n");
    expect(seen).not.toMatch(/root:x:0:0|Command Line|Executable Path/);
    expect(t.info?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/products$/);
  }, 60_000);

  it("leaves a task whose evaluation cannot run out of the average, and counts it", async () => {
    const broken = {
      ...task(1),
      task_id: 99,
      eval: {
        eval_types: ["program_html"],
        program_html: [
          { url: "last", locator: "func:shopping_get_latest_order_url()", required_contents: "x" },
        ],
      },
    } as WebarenaTask;
    const t = await play(broken, [act("stop [x]")]);
    expect(t.failure).toBe("env_error");
    expect(t.info?.crashed).toMatch(/site helpers are not available/);
    const metrics = webarenaSpec.metrics([t, { ...t, failure: undefined, reward: 1 }], new Map());
    expect(metrics).toEqual({ score: 1, crashed: 1 });
    const noCookies = await play({ ...task(8), storage_state: "./.auth/nobody.json" }, []);
    expect(noCookies.failure).toBe("env_error");
    expect(noCookies.info?.crashed).toMatch(/nobody\.json not found/);
  }, 60_000);

  it("runs through the eval runner with --sites; without a judge the fuzzy_match task is left out and counted", async () => {
    const out = mkdtempSync(join(tmpdir(), "wa-eval-"));
    const summary = await runEval({
      env: "webarena",
      tasks: tasksFile,
      model: "oracle",
      out,
      sites: `shopping=${site.url}`,
      judge: "scripted-judge-not-used",
      progress: false,
    }).catch((error: Error) => error);
    // a judge spec that is no model is one clear error
    expect(String(summary)).toMatch(/scripted-judge-not-used/);
    const run = await runEval({
      env: "webarena",
      tasks: tasksFile,
      model: "oracle",
      out: join(out, "2"),
      sites: `shopping=${site.url}`,
      progress: false,
    });
    // without a judge the fuzzy_match task is left out (crashed), the others pass
    expect(run.metrics).toEqual({ score: 1, crashed: 1 });
    const lines = readFileSync(join(out, "2", "results.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(lines).toHaveLength(8);
  }, 180_000);
});
