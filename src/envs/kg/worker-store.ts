// Oxigraph in worker threads: its queries run synchronously, so a query the agent's tool calls blow up
// (intersection of a variable with itself, again and again, then count) would block every episode of
// the run. Here each query has a time limit and a row cap; one over the limit costs its worker (which is
// terminated, interrupting the WebAssembly, and rebuilt), and the other workers go on serving.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { EnvError } from "../../core/index.js";
import type { Binding, KgStore } from "./store.js";

/** A query over its time limit; the tool call becomes "cannot be executed", as an endpoint timeout would. */
export class QueryTimeout extends Error {}

class WorkerExited extends Error {}

export const defaultQueryTimeoutMs = 10_000;
/** Bindings read per query: far more than any tool result shows the agent. */
export const queryRowLimit = 10_000;

// plain CommonJS, evaluated in the worker: no loader needed, from the sources or from dist/
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const oxigraph = require(workerData.oxigraph);
const store = new oxigraph.Store();
store.load(workerData.text, { format: workerData.format });
parentPort.postMessage({ ready: true });
parentPort.on("message", ({ id, query }) => {
  try {
    const rows = [];
    for (const row of store.query(query)) {
      const binding = {};
      for (const [key, term] of row) binding[key] = term.value;
      rows.push(binding);
    }
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

type Format = "application/n-triples" | "text/turtle";

class GraphWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  busy = 0;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (rows: Binding[]) => void; reject: (e: Error) => void }
  >();
  dead = false;

  constructor(text: string, format: Format) {
    const oxigraph = createRequire(import.meta.url).resolve("oxigraph");
    this.worker = new Worker(workerSource, { eval: true, workerData: { text, format, oxigraph } });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("message", () => resolve());
      this.worker.once("error", reject);
    });
    this.worker.on("message", (message: { id?: number; rows?: Binding[]; error?: string }) => {
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.rows ?? []);
    });
    this.worker.on("exit", () => {
      this.dead = true;
      for (const waiter of this.pending.values()) waiter.reject(new WorkerExited("kg worker exited"));
      this.pending.clear();
    });
  }

  async select(query: string, timeoutMs: number): Promise<Binding[]> {
    this.busy++; // before waiting, so the next call picks another worker
    this.worker.ref();
    try {
      await this.ready;
      const id = ++this.next;
      return await new Promise<Binding[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          this.dead = true;
          void this.worker.terminate();
          reject(new QueryTimeout(`query over ${timeoutMs} ms`));
        }, timeoutMs);
        this.pending.set(id, {
          resolve: (rows) => {
            clearTimeout(timer);
            resolve(rows);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        // Oxigraph's JS binding reads a whole result before it returns one row: the cap is a LIMIT
        this.worker.postMessage({ id, query: `SELECT * WHERE { { ${query} } } LIMIT ${queryRowLimit}` });
      });
    } finally {
      this.busy--;
      if (this.busy === 0) this.worker.unref();
    }
  }
}

/** An Oxigraph store served by `size` worker threads, each with its own copy of the graph. */
export class WorkerOxigraphStore implements KgStore {
  readonly name = "oxigraph";
  private workers: GraphWorker[];

  constructor(
    private readonly text: string,
    private readonly format: Format = "application/n-triples",
    size = 2,
    private readonly timeoutMs = defaultQueryTimeoutMs,
  ) {
    this.workers = Array.from({ length: size }, () => new GraphWorker(text, format));
  }

  /** The least busy live worker; a terminated one is replaced (its graph loads again). */
  private pick(): GraphWorker {
    this.workers = this.workers.map((w) => (w.dead ? new GraphWorker(this.text, this.format) : w));
    return this.workers.reduce((best, w) => (w.busy < best.busy ? w : best));
  }

  async select(query: string): Promise<Binding[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pick().select(query, this.timeoutMs);
      } catch (error) {
        if (error instanceof QueryTimeout) throw error;
        // its worker was terminated for another episode's query: run it on a fresh one
        if (error instanceof WorkerExited && attempt < 3) continue;
        throw new EnvError(`kg store: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  async close(): Promise<void> {
    // awaited exits need handles that keep the loop alive
    await Promise.all(
      this.workers.map((w) => {
        w.worker.ref();
        return w.worker.terminate();
      }),
    );
  }
}
