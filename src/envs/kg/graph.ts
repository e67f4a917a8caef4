// The default knowledge graph: a deterministic world of countries, cities, people, companies, films
// and universities (tens of thousands of triples) in Freebase's shape: names, types, relations with
// their reverses, expected types, and numeric attributes.
import { mulberry32 } from "../../core/index.js";
import { expectedTypeRelation, nameRelation, ns, typeRelation } from "./store.js";

export interface KgEntity {
  id: string;
  name: string;
  type: string;
}

export interface KgWorld {
  entities: KgEntity[];
  byType: Map<string, KgEntity[]>;
  ntriples: string;
  triples: number;
}

/** relation → [reverse relation, subject type, object type] */
export const relations: Record<string, [string, string, string]> = {
  "location.city.country": ["location.country.cities", "location.city", "location.country"],
  "people.person.nationality": ["location.country.people", "people.person", "location.country"],
  "people.person.place_of_birth": ["location.city.people_born_here", "people.person", "location.city"],
  "people.person.profession": [
    "people.profession.people_with_this_profession",
    "people.person",
    "people.profession",
  ],
  "people.person.employer": ["organization.company.employees", "people.person", "organization.company"],
  "organization.company.headquarters": [
    "location.city.companies_headquartered_here",
    "organization.company",
    "location.city",
  ],
  "organization.company.industry": [
    "business.industry.companies",
    "organization.company",
    "business.industry",
  ],
  "film.film.directed_by": ["film.director.films", "film.film", "people.person"],
  "film.film.country": ["location.country.films", "film.film", "location.country"],
  "education.university.city": ["location.city.universities", "education.university", "location.city"],
  "people.person.education": ["education.university.alumni", "people.person", "education.university"],
};

const first =
  "Ada Bram Cleo Dario Elin Farid Greta Hugo Ines Jonas Kaia Luca Mira Nils Oona Pavel Quin Rosa Sami Tove Uma Viktor Wren Xavi Yara Zeno Aiko Bo Cyra Dev Esme Finn Gaia Hal Ivo Juno Kit Lior Maya Noor Otto Pia Rafe Sol Taro Ugo Vera Wim Yusuf Zoe".split(
    " ",
  );
const last =
  "Abbott Berg Castell Dahl Eriksen Ferreira Gallo Holt Ibarra Janssen Kowal Lund Moreau Novak Ortega Pesce Quist Ruiz Sato Thorne Ueda Varga Weiss Yilmaz Zamora Akers Brandt Corr Duval Eklund Falk Grau Hale Ito Jung Keller Lind Marsh Nagy Olsen Park Reyes Stone Tan Voss West Young Zhou Amato Bauer".split(
    " ",
  );
const syllables =
  "an bel cor dan el fa gor hal in jor ka lum mar nor os pel qua ran sel tor ul vin wes yor zan".split(" ");
const professions = [
  "Architect",
  "Chemist",
  "Engineer",
  "Journalist",
  "Lawyer",
  "Musician",
  "Nurse",
  "Painter",
  "Pilot",
  "Teacher",
];
const industries = [
  "Aerospace",
  "Banking",
  "Biotech",
  "Energy",
  "Fashion",
  "Gaming",
  "Logistics",
  "Media",
  "Mining",
  "Retail",
  "Shipping",
  "Software",
];

