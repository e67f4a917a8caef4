// Generated HotpotQA-style questions over a small invented world (painters, paintings, museums,
// cities), in the distractor format: each record carries its supporting pages and distractors, so the
// offline wiki built from a generated file answers every question. Bridge and comparison questions,
// as HotpotQA has; nothing here is real, so a model cannot answer from memory.
// Shared by the hotpotqa and rewoo envs (both answer questions over the offline wiki).
import { mulberry32 } from "../../core/index.js";
import type { GenerateTasksOptions } from "../types.js";

/** A generated question in HotpotQA's distractor format. */
export interface HotpotRecord {
  id: string;
  question: string;
  answer: string;
  type: "bridge" | "comparison";
  level: string;
  supporting_facts: [string, number][];
  context: [string, string[]][];
}

const firstNames = [
  "Ines",
  "Tomas",
  "Marta",
  "Elio",
  "Sanna",
  "Orin",
  "Dalia",
  "Kasimir",
  "Nerea",
  "Anselm",
  "Ylva",
  "Corvin",
];
const lastNames = [
  "Varela",
  "Lund",
  "Okafor",
  "Brandt",
  "Sorel",
  "Maelis",
  "Quist",
  "Ardent",
  "Holm",
  "Castell",
  "Vey",
  "Rinaldi",
];
const countries = ["Portugal", "Norway", "Chile", "Austria", "Estonia", "Morocco", "Canada", "Greece"];
const cityParts = ["Port", "Val", "Kes", "Mar", "Lin", "Ost", "Bel", "Tor", "Ash", "Rav"];
const citySuffixes = ["mouth", "dale", "haven", "ford", "berg", "mere", "stad", "wick"];
const adjectives = [
  "Quiet",
  "Amber",
  "Glass",
  "Distant",
  "Silver",
  "Broken",
  "Northern",
  "Hidden",
  "Golden",
  "Pale",
];
const nouns = [
  "Harbor",
  "Orchard",
  "Lantern",
  "Meadow",
  "Tide",
  "Garden",
  "Bridge",
  "Window",
  "Forest",
  "Shore",
];
const museumKinds = ["Museum of Art", "Gallery", "Art Collection", "Fine Arts Museum"];

interface World {
  painters: { name: string; born: number; died: number; country: string }[];
  museums: { name: string; city: string; country: string; opened: number }[];
  paintings: { title: string; year: number; painter: number; museum: number }[];
}

