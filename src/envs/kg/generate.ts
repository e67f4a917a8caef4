// Questions over the generated graph from templates of 1–4 hops, with intersection, count and
// argmax/argmin, each with a gold action sequence replayed on the store before it is kept. With a
// model, the model rewrites the templated question (self-instruct); the gold answer does not change.
import { mulberry32 } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import type { GenerateTasksOptions } from "../types.js";
import { replayActions } from "./env.js";
import { buildWorld, type KgEntity, type KgWorld } from "./graph.js";
import { type KgStore, OxigraphStore } from "./store.js";
import type { KgTask } from "./tasks.js";

type Template = (
  pick: <T>(items: readonly T[]) => T,
  world: KgWorld,
) => { question: string; entities: KgEntity[]; actions: string[] };

const of = (world: KgWorld, type: string) => world.byType.get(type) ?? [];

export const kgTemplates: Template[] = [
  // 1 hop
  (pick, w) => {
    const city = pick(of(w, "location.city"));
    return {
      question: `which country is ${city.name} in?`,
      entities: [city],
      actions: [`get_relations(${city.id})`, `get_neighbors(${city.id},location.city.country)`],
    };
  },
  // 2 hops
  (pick, w) => {
    const company = pick(of(w, "organization.company"));
    return {
      question: `where were the employees of ${company.name} born?`,
      entities: [company],
      actions: [
        `get_relations(${company.id})`,
        `get_neighbors(${company.id},organization.company.employees)`,
        "get_relations(#0)",
        "get_neighbors(#0,people.person.place_of_birth)",
      ],
    };
  },
  // intersection
  (pick, w) => {
    const city = pick(of(w, "location.city"));
    const profession = pick(of(w, "people.profession"));
    return {
      question: `which ${profession.name.toLowerCase()}s were born in ${city.name}?`,
      entities: [city, profession],
      actions: [
        `get_relations(${city.id})`,
        `get_neighbors(${city.id},location.city.people_born_here)`,
        `get_relations(${profession.id})`,
        `get_neighbors(${profession.id},people.profession.people_with_this_profession)`,
        "intersection(#0,#1)",
      ],
    };
  },
  // count
  (pick, w) => {
    const director = pick(of(w, "people.person").slice(0, 150));
    return {
      question: `how many films did ${director.name} direct?`,
      entities: [director],
      actions: [
        `get_relations(${director.id})`,
        `get_neighbors(${director.id},film.director.films)`,
        "count(#0)",
      ],
    };
  },
  // argmax
  (pick, w) => {
    const industry = pick(of(w, "business.industry"));
    return {
      question: `which ${industry.name.toLowerCase()} company has the largest revenue?`,
      entities: [industry],
      actions: [
        `get_relations(${industry.id})`,
        `get_neighbors(${industry.id},business.industry.companies)`,
        "get_attributes(#0)",
        "argmax(#0,organization.company.revenue)",
      ],
    };
  },
  // argmin over 2 hops
  (pick, w) => {
    const country = pick(of(w, "location.country"));
    return {
      question: `what is the least populous city of ${country.name}?`,
      entities: [country],
      actions: [
        `get_relations(${country.id})`,
        `get_neighbors(${country.id},location.country.cities)`,
        "get_attributes(#0)",
        "argmin(#0,location.city.population)",
      ],
    };
  },
  // 3 hops
  (pick, w) => {
    const country = pick(of(w, "location.country"));
    return {
      question: `in which industries are the companies headquartered in cities of ${country.name}?`,
      entities: [country],
      actions: [
        `get_relations(${country.id})`,
        `get_neighbors(${country.id},location.country.cities)`,
        "get_relations(#0)",
        "get_neighbors(#0,location.city.companies_headquartered_here)",
        "get_relations(#1)",
        "get_neighbors(#1,organization.company.industry)",
      ],
    };
  },
  // 4 hops with count
  (pick, w) => {
    const university = pick(of(w, "education.university"));
    return {
      question: `how many companies employ alumni of ${university.name}?`,
      entities: [university],
      actions: [
        `get_relations(${university.id})`,
        `get_neighbors(${university.id},education.university.alumni)`,
        "get_relations(#0)",
        "get_neighbors(#0,people.person.employer)",
        "count(#1)",
      ],
    };
  },
];

let cached: { world: KgWorld; store: OxigraphStore } | undefined;
let cachedWorld: KgWorld | undefined;

/** The default graph's contents (seed 42), built once per process. */
export function defaultWorld(): KgWorld {
  cachedWorld ??= buildWorld(42);
  return cachedWorld;
}

/** The default graph loaded in this thread (task generation and checks; episodes use worker threads). */
export function defaultGraph(): { world: KgWorld; store: OxigraphStore } {
  if (!cached) {
    const world = defaultWorld();
    const store = new OxigraphStore();
    store.load(world.ntriples);
    cached = { world, store };
  }
  return cached;
}

export async function* generateKgTasks({ count, seed, model }: GenerateTasksOptions): AsyncGenerator<KgTask> {
  const { world, store } = defaultGraph();
  const rng = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)] as T;
  const names = new Map(world.entities.map((e) => [e.id, e.name]));
  let made = 0;
  for (let attempt = 0; made < count && attempt < count * 20; attempt++) {
    const draft = (kgTemplates[attempt % kgTemplates.length] as Template)(pick, world);
    const entities = Object.fromEntries(draft.entities.map((e) => [e.name, e.id]));
    const answer = await replayActions(store, entities, draft.actions);
    if (!answer || answer.length === 0) continue;
    const question = model
      ? await rewrite(model, draft.question, store, entities, draft.actions, answer)
      : draft.question;
    const isCount = draft.actions.at(-1)?.startsWith("count(");
    made++;
    yield {
      qid: `gen-${seed}-${made - 1}`,
      question,
      source: "agenttune-generated",
      entities,
      actions: draft.actions,
      answer: answer.map((a) =>
        isCount
          ? { answer_type: "Value", answer_argument: a }
          : { answer_type: "Entity", answer_argument: a, entity_name: names.get(a) ?? a },
      ),
    };
  }
}

/** Self-instruct: a model rewrites the question; the gold actions (and so the answer) stay. */
async function rewrite(
  model: ChatModel,
  question: string,
  store: KgStore,
  entities: Record<string, string>,
  actions: string[],
  answer: string[],
): Promise<string> {
  const { text } = await model.complete(
    [
      {
        role: "user",
        content: `Rewrite this question in natural, varied English. Keep every entity name exactly as written. Reply with the question only.\n\n${question}`,
      },
    ],
    { temperature: 0.7, maxTokens: 100 },
  );
  const rewritten = text.trim().split("\n")[0] ?? "";
  // keep it only if every entity is still named and the gold answer is unchanged
  const again = await replayActions(store, entities, actions);
  const same =
    again !== undefined && again.length === answer.length && again.every((a) => answer.includes(a));
  return rewritten && same && Object.keys(entities).every((name) => rewritten.includes(name))
    ? rewritten
    : question;
}