export function buildWorld(seed = 42): KgWorld {
  const rng = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)] as T;
  const word = (n: number) => {
    const w = Array.from({ length: n }, () => pick(syllables)).join("");
    return w[0]?.toUpperCase() + w.slice(1);
  };
  const entities: KgEntity[] = [];
  const byType = new Map<string, KgEntity[]>();
  const used = new Set<string>();
  const lines: string[] = [];
  const add = (prefix: string, type: string, name: string): KgEntity => {
    let unique = name;
    for (let i = 2; used.has(unique); i++) unique = `${name} ${i}`;
    used.add(unique);
    const entity = { id: `m.${prefix}${(byType.get(type)?.length ?? 0) + 1}`, name: unique, type };
    entities.push(entity);
    byType.set(type, [...(byType.get(type) ?? []), entity]);
    lines.push(`<${ns}${entity.id}> <${ns}${nameRelation}> ${JSON.stringify(unique)}@en .`);
    lines.push(`<${ns}${entity.id}> <${ns}${typeRelation}> <${ns}${type}> .`);
    return entity;
  };
  const link = (s: KgEntity, relation: string, o: KgEntity) => {
    const [reverse] = relations[relation] ?? [];
    lines.push(`<${ns}${s.id}> <${ns}${relation}> <${ns}${o.id}> .`);
    if (reverse) lines.push(`<${ns}${o.id}> <${ns}${reverse}> <${ns}${s.id}> .`);
  };
  const number = (s: KgEntity, attribute: string, value: number) => {
    const literal = Number.isInteger(value)
      ? `"${value}"^^<http://www.w3.org/2001/XMLSchema#integer>`
      : `"${value}"^^<http://www.w3.org/2001/XMLSchema#double>`;
    lines.push(`<${ns}${s.id}> <${ns}${attribute}> ${literal} .`);
  };

  for (const [relation, [reverse, subjectType, objectType]] of Object.entries(relations)) {
    lines.push(`<${ns}${relation}> <${ns}${expectedTypeRelation}> <${ns}${objectType}> .`);
    lines.push(`<${ns}${reverse}> <${ns}${expectedTypeRelation}> <${ns}${subjectType}> .`);
  }
  const professionEntities = professions.map((p) => add("prof", "people.profession", p));
  const industryEntities = industries.map((i) => add("ind", "business.industry", i));
  const countries = Array.from({ length: 30 }, () => add("ctry", "location.country", `${word(2)}ia`));
  for (const c of countries) number(c, "location.country.population", int(1, 900) * 100_000);
  const cities = Array.from({ length: 300 }, () => add("city", "location.city", word(2)));
  for (const city of cities) {
    link(city, "location.city.country", pick(countries));
    number(city, "location.city.population", int(5, 9000) * 1000);
  }
  const companies = Array.from({ length: 300 }, () =>
    add("co", "organization.company", `${word(2)} ${pick(["Corp", "Group", "Labs", "Works", "Systems"])}`),
  );
  for (const company of companies) {
    link(company, "organization.company.headquarters", pick(cities));
    link(company, "organization.company.industry", pick(industryEntities));
    number(company, "organization.company.founded", int(1850, 2020));
    number(company, "organization.company.revenue", int(1, 50_000) * 1_000_000);
  }
  const universities = Array.from({ length: 100 }, () =>
    add("uni", "education.university", `University of ${word(2)}`),
  );
  for (const university of universities) {
    link(university, "education.university.city", pick(cities));
    number(university, "education.university.founded", int(1200, 2000));
    number(university, "education.university.students", int(1, 800) * 100);
  }
  const names: string[] = [];
  for (const f of first) for (const l of last) names.push(`${f} ${l}`);
  names.sort(() => rng() - 0.5);
  const people = names.slice(0, 2500).map((name) => add("p", "people.person", name));
  for (const person of people) {
    const birth = pick(cities);
    link(person, "people.person.place_of_birth", birth);
    link(person, "people.person.nationality", pick(countries));
    link(person, "people.person.profession", pick(professionEntities));
    if (rng() < 0.8) link(person, "people.person.employer", pick(companies));
    if (rng() < 0.6) link(person, "people.person.education", pick(universities));
    number(person, "people.person.height_meters", Math.round((1.5 + rng() * 0.5) * 100) / 100);
  }
  const films = Array.from({ length: 600 }, () =>
    add(
      "film",
      "film.film",
      `The ${word(2)} ${pick(["Affair", "Road", "Winter", "Signal", "Garden", "Tide"])}`,
    ),
  );
  const directors = people.slice(0, 150);
  for (const film of films) {
    link(film, "film.film.directed_by", pick(directors));
    link(film, "film.film.country", pick(countries));
    number(film, "film.film.release_year", int(1950, 2024));
    number(film, "film.film.runtime", int(70, 190));
  }
  return { entities, byType, ntriples: lines.join("\n"), triples: lines.length };
}
