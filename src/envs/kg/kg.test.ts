import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { ChatModel } from "../../models/index.js";
import { KgEnvironment, score } from "./env.js";
import { defaultGraph, generateKgTasks, kgTemplates } from "./generate.js";
import { kgSpec } from "./spec.js";
import { iri, SparqlEndpointStore } from "./store.js";
import type { KgTask } from "./tasks.js";
import { WorkerOxigraphStore } from "./worker-store.js";

const fixture = fileURLToPath(new URL("../../../test/fixtures/knowledgegraph/sample.json", import.meta.url));
const replies = (...texts: string[]): ChatModel => {
  let i = 0;
  return { id: "test", complete: async () => ({ text: texts[i++] ?? "" }) };
};
async function load(file: string): Promise<KgTask[]> {
  const tasks: KgTask[] = [];
  for await (const task of kgSpec.loadTasks(file)) tasks.push(task);
  return tasks;
}

describe("kg", () => {
  it("the generated graph has tens of thousands of triples with names, types and numbers", () => {
    const { world, store } = defaultGraph();
    expect(world.triples).toBeGreaterThan(30_000);
    expect(store.size).toBe(world.triples);
  });

  it("the oracle scores F1 1.0 on AgentBench-format fixture records and on generated tasks of every template", async () => {
    const backend = await kgSpec.open();
    const tasks = [...(await load(fixture))];
    for await (const task of generateKgTasks({ count: kgTemplates.length * 2, seed: 5 })) tasks.push(task);
    const results = await Promise.all(
      tasks.map((task) => runEpisode({ spec: kgSpec, backend, task, model: oracleModel(kgSpec) })),
    );
    expect(results.filter((r) => !r.success).map((r) => r.taskId)).toEqual([]);
    expect(kgSpec.metrics(results, new Map())).toMatchObject({ F1: 1, EM: 1, executability: 1 });
  });

  it("follows AgentBench's protocol: observations, errors, invalid variables, stray observations", async () => {
    const [task] = await load(fixture);
    const t = task as KgTask;
    const name = Object.keys(t.entities)[0] as string;
    const result = await runEpisode({
      spec: kgSpec,
      backend: await kgSpec.open(),
      task: t,
      model: replies(
        `Thought: look.\nAction: get_relations(${name})\nObservation: [made.up]`,
        `Action: get_neighbors(${name}, no.such.relation)`,
        `Action: get_neighbors(${name}, location.city.country)`,
        "Action: count(#7)",
        "I am thinking.",
        "Final Answer: #3",
        "Final Answer: #0",
      ),
    });
    const observations = result.messages
      .slice(15)
      .filter((m) => m.role === "user")
      .map((m) => m.content);
    expect(observations[0]).toMatch(/^Observation: \[.*location\.city\.country.*\]$/);
    expect(observations[1]).toBe(
      `get_neighbors(${name}, no.such.relation) cannot be executed. You may make a mistake and need to fix it.`,
    );
    expect(observations[2]).toBe("Observation: variable #0, which are instances of location.country");
    expect(observations[3]).toBe("count(#7) cannot be executed. You may make a mistake and need to fix it.");
    expect(observations[4]).toBe("No executable function found! Need to recheck the action.");
    expect(observations[5]).toBe("Invalid variable id! Need to recheck the action.");
    expect(result.messages[16]?.content).not.toContain("made.up"); // the model's invented observation is cut
    expect(result).toMatchObject({ success: true, reward: 1 });
  });

  it("refuses SPARQL injection in relation names and ids, and ends after 15 actions", async () => {
    expect(() => iri("people.person> } DROP ALL {")).toThrow(/not a valid id or relation/);
    const [task] = await load(fixture);
    const env = new KgEnvironment(task as KgTask, defaultGraph().store);
    const step = await env.step('Action: get_relations(m.city1") } INSERT DATA { <a> <b> <c> } #)');
    expect(step.observation).toMatch(/cannot be executed/);
    const many = Array.from({ length: 16 }, () => "Action: get_relations(#0)");
    const result = await runEpisode({
      spec: kgSpec,
      backend: await kgSpec.open(),
      task: task as KgTask,
      model: replies(...many),
    });
    expect(result).toMatchObject({ failure: "round_limit", turns: 15 });
  });

  it("scores F1, exact match and executability as AgentBench does", () => {
    expect(score(["a", "b"], new Set(["b", "c"])).info).toMatchObject({ f1: 0.5, em: 0, executable: 1 });
    expect(score([], new Set(["a"])).info).toMatchObject({ f1: 0, em: 0, executable: 0 });
    expect(score(["a"], new Set(["a"]))).toMatchObject({ reward: 1, info: { em: 1 } });
  });

  it("talks to a SPARQL endpoint over HTTP, and says clearly when it is down or slow", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/slow") return; // never answers
      res.writeHead(200, { "content-type": "application/sparql-results+json" });
      res.end(
        JSON.stringify({
          results: { bindings: [{ r: { type: "uri", value: "http://rdf.freebase.com/ns/a.b" } }] },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await new SparqlEndpointStore(`${base}/sparql`).select("SELECT ?r WHERE {}")).toEqual([
        { r: "http://rdf.freebase.com/ns/a.b" },
      ]);
      await expect(new SparqlEndpointStore(`${base}/slow`, 100, 1).select("SELECT * {}")).rejects.toThrow(
        /\/slow: timed out after 100 ms/,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
    await expect(new SparqlEndpointStore(`${base}/sparql`, 200, 0).select("SELECT * {}")).rejects.toThrow(
      /SPARQL endpoint .*fetch failed/,
    );
  });

  const dir = benchmarksDir();
  it.skipIf(!dir)("loads the AgentBench dev split unchanged (20 Freebase questions)", async () => {
    const tasks = await load(join(dir ?? "", "agentbench", "knowledgegraph", "dev.json"));
    expect(tasks).toHaveLength(20);
    expect(tasks[0]?.actions[0]).toBe("get_relations(m.09rl290)");
    expect(kgSpec.oracle(tasks[0] as KgTask).reply([])).toBe(
      "Thought: I follow the plan to the answer.\nAction: get_relations(m.09rl290)",
    );
  });
});

describe("kg preflight", () => {
  const freebaseTask: KgTask = {
    qid: "WebQTest-1",
    question: "what character did natalie portman play in star wars?",
    entities: { "natalie portman": "m.09l3p", "star wars": "m.0dtfn" },
    actions: [],
    answer: [{ answer_type: "Entity", answer_argument: "m.0drf_2", entity_name: "Padmé Amidala" }],
  };

  it("says before the run that Freebase questions cannot be answered on the built-in graph", async () => {
    const backend = await kgSpec.open();
    try {
      expect(await backend.preflight?.(await load(fixture))).toBeUndefined();
      expect(await backend.preflight?.([freebaseTask])).toMatch(
        /^kg: 1 of the first 1 tasks name entities \(e\.g\. m\.09l3p\) that the .* graph does not have, so they can only fail: AgentBench's knowledgegraph questions need Freebase/,
      );
    } finally {
      await backend.close();
    }
  });

  const benchmarks = benchmarksDir();
  it.skipIf(!benchmarks)("flags AgentBench's own dev split on the built-in graph", async () => {
    const backend = await kgSpec.open();
    try {
      const dev = await load(join(benchmarks ?? "", "agentbench/knowledgegraph/dev.json"));
      expect(await backend.preflight?.(dev)).toMatch(/^kg: 20 of the first 20 tasks name entities/);
    } finally {
      await backend.close();
    }
  });
});

describe("kg variables as AgentBench builds them", () => {
  // a tiny graph: two films by one director, with equal and different running times
  const ns = "http://rdf.freebase.com/ns/";
  const triple = (s: string, p: string, o: string) => `<${ns}${s}> <${ns}${p}> ${o} .`;
  const graph = [
    triple("m.dir", "film.director.film", `<${ns}m.f1>`),
    triple("m.dir", "film.director.film", `<${ns}m.f2>`),
    triple("m.dir", "film.director.film", `<${ns}m.f3>`),
    triple("m.f1", "film.film.directed_by", `<${ns}m.dir>`),
    triple("m.f2", "film.film.directed_by", `<${ns}m.dir>`),
    triple("m.f3", "film.film.directed_by", `<${ns}m.dir>`),
    triple("m.f1", "film.film.runtime", '"120"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    triple("m.f2", "film.film.runtime", '"120"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    triple("m.f3", "film.film.runtime", '"90"^^<http://www.w3.org/2001/XMLSchema#integer>'),
  ].join("\n");
  const task = (answer: string[]): KgTask => ({
    qid: "q",
    question: "q",
    entities: { director: "m.dir" },
    actions: [],
    answer: answer.map((a) => ({ answer_type: "Entity", answer_argument: a })),
  });

  it("keeps ties of argmax, drops the question's own entity from answers, and builds empty variables", async () => {
    const store = new WorkerOxigraphStore(graph, "application/n-triples", 1, 10_000);
    try {
      const run = async (answer: string[], actions: string[]) => {
        const env = new KgEnvironment(task(answer), store);
        await env.reset();
        let last = await env.step("");
        for (const action of actions) last = await env.step(`Action: ${action}`);
        return last;
      };
      // argmax over the director's films: f1 and f2 tie at 120 (logic_form_util.py:653,682)
      const tied = await run(
        ["m.f1", "m.f2"],
        [
          "get_relations(m.dir)",
          "get_neighbors(m.dir, film.director.film)",
          "get_attributes(#0)",
          "argmax(#0, film.film.runtime)",
          "Final Answer: #1",
        ],
      );
      expect(tied).toMatchObject({ reward: 1, info: { em: 1 } });
      // films' directors, back from the director: the director itself is filtered out (line 675)
      const back = await run(
        [],
        [
          "get_relations(m.dir)",
          "get_neighbors(m.dir, film.director.film)",
          "get_relations(#0)",
          "get_neighbors(#0, film.film.directed_by)",
          "Final Answer: #1",
        ],
      );
      expect(back.info).toMatchObject({ predicted: [], executable: 0 });
      // an intersection with no members is a variable, not an error (api.py:100-118)
      const env = new KgEnvironment(task(["m.f1"]), store);
      await env.reset();
      await env.step("Action: get_relations(m.dir)");
      await env.step("Action: get_neighbors(m.dir, film.director.film)");
      await env.step("Action: get_attributes(#0)");
      await env.step("Action: argmax(#0, film.film.runtime)");
      await env.step("Action: argmin(#0, film.film.runtime)");
      expect((await env.step("Action: intersection(#1, #2)")).observation).toMatch(
        /^Observation: variable #3, which are instances of/,
      );
    } finally {
      await store.close();
    }
  });
});

describe("kg history", () => {
  it("keeps only the text before an invented Observation:, with \\_ unescaped, as AgentBench's history does", async () => {
    const [task] = await load(fixture);
    const backend = await kgSpec.open();
    const prompts: string[][] = [];
    const entity = Object.values((task as KgTask).entities)[0];
    const replies = [
      `Thought: look.\nAction: get\\_relations(${entity})\nObservation: [made.up]`,
      "Thought: done.\nFinal Answer: #0",
      "Thought: done.\nFinal Answer: #0",
    ];
    const model: ChatModel = {
      id: "t",
      complete: async (messages) => {
        prompts.push(messages.map((m) => m.content));
        return { text: replies[prompts.length - 1] ?? "" };
      },
    };
    try {
      const result = await runEpisode({ spec: kgSpec, backend, task: task as KgTask, model });
      const rewritten = `Thought: look.\nAction: get_relations(${entity})\n`;
      expect(result.messages.some((m) => m.role === "assistant" && m.content === rewritten)).toBe(true);
      expect(JSON.stringify(result.messages)).not.toContain("made.up");
      expect(prompts[1]?.at(-2)).toBe(rewritten); // the next prompt carries the rewritten reply
      expect(prompts[1]?.at(-1)).toMatch(/^Observation: \[/);
    } finally {
      await backend.close();
    }
  });
});

describe("kg arguments", () => {
  it("takes a question entity's name or a Freebase id, and refuses other strings as AgentBench does", async () => {
    const [task] = await load(fixture);
    const env = new KgEnvironment(task as KgTask, defaultGraph().store);
    await env.reset();
    const [name, id] = Object.entries((task as KgTask).entities)[0] as [string, string];
    expect((await env.step(`Action: get_relations(${name})`)).observation).toMatch(/^Observation: \[/);
    expect((await env.step(`Action: get_relations(${id})`)).observation).toMatch(/^Observation: \[/);
    expect((await env.step("Action: get_relations(Some Other Place)")).observation).toBe(
      "get_relations(Some Other Place) cannot be executed. You may make a mistake and need to fix it.",
    );
  });
});

describe("kg call texts", () => {
  it("an unknown function gets AgentBench's texts: syntax error first, then the stale arguments; union works", async () => {
    const [task] = await load(fixture);
    const env = new KgEnvironment(task as KgTask, defaultGraph().store);
    await env.reset();
    expect((await env.step("Action: find(Nornor)")).observation).toBe(
      "I may make a syntax error when calling find (e.g., unmatched parenthesis). I need to fix it and reuse the tool",
    );
    await env.step("Action: get_relations(m.city79)");
    await env.step("Action: get_neighbors(m.city79, location.city.country)");
    // ori_arguments still holds the last parsed call's arguments (AgentBench's task.py except clause)
    expect((await env.step("Action: find(Nornor)")).observation).toBe(
      "find(m.city79, location.city.country) cannot be executed. You may make a mistake and need to fix it.",
    );
    expect((await env.step("Action: union(#0, #0)")).observation).toMatch(
      /^Observation: variable #1, which are instances of /,
    );
  });
});
