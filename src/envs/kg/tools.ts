// AgentBench's knowledge-graph tools, compiled to SPARQL. A variable is a graph pattern binding ?x
// (never a materialised set): get_neighbors, intersection and argmax/argmin build bigger patterns, and
// the final answer is one SELECT over the answer variable's pattern.
import { expectedTypeRelation, iri, type KgStore, localName } from "./store.js";

export interface KgVariable {
  /** SPARQL group binding `?${target}`; `fresh` names inner variables. */
  pattern(target: string, fresh: () => string): string;
  /** The Freebase-style type of its members, or "number" for count. */
  type: string;
  /**
   * The entities its program names: AgentBench's lisp_to_sparql filters them out of the answer
   * (`FILTER (?x != ns:m…)`, logic_form_util.py:675), so a question never answers with its own topic.
   */
  entities: readonly string[];
  /** count(): the number, computed when created. */
  value?: number;
}

export class ToolError extends Error {}

/** What AgentBench says about a new variable (api.py's "variable ##" with its number filled in). */
export const variableObservation = (id: number, variable: KgVariable) =>
  variable.type === "number"
    ? `Observation: variable #${id}, which is a number`
    : `Observation: variable #${id}, which are instances of ${variable.type}`;

export type ToolArgument =
  | { kind: "variable"; index: number; variable: KgVariable }
  | { kind: "entity"; id: string };

function patternOf(arg: ToolArgument): KgVariable["pattern"] {
  if (arg.kind === "variable") return arg.variable.pattern;
  const entity = iri(arg.id);
  return (target) => `VALUES ?${target} { ${entity} }`;
}

const entitiesOf = (arg: ToolArgument): readonly string[] =>
  arg.kind === "variable" ? arg.variable.entities : [arg.id];

/** The answer filters AgentBench appends: the program's entities out, literals only in English. */
function answerFilters(target: string, entities: readonly string[]): string {
  const notEntities = entities.length ? ` FILTER(?${target} NOT IN (${entities.map(iri).join(", ")}))` : "";
  return `${notEntities} FILTER(!isLiteral(?${target}) || lang(?${target}) = "" || langMatches(lang(?${target}), "en"))`;
}

function counter() {
  let n = 0;
  return () => `v${n++}`;
}

/** AgentBench's ontology/vocab.json: the relations and attributes its tools may list. */
export interface KgVocabulary {
  relations: ReadonlySet<string>;
  attributes: ReadonlySet<string>;
}

/** The argument's outgoing predicates that the vocabulary lists (api.py: set(out) & set(vocab)). */
async function predicatesIn(
  store: KgStore,
  arg: ToolArgument,
  allowed: ReadonlySet<string>,
): Promise<string[]> {
  const fresh = counter();
  const rows = await store.select(`SELECT DISTINCT ?r WHERE { ${patternOf(arg)("x", fresh)} ?x ?r ?o . }`);
  return rows
    .map((r) => localName(r.r ?? ""))
    .filter((r) => allowed.has(r))
    .sort();
}

/**
 * Relations leaving the argument: with AgentBench's vocabulary, its outgoing predicates that the
 * vocabulary lists as relations; without, its edges to entities.
 */
export async function getRelations(
  store: KgStore,
  arg: ToolArgument,
  vocab?: KgVocabulary,
): Promise<string[]> {
  if (vocab) return predicatesIn(store, arg, vocab.relations);
  const fresh = counter();
  const rows = await store.select(
    `SELECT DISTINCT ?r WHERE { ${patternOf(arg)("x", fresh)} ?x ?r ?y . FILTER(isIRI(?y)) FILTER(STRSTARTS(STR(?r), "http://rdf.freebase.com/ns/")) }`,
  );
  return rows
    .map((r) => localName(r.r ?? ""))
    .filter((r) => !r.startsWith("type.object."))
    .sort();
}