function makeWorld(next: () => number): World {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const unique = (make: () => string, taken: Set<string>) => {
    for (let i = 0; i < 1000; i++) {
      const name = make();
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
    throw new Error("generate: ran out of names");
  };
  const names = new Set<string>();
  const painters = Array.from({ length: 10 }, () => {
    const born = 1780 + Math.floor(next() * 120);
    return {
      name: unique(() => `${pick(firstNames)} ${pick(lastNames)}`, names),
      born,
      died: born + 35 + Math.floor(next() * 45),
      country: pick(countries),
    };
  });
  const museums = Array.from({ length: 6 }, () => {
    const city = unique(() => `${pick(cityParts)}${pick(citySuffixes)}`, names);
    return {
      name: unique(() => `${city} ${pick(museumKinds)}`, names),
      city,
      country: pick(countries),
      opened: 1850 + Math.floor(next() * 150),
    };
  });
  const paintings = Array.from({ length: 24 }, () => {
    const painter = Math.floor(next() * painters.length);
    const p = painters[painter] as World["painters"][number];
    return {
      title: unique(() => `${pick(adjectives)} ${pick(nouns)}`, names),
      year: p.born + 20 + Math.floor(next() * (p.died - p.born - 20)),
      painter,
      museum: Math.floor(next() * museums.length),
    };
  });
  return { painters, museums, paintings };
}

type Page = [string, string[]];

function pages(world: World) {
  const painting = (i: number): Page => {
    const p = world.paintings[i] as World["paintings"][number];
    const painter = world.painters[p.painter] as World["painters"][number];
    const museum = world.museums[p.museum] as World["museums"][number];
    return [
      p.title,
      [`${p.title} is a ${p.year} oil painting by ${painter.name}.`, ` It hangs in the ${museum.name}.`],
    ];
  };
  const painter = (i: number): Page => {
    const p = world.painters[i] as World["painters"][number];
    return [
      p.name,
      [
        `${p.name} (${p.born} - ${p.died}) was a painter from ${p.country}.`,
        " Most of the work is landscapes.",
      ],
    ];
  };
  const museum = (i: number): Page => {
    const m = world.museums[i] as World["museums"][number];
    return [
      m.name,
      [`The ${m.name} is an art museum in ${m.city}, ${m.country}.`, ` It opened in ${m.opened}.`],
    ];
  };
  return { painting, painter, museum };
}

/** HotpotQA-style questions, each with its supporting pages and three distractor pages. */
export async function* generateHotpotRecords({
  count,
  seed,
}: Pick<GenerateTasksOptions, "count" | "seed">): AsyncGenerator<HotpotRecord> {
  const next = mulberry32(seed);
  const world = makeWorld(next);
  const page = pages(world);
  const n = world.paintings.length;
  const distractors = (exclude: Set<string>): Page[] => {
    const out: Page[] = [];
    for (let tries = 0; out.length < 3 && tries < 50; tries++) {
      const kind = Math.floor(next() * 3);
      const candidate =
        kind === 0
          ? page.painting(Math.floor(next() * n))
          : kind === 1
            ? page.painter(Math.floor(next() * world.painters.length))
            : page.museum(Math.floor(next() * world.museums.length));
      if (exclude.has(candidate[0])) continue;
      exclude.add(candidate[0]);
      out.push(candidate);
    }
    return out;
  };
  for (let i = 0; i < count; i++) {
    const a = Math.floor(next() * n);
    let b = Math.floor(next() * (n - 1));
    if (b >= a) b++;
    const pa = world.paintings[a] as World["paintings"][number];
    const pb = world.paintings[b] as World["paintings"][number];
    const kind = i % 4;
    let question: string;
    let answer: string;
    let type: "bridge" | "comparison";
    let support: Page[];
    if (kind === 0) {
      question = `In which city is the museum that holds the painting ${pa.title}?`;
      answer = (world.museums[pa.museum] as World["museums"][number]).city;
      type = "bridge";
      support = [page.painting(a), page.museum(pa.museum)];
    } else if (kind === 1) {
      question = `Which country was the painter of ${pa.title} from?`;
      answer = (world.painters[pa.painter] as World["painters"][number]).country;
      type = "bridge";
      support = [page.painting(a), page.painter(pa.painter)];
    } else if (kind === 2) {
      question = `Were ${pa.title} and ${pb.title} painted by the same painter?`;
      answer = pa.painter === pb.painter ? "yes" : "no";
      type = "comparison";
      support = [page.painting(a), page.painting(b)];
    } else {
      if (pa.year === pb.year) {
        i--; // no earlier one: draw another pair
        continue;
      }
      question = `Which painting is older, ${pa.title} or ${pb.title}?`;
      answer = pa.year < pb.year ? pa.title : pb.title;
      type = "comparison";
      support = [page.painting(a), page.painting(b)];
    }
    const context = [...support, ...distractors(new Set(support.map(([title]) => title)))];
    // the supporting pages are not always first, as in HotpotQA's distractor setting
    for (let j = context.length - 1; j > 0; j--) {
      const k = Math.floor(next() * (j + 1));
      [context[j], context[k]] = [context[k] as Page, context[j] as Page];
    }
    yield {
      id: `gen-${seed}-${i}`,
      question,
      answer,
      type,
      level: "generated",
      supporting_facts: support.map(([title]) => [title, 0] as [string, number]),
      context,
    };
  }
}
