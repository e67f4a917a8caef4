// The knowledge graph behind the kg env: Oxigraph in-process (WebAssembly) or any SPARQL 1.1 endpoint,
// both answering SELECT queries the tools compile to. Names are IRIs in Freebase's namespace.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type oxigraphModule from "oxigraph";
import { boundedFetch, EnvError, InputError } from "../../core/index.js";

export const ns = "http://rdf.freebase.com/ns/";
export const nameRelation = "type.object.name";
export const typeRelation = "type.object.type";
/** Schema triple: a relation's expected type (Freebase's type.property.expected_type). */
export const expectedTypeRelation = "type.property.expected_type";

export type Binding = Record<string, string>;

export interface KgStore {
  readonly name: string;
  select(query: string): Promise<Binding[]>;
  close(): Promise<void>;
}

/** Ids and relation names that may appear in a query; anything else is refused, never spliced. */
const idPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

export function iri(id: string): string {
  if (!idPattern.test(id)) throw new InputError(`not a valid id or relation: ${JSON.stringify(id)}`);
  return `<${ns}${id}>`;
}

export function localName(value: string): string {
  return value.startsWith(ns) ? value.slice(ns.length) : value;
}

export class OxigraphStore implements KgStore {
  readonly name = "oxigraph";
  // loaded when a graph is (oxigraph is CommonJS: a synchronous require)
  private readonly store: oxigraphModule.Store = new (
    createRequire(import.meta.url)("oxigraph") as typeof oxigraphModule
  ).Store();

  /** Loads N-Triples or Turtle files (by extension), or text. */
  load(text: string, format: "application/n-triples" | "text/turtle" = "application/n-triples"): void {
    this.store.load(text, { format });
  }

  loadFile(file: string): void {
    this.load(readFileSync(file, "utf8"), file.endsWith(".ttl") ? "text/turtle" : "application/n-triples");
  }

  get size(): number {
    return this.store.size;
  }

  async select(query: string): Promise<Binding[]> {
    const rows = this.store.query(query) as Iterable<Map<string, { value: string }>>;
    const out: Binding[] = [];
    for (const row of rows) {
      const binding: Binding = {};
      for (const [key, term] of row) binding[key] = term.value;
      out.push(binding);
    }
    return out;
  }

  async close(): Promise<void> {}
}

/** A SPARQL 1.1 HTTP endpoint (e.g. Virtuoso with Freebase), with a timeout and retries. */
export class SparqlEndpointStore implements KgStore {
  constructor(
    readonly name: string,
    private readonly timeoutMs = 30_000,
    private readonly retries = 2,
  ) {}

  /** An endpoint's reply is read up to a size limit (AGENTTUNE_MAX_RESPONSE_BYTES, 32 MiB). */
  private readonly fetch = boundedFetch();

  async select(query: string): Promise<Binding[]> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      try {
        const response = await this.fetch(this.name, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/sparql-results+json",
          },
          body: new URLSearchParams({ query }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const json = (await response.json()) as {
          results: { bindings: Record<string, { value: string }>[] };
        };
        return json.results.bindings.map((b) =>
          Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.value])),
        );
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
    }
    const reason =
      (lastError as Error).name === "TimeoutError"
        ? `timed out after ${this.timeoutMs} ms`
        : (lastError as Error).message;
    throw new EnvError(`SPARQL endpoint ${this.name}: ${reason}`);
  }

  async close(): Promise<void> {}
}
