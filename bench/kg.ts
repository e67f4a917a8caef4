// The kg env: a tool call against the equivalent raw Oxigraph query (ratio), loading the default graph
// (time, memory), and 256 concurrent oracle episodes on one store (bench/results/kg.json).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import oxigraph from "oxigraph";
import { oracleModel } from "../src/agent/index.js";
import { KgEnvironment } from "../src/envs/kg/env.js";
import { generateKgTasks } from "../src/envs/kg/generate.js";
import { buildWorld } from "../src/envs/kg/graph.js";
import { kgSpec } from "../src/envs/kg/spec.js";
import { OxigraphStore } from "../src/envs/kg/store.js";
import type { KgTask } from "../src/envs/kg/tasks.js";
import { runTasks } from "../src/runner/index.js";
import { type Row, writeResults } from "./table.js";

export async function benchKg(): Promise<Row[]> {
  // load time and memory of the default graph
  global.gc?.();
  const heapBefore = process.memoryUsage();
  let start = performance.now();
  const world = buildWorld(42);
  const store = new OxigraphStore();
  store.load(world.ntriples);
  const loadMs = performance.now() - start;
  const heapAfter = process.memoryUsage();
  const memoryMb = (heapAfter.rss - heapBefore.rss) / 1024 / 1024;

  // one get_relations call through the env vs the same question asked of Oxigraph directly
  const city = world.byType.get("location.city")?.[0];
  const task: KgTask = {
    qid: "b",
    question: "",
    entities: { [city?.name ?? ""]: city?.id ?? "" },
    actions: [],
    answer: [],
  };
  const env = new KgEnvironment(task, store, Number.POSITIVE_INFINITY);
  const raw = new oxigraph.Store();
  raw.load(world.ntriples, { format: "application/n-triples" });
  const rawQuery = `SELECT DISTINCT ?r WHERE { <http://rdf.freebase.com/ns/${city?.id}> ?r ?y . FILTER(isIRI(?y)) }`;
  const n = 2000;
  let toolMs = 0;
  let rawMs = 0;
  for (let round = 0; round < 4; round++) {
    start = performance.now();
    for (let i = 0; i < n / 4; i++) [...(raw.query(rawQuery) as Iterable<unknown>)];
    rawMs += performance.now() - start;
    start = performance.now();
    for (let i = 0; i < n / 4; i++) await env.step(`Action: get_relations(${city?.name})`);
    toolMs += performance.now() - start;
  }
  const toolUs = (toolMs / n) * 1000;
  const rawUs = (rawMs / n) * 1000;

  // 256 concurrent oracle episodes on one store
  const tasks: KgTask[] = [];
  for await (const t of generateKgTasks({ count: 256, seed: 21 })) tasks.push(t);
  const backend = await kgSpec.open();
  const outDir = mkdtempSync(join(tmpdir(), "bench-kg-"));
  start = performance.now();
  const summary = await runTasks({
    spec: kgSpec,
    backend,
    tasks,
    model: oracleModel(kgSpec),
    outDir,
    concurrency: 256,
  });
  const seconds = (performance.now() - start) / 1000;
  rmSync(outDir, { recursive: true, force: true });

  writeResults("kg", {
    date: new Date().toISOString(),
    triples: world.triples,
    loadMs,
    memoryMb,
    toolUs,
    rawUs,
    ratio: toolUs / rawUs,
    concurrent: { episodes: 256, seconds, F1: summary.metrics.F1 },
  });
  return [
    {
      measure: "kg default graph load",
      value: `${loadMs.toFixed(0)} ms`,
      note: `${world.triples} triples generated and loaded into Oxigraph; RSS +${memoryMb.toFixed(0)} MiB`,
    },
    {
      measure: "kg get_relations tool call",
      value: `${toolUs.toFixed(0)} µs`,
      note: `${(toolUs / rawUs).toFixed(2)}× the raw Oxigraph query (${rawUs.toFixed(0)} µs)`,
    },
    {
      measure: "kg 256 concurrent episodes",
      value: `${(256 / seconds).toFixed(1)} episodes/s`,
      note: `${seconds.toFixed(2)} s on one store, oracle F1 ${summary.metrics.F1?.toFixed(2)}`,
    },
  ];
}
