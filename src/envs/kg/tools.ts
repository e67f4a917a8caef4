// AgentBench's knowledge-graph tools, compiled to SPARQL. A variable is a graph pattern binding ?x
// (never a materialised set): get_neighbors, intersection and argmax/argmin build bigger patterns, and
// the final answer is one SELECT over the answer variable's pattern.
import { expectedTypeRelation, iri, type KgStore, localName } from "./store.js";

export interface KgVariable {
  /** SPARQL group binding `?${target}`; `fresh` names inner variables. */
  pattern(target: string, fresh: () => string): string;
  /** The Freebase-style type of its members, or "number" for count. */
  type: string;
  /** count(): the number, computed when created. */
  value?: number;
}

export class ToolError extends Error {}

export type ToolArgument =
  | { kind: "variable"; index: number; variable: KgVariable }
  | { kind: "entity"; id: string };

function patternOf(arg: ToolArgument): KgVariable["pattern"] {
  if (arg.kind === "variable") return arg.variable.pattern;
  const entity = iri(arg.id);
  return (target) => `VALUES ?${target} { ${entity} }`;
}

function counter() {
  let n = 0;
  return () => `v${n++}`;
}

async function members(
  store: KgStore,
  variable: Pick<KgVariable, "pattern">,
  limit?: number,
): Promise<string[]> {
  const fresh = counter();
  const rows = await store.select(
    `SELECT DISTINCT ?x WHERE { ${variable.pattern("x", fresh)} }${limit ? ` LIMIT ${limit}` : ""}`,
  );
  return rows.map((r) => localName(r.x ?? ""));
}

/** Relations leaving the argument (its members' outgoing edges to entities). */
export async function getRelations(store: KgStore, arg: ToolArgument): Promise<string[]> {
  const fresh = counter();
  const rows = await store.select(
    `SELECT DISTINCT ?r WHERE { ${patternOf(arg)("x", fresh)} ?x ?r ?y . FILTER(isIRI(?y)) FILTER(STRSTARTS(STR(?r), "http://rdf.freebase.com/ns/")) }`,
  );
  return rows
    .map((r) => localName(r.r ?? ""))
    .filter((r) => !r.startsWith("type.object."))
    .sort();
}

export async function getNeighbors(store: KgStore, arg: ToolArgument, relation: string): Promise<KgVariable> {
  const relationIri = iri(relation);
  const source = patternOf(arg);
  const variable: KgVariable = {
    pattern: (target, fresh) => {
      const from = fresh();
      return `{ ${source(from, fresh)} } ?${from} ${relationIri} ?${target} .`;
    },
    type: await expectedType(store, relation),
  };
  if ((await members(store, variable, 1)).length === 0) throw new ToolError("empty result");
  return variable;
}

async function expectedType(store: KgStore, relation: string): Promise<string> {
  const rows = await store.select(
    `SELECT ?t WHERE { ${iri(relation)} ${iri(expectedTypeRelation)} ?t } LIMIT 1`,
  );
  return localName(rows[0]?.t ?? "common.topic");
}

export async function intersection(store: KgStore, a: ToolArgument, b: ToolArgument): Promise<KgVariable> {
  const typeA = a.kind === "variable" ? a.variable.type : undefined;
  const typeB = b.kind === "variable" ? b.variable.type : undefined;
  if (typeA && typeB && typeA !== typeB) throw new ToolError("types differ");
  const left = patternOf(a);
  const right = patternOf(b);
  const variable: KgVariable = {
    pattern: (target, fresh) => `{ ${left(target, fresh)} } { ${right(target, fresh)} }`,
    type: typeA ?? typeB ?? "common.topic",
  };
  if ((await members(store, variable, 1)).length === 0) throw new ToolError("empty intersection");
  return variable;
}

/** Numeric attributes of the members (relations whose objects are numbers). */
export async function getAttributes(store: KgStore, arg: ToolArgument): Promise<string[]> {
  const fresh = counter();
  const rows = await store.select(
    `SELECT DISTINCT ?r WHERE { ${patternOf(arg)("x", fresh)} ?x ?r ?v . FILTER(isLiteral(?v) && isNumeric(?v)) }`,
  );
  return rows.map((r) => localName(r.r ?? "")).sort();
}

export function superlative(
  arg: ToolArgument & { kind: "variable" },
  attribute: string,
  direction: "max" | "min",
): KgVariable {
  const attributeIri = iri(attribute);
  const source = arg.variable.pattern;
  return {
    pattern: (target, fresh) => {
      const value = fresh();
      return `{ SELECT ?${target} WHERE { ${source(target, fresh)} ?${target} ${attributeIri} ?${value} } ORDER BY ${direction === "max" ? "DESC" : "ASC"}(?${value}) LIMIT 1 }`;
    },
    type: arg.variable.type,
  };
}

export async function count(store: KgStore, arg: ToolArgument & { kind: "variable" }): Promise<KgVariable> {
  const fresh = counter();
  const rows = await store.select(
    `SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ${arg.variable.pattern("x", fresh)} }`,
  );
  const value = Number(rows[0]?.n ?? 0);
  return { pattern: (target) => `VALUES ?${target} { ${value} }`, type: "number", value };
}

/** The answer set of a variable: member ids, or the number for count(). */
export async function answerOf(store: KgStore, variable: KgVariable): Promise<string[]> {
  if (variable.value !== undefined) return [String(variable.value)];
  return members(store, variable);
}
