// The tables db task generation draws: themed columns (a key, a category, numbers, one more text
// column) with their value pools, random tables from a theme, and a theme inferred from any table.
import type { DbTable } from "./tasks.js";

export type Rng = () => number;

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

export interface Theme {
  table: string;
  /** key column (unique text), category column, numeric columns, other text column */
  key: string;
  category: string;
  numbers: { name: string; lo: number; hi: number }[];
  extra: string;
  keyValues: readonly string[];
  categoryValues: readonly string[];
  extraValues: readonly string[];
  noun: string;
  nouns: string;
}

const first = [
  "Alder",
  "Birch",
  "Cedar",
  "Dune",
  "Ember",
  "Fjord",
  "Granite",
  "Harbor",
  "Iris",
  "Juniper",
  "Kestrel",
  "Linden",
  "Maple",
  "Nova",
  "Onyx",
  "Pine",
  "Quartz",
  "Raven",
  "Sierra",
  "Tundra",
  "Umber",
  "Vale",
  "Willow",
  "Yarrow",
  "Zephyr",
];
const second = ["Ridge", "Point", "Falls", "Crest", "Hollow", "Peak", "Bay", "Grove", "Mesa", "Park"];
const people = [
  "Ana Silva",
  "Ben Okafor",
  "Chen Wei",
  "Dara Novak",
  "Eli Cohen",
  "Fatima Zahra",
  "Goran Petrov",
  "Hana Sato",
  "Ivan Horvat",
  "Jade Moreau",
  "Kofi Mensah",
  "Lena Berg",
  "Mateo Ruiz",
  "Nina Kowalski",
  "Omar Haddad",
  "Priya Nair",
  "Quinn Doyle",
  "Rosa Lima",
  "Sven Olsen",
  "Tara Singh",
];
const names = first.flatMap((a) => second.map((b) => `${a} ${b}`));

export const themes: Theme[] = [
  {
    table: "Mountain Huts",
    key: "Hut",
    category: "Region",
    numbers: [
      { name: "Altitude (m)", lo: 1200, hi: 3900 },
      { name: "Beds", lo: 8, hi: 120 },
    ],
    extra: "Warden",
    keyValues: names,
    categoryValues: ["Alps", "Pyrenees", "Tatras", "Dolomites", "Rockies"],
    extraValues: people,
    noun: "hut",
    nouns: "huts",
  },
  {
    table: "Cycling Race Results",
    key: "Rider",
    category: "Team",
    numbers: [
      { name: "Stage wins", lo: 0, hi: 9 },
      { name: "Points", lo: 10, hi: 400 },
    ],
    extra: "Country",
    keyValues: people,
    categoryValues: ["Team Aurora", "Velo Nord", "Sprint Lab", "Alpine Pro"],
    extraValues: ["Norway", "Spain", "Kenya", "Japan", "Chile", "Poland"],
    noun: "rider",
    nouns: "riders",
  },
  {
    table: "city_libraries",
    key: "Library",
    category: "District",
    numbers: [
      { name: "Books", lo: 5000, hi: 90000 },
      { name: "Opened", lo: 1890, hi: 2020 },
    ],
    extra: "Head librarian",
    keyValues: names.map((n) => `${n} Library`),
    categoryValues: ["North", "South", "East", "West", "Central"],
    extraValues: people,
    noun: "library",
    nouns: "libraries",
  },
  {
    table: "Satellite Launches",
    key: "Satellite",
    category: "Orbit",
    numbers: [
      { name: "Mass (kg)", lo: 50, hi: 6000 },
      { name: "Launch year", lo: 1990, hi: 2024 },
    ],
    extra: "Operator",
    keyValues: names.map((n) => n.replace(" ", "-")),
    categoryValues: ["LEO", "MEO", "GEO", "SSO"],
    extraValues: ["Orbitech", "SkyNet Labs", "Polar Data", "Stellar Corp"],
    noun: "satellite",
    nouns: "satellites",
  },
];

export function makeTable(rng: Rng, theme: Theme, index: number): DbTable {
  const rowCount = int(rng, 8, 24);
  const keys = [...theme.keyValues].sort(() => rng() - 0.5).slice(0, rowCount);
  const rows = keys.map((key) => [
    key,
    pick(rng, theme.categoryValues),
    ...theme.numbers.map((n) => String(int(rng, n.lo, n.hi))),
    pick(rng, theme.extraValues),
  ]);
  const columns = [theme.key, theme.category, ...theme.numbers.map((n) => n.name), theme.extra].map(
    (name) => ({
      name,
      type: "TEXT",
    }),
  );
  const table_name = index === 0 ? theme.table : `${theme.table} ${index + 1}`;
  return { table_name, table_info: { columns, rows } };
}

/**
 * The roles of an existing table's columns: a key column (distinct values), a category column (few
 * repeated values), numeric columns and another text column; undefined when there is no key or category.
 */
export function inferTheme(table: DbTable): Theme | undefined {
  const names = table.table_info.columns.map((c) => c.name);
  const rows = table.table_info.rows.map((r) => r.map((v) => (v === null ? "" : String(v))));
  if (rows.length < 3 || names.some((n) => n === "")) return undefined;
  const values = (i: number) => rows.map((r) => r[i] ?? "");
  const numeric = (i: number) => values(i).every((v) => /^-?\d+(\.\d+)?$/.test(v));
  const distinct = (i: number) => new Set(values(i)).size;
  // values that read well inside a question: present, one line, short
  const clean = (i: number) => values(i).every((v) => v.trim() !== "" && !/[\n\\]/.test(v) && v.length <= 60);
  const key = names.findIndex((_, i) => !numeric(i) && clean(i) && distinct(i) === rows.length);
  const category = names.findIndex(
    (_, i) => i !== key && !numeric(i) && clean(i) && distinct(i) >= 2 && distinct(i) <= rows.length / 2,
  );
  if (key < 0 || category < 0) return undefined;
  const numbers = names.flatMap((name, i) => {
    if (!numeric(i) || i === key) return [];
    const nums = values(i).map(Number);
    return [{ name, lo: Math.min(...nums), hi: Math.max(...nums) }];
  });
  const extra = names.findIndex((_, i) => i !== key && i !== category && !numeric(i) && clean(i));
  const extraIndex = extra < 0 ? category : extra;
  return {
    table: table.table_name,
    key: names[key] as string,
    category: names[category] as string,
    numbers: numbers.filter((n) => Number.isInteger(n.lo) && Number.isInteger(n.hi)),
    extra: names[extraIndex] as string,
    keyValues: values(key),
    categoryValues: [...new Set(values(category))],
    extraValues: [...new Set(values(extraIndex))],
    noun: "entry",
    nouns: "entries",
  };
}
