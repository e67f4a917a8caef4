// The kg environment (AgentBench knowledgegraph): tools compiled to SPARQL on Oxigraph or an endpoint.

import { existsSync, readFileSync } from "node:fs";
import { InputError } from "../../core/index.js";
import {
  checkoutFor,
  knowledgegraphTexts,
  knowledgegraphVocab,
  textsFromCheckout,
} from "../lib/agentbench/checkout.js";
import { fcTexts } from "../lib/agentbench/fc.js";
import { defaultProtocol, type EnvSpec } from "../types.js";
import { kgActions } from "./actions.js";
import { defaultKgRoundLimit, KgEnvironment } from "./env.js";
import { KgCallingEnvironment, kgCallingOracle } from "./fc.js";
import { defaultWorld, generateKgTasks } from "./generate.js";
import { kgOracle } from "./oracle.js";
import { type KgStore, ns, SparqlEndpointStore } from "./store.js";
import { type KgTask, kgTaskSchema, loadKgTasks } from "./tasks.js";
import { WorkerOxigraphStore } from "./worker-store.js";

/**
 * "oxigraph" (the generated graph, default), a .nt/.ttl file to load, or an http(s) SPARQL endpoint.
 * Local graphs are served by worker threads, so every query has a time limit (see worker-store.ts).
 */
export function openKgStore(backend = "oxigraph"): KgStore {
  if (backend === "oxigraph") return new WorkerOxigraphStore(defaultWorld().ntriples);
  if (/^https?:\/\//.test(backend)) return new SparqlEndpointStore(backend);
  if (/\.(nt|ttl)$/.test(backend)) {
    if (!existsSync(backend)) throw new InputError(`--backend ${backend}: no such file`);
    return new WorkerOxigraphStore(
      readFileSync(backend, "utf8"),
      backend.endsWith(".ttl") ? "text/turtle" : "application/n-triples",
    );
  }
  throw new InputError(`--backend "${backend}": expected oxigraph, a .nt/.ttl file or a SPARQL endpoint URL`);
}

/** Tasks sampled by the preflight check: enough to tell a Freebase split from the built-in graph's. */
const preflightSample = 20;

/** Says when the tasks' topic entities are not in the graph: their questions can only fail there. */
async function missingEntitiesWarning(tasks: readonly KgTask[], store: KgStore): Promise<string | undefined> {
  const sample = tasks.slice(0, preflightSample);
  let missing = 0;
  let example: string | undefined;
  for (const task of sample) {
    for (const id of Object.values(task.entities)) {
      let rows: unknown[];
      try {
        rows = await store.select(`SELECT ?p WHERE { <${ns}${id}> ?p ?o } LIMIT 1`);
      } catch {
        return undefined; // a store that does not answer: the run itself will say so
      }
      if (rows.length === 0) {
        missing++;
        example ??= id;
        break;
      }
    }
  }
  if (missing === 0) return undefined;
  return `kg: ${missing} of the first ${sample.length} tasks name entities (e.g. ${example}) that the ${store.name} graph does not have, so they can only fail: AgentBench's knowledgegraph questions need Freebase (--backend http://HOST:PORT/sparql, a Virtuoso with Freebase loaded, or --backend FILE.nt)`;
}

export const kgSpec: EnvSpec<KgTask> = {
  name: "kg",
  description:
    "AgentBench knowledgegraph: answer questions over a knowledge base with tools compiled to SPARQL",
  taskSchema: kgTaskSchema,
  taskId: (task) => task.qid,
  taskText: (task) => task.question,
  replyProblem: (reply) =>
    /(?:Find|Final) Answer: #\d+/.test(reply) || /^Action.*?:.*\w+\(/m.test(reply)
      ? undefined
      : "no Action: tool(...) line and no Final Answer: #n",
  loadTasks: loadKgTasks,
  generateTasks: generateKgTasks,
  async open({ backend, roundLimit, agentbench, protocol = defaultProtocol } = {}) {
    if (protocol === "agentbench-fc") {
      const checkout = checkoutFor({ agentbench, protocol });
      const calling = fcTexts("knowledgegraph", checkout);
      const vocab = checkout ? knowledgegraphVocab(checkout) : undefined;
      const rounds = roundLimit ?? calling.rounds;
      const store = openKgStore(backend);
      return {
        name: store.name,
        ...(calling.fromCheckout ? { prompts: agentbench } : {}),
        tools: calling.tools,
        maxTurns: rounds,
        create: async (task) => new KgCallingEnvironment(task, store, calling, rounds, vocab),
        preflight: (tasks) => missingEntitiesWarning(tasks, store),
        close: () => store.close(),
      };
    }
    const texts = textsFromCheckout({ agentbench, protocol }, knowledgegraphTexts);
    const store = openKgStore(backend);
    const rounds = roundLimit ?? defaultKgRoundLimit;
    return {
      name: store.name,
      ...(texts ? { prompts: agentbench } : {}),
      maxTurns: rounds,
      create: async (task) => new KgEnvironment(task, store, rounds, texts),
      preflight: (tasks) => missingEntitiesWarning(tasks, store),
      close: () => store.close(),
    };
  },
  actions: kgActions,
  oracle: kgOracle,
  callingOracle: kgCallingOracle,
  gold: (task) => ({
    answer: task.answer.map((a) => a.entity_name ?? a.answer_argument),
    ...(task.s_expression ? { s_expression: task.s_expression } : {}),
  }),
  metrics: (results) => {
    const n = Math.max(1, results.length);
    const sum = (key: string) =>
      results.reduce((s, r) => s + Number((r.info as Record<string, number> | undefined)?.[key] ?? 0), 0);
    return {
      F1: sum("f1") / n,
      EM: sum("em") / n,
      executability: sum("executable") / n,
      avg_rounds: results.reduce((s, r) => s + r.turns, 0) / n,
    };
  },
  benchmark: { task: "KG", category: "held-in" },
  // AgentBench reports KG as the mean answer F1
  score: (metrics) => 100 * (metrics.F1 ?? 0),
  defaults: { maxTurns: defaultKgRoundLimit, maxTokens: 128, minReward: 1 },
};
