// The kg env's security suite: tool calls that make a query explode must cost a bounded time, be told to
// the agent as a failed call, and never stop other episodes' queries.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KgEnvironment } from "./env.js";
import { defaultWorld } from "./generate.js";
import { kgSpec } from "./spec.js";
import type { KgTask } from "./tasks.js";
import { QueryTimeout, WorkerOxigraphStore } from "./worker-store.js";

const fixture = join(import.meta.dirname, "../../../test/fixtures/knowledgegraph/sample.json");

async function firstTask(): Promise<KgTask> {
  for await (const task of kgSpec.loadTasks(fixture)) return task;
  throw new Error("no task");
}

const explosive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

describe("kg security", () => {
  it("a query past its time limit fails alone; other queries are answered meanwhile", async () => {
    const store = new WorkerOxigraphStore(defaultWorld().ntriples, "application/n-triples", 2, 10_000);
    try {
      let slowEnded = false;
      const slow = store
        .select(explosive)
        .catch((error) => error)
        .finally(() => {
          slowEnded = true;
        });
      const quick = await store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
      expect(slowEnded).toBe(false); // answered while the explosive one ran
      expect(Number(quick[0]?.n)).toBe(defaultWorld().triples);
      expect(await slow).toBeInstanceOf(QueryTimeout);
      // the terminated worker is replaced
      expect(Number((await store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0]?.n)).toBe(
        defaultWorld().triples,
      );
    } finally {
      await store.close();
    }
  });

  it("reads a bounded number of rows from a huge result", async () => {
    const store = new WorkerOxigraphStore(defaultWorld().ntriples, "application/n-triples", 1, 10_000);
    try {
      expect(await store.select("SELECT ?a ?c WHERE { ?a ?b ?c . ?d ?e ?f }")).toHaveLength(10_000);
    } finally {
      await store.close();
    }
  });

  it("self-intersections stacked by the agent end as a failed call, and the episode goes on", async () => {
    const task = await firstTask();
    const store = new WorkerOxigraphStore(defaultWorld().ntriples, "application/n-triples", 2, 1500);
    try {
      const env = new KgEnvironment(task, store);
      await env.reset();
      const entity = Object.keys(task.entities)[0] ?? "";
      const relations = await env.step(`Action: get_relations(${entity})`);
      const relation = /\[([^,\]]+)/.exec(relations.observation)?.[1]?.trim() ?? "";
      expect((await env.step(`Action: get_neighbors(${entity}, ${relation})`)).observation).toMatch(
        /variable #0/,
      );
      // each call nests the pattern again: the attack that blocked a run for over 85 s
      let last = 0;
      let worstLag = 0;
      const lagProbe = setInterval(() => {
        const due = Date.now();
        setTimeout(() => {
          worstLag = Math.max(worstLag, Date.now() - due);
        });
      });
      try {
        for (let i = 0; i < 9; i++) {
          const started = Date.now();
          const step = await env.step(`Action: intersection(#${last}, #${last})`);
          expect(Date.now() - started).toBeLessThan(60_000); // a hang guard: unbounded, this took 85 s+
          expect(step.done).toBe(false);
          const made = /variable #(\d+)/.exec(step.observation);
          if (made) last = Number(made[1]);
          else expect(step.observation).toMatch(/cannot be executed/);
        }
        const started = Date.now();
        const counted = await env.step(`Action: count(#${last})`);
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(counted.done).toBe(false);
        expect(counted.observation).toMatch(/variable #\d+|cannot be executed/);
      } finally {
        clearInterval(lagProbe);
      }
      // the run's event loop was never blocked (an in-thread query would block it while it runs)
      expect(worstLag).toBeLessThan(5000);
      expect((await env.step(`Action: get_relations(${entity})`)).observation).toMatch(/\[/);
    } finally {
      await store.close();
    }
  });
});