/** A new variable, built without running it (AgentBench's get_neighbors, api.py:80-98): empty is fine. */
export async function getNeighbors(store: KgStore, arg: ToolArgument, relation: string): Promise<KgVariable> {
  const relationIri = iri(relation);
  const source = patternOf(arg);
  return {
    pattern: (target, fresh) => {
      const from = fresh();
      return `{ ${source(from, fresh)} } ?${from} ${relationIri} ?${target} .`;
    },
    type: await expectedType(store, relation),
    entities: entitiesOf(arg),
  };
}

async function expectedType(store: KgStore, relation: string): Promise<string> {
  const rows = await store.select(
    `SELECT ?t WHERE { ${iri(relation)} ${iri(expectedTypeRelation)} ?t } LIMIT 1`,
  );
  return localName(rows[0]?.t ?? "common.topic");
}

export function intersection(a: ToolArgument, b: ToolArgument): KgVariable {
  const typeA = a.kind === "variable" ? a.variable.type : undefined;
  const typeB = b.kind === "variable" ? b.variable.type : undefined;
  if (typeA && typeB && typeA !== typeB) throw new ToolError("types differ");
  const left = patternOf(a);
  const right = patternOf(b);
  // AgentBench only checks the types (api.py:100-118): an empty intersection is a variable too
  return {
    pattern: (target, fresh) => `{ ${left(target, fresh)} } { ${right(target, fresh)} }`,
    type: typeA ?? typeB ?? "common.topic",
    entities: [...new Set([...entitiesOf(a), ...entitiesOf(b)])],
  };
}

/**
 * AgentBench's union (api.py: not in its prompt, but callable): two variables of one type, their
 * members together.
 */
export function union(a: ToolArgument, b: ToolArgument): KgVariable {
  if (a.kind !== "variable" || b.kind !== "variable") throw new ToolError("union takes variables");
  if (a.variable.type !== b.variable.type) throw new ToolError("types differ");
  const left = a.variable.pattern;
  const right = b.variable.pattern;
  return {
    pattern: (target, fresh) => `{ ${left(target, fresh)} } UNION { ${right(target, fresh)} }`,
    type: a.variable.type,
    entities: [...new Set([...a.variable.entities, ...b.variable.entities])],
  };
}

/**
 * Attributes of the members: with AgentBench's vocabulary, the predicates it lists as attributes
 * (dates among them); without, the relations whose objects are numbers.
 */
export async function getAttributes(
  store: KgStore,
  arg: ToolArgument,
  vocab?: KgVocabulary,
): Promise<string[]> {
  if (vocab) return predicatesIn(store, arg, vocab.attributes);
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
  // every member at the best value, ties included: AgentBench joins the members' values with a
  // "SELECT ?sk0 … ORDER BY … LIMIT 1" subquery (logic_form_util.py:653,682)
  return {
    pattern: (target, fresh) => {
      const value = fresh();
      const inner = fresh();
      return `{ ${source(target, fresh)} ?${target} ${attributeIri} ?${value} } { SELECT ?${value} WHERE { ${source(inner, fresh)} ?${inner} ${attributeIri} ?${value} } ORDER BY ${direction === "max" ? "DESC" : "ASC"}(?${value}) LIMIT 1 }`;
    },
    type: arg.variable.type,
    entities: arg.variable.entities,
  };
}

export async function count(store: KgStore, arg: ToolArgument & { kind: "variable" }): Promise<KgVariable> {
  const fresh = counter();
  const rows = await store.select(
    `SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ${arg.variable.pattern("x", fresh)}${answerFilters("x", arg.variable.entities)} }`,
  );
  const value = Number(rows[0]?.n ?? 0);
  return { pattern: (target) => `VALUES ?${target} { ${value} }`, type: "number", value, entities: [] };
}

/** The answer set of a variable, as AgentBench's final SPARQL reads it: member ids, or the count. */
export async function answerOf(store: KgStore, variable: KgVariable): Promise<string[]> {
  if (variable.value !== undefined) return [String(variable.value)];
  const fresh = counter();
  const rows = await store.select(
    `SELECT DISTINCT ?x WHERE { ${variable.pattern("x", fresh)}${answerFilters("x", variable.entities)} }`,
  );
  return rows.map((r) => localName(r.x ?? ""));
}
