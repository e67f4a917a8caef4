// Generates new dbbench-style tasks (tables, questions, gold SQL) of every type, each verified by
// running its gold SQL on SQLite; with a model, the model proposes questions (self-instruct).
import { InputError, mulberry32 } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import type { GenerateTasksOptions } from "../types.js";
import { formatCell } from "./python-repr.js";
import { SqliteTaskDatabase } from "./sqlite-database.js";
import { type DbTable, type DbTask, loadDbTasks } from "./tasks.js";

type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

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

const themes: Theme[] = [
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

function makeTable(rng: Rng, theme: Theme, index: number): DbTable {
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

const q = (name: string) => `\`${name.replaceAll("`", "``")}\``;
const lit = (value: string) => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

interface Draft {
  type: string;
  description: string;
  sql: string;
}

export const taskTypes = [
  "other",
  "counting",
  "comparison",
  "ranking",
  "aggregation-SUM",
  "aggregation-AVG",
  "aggregation-MIN",
  "aggregation-MAX",
  "INSERT",
  "UPDATE",
  "DELETE",
] as const;

function draft(rng: Rng, type: string, theme: Theme, table: DbTable): Draft | undefined {
  const t = q(table.table_name);
  const names = table.table_info.columns.map((c) => c.name);
  const rows = table.table_info.rows.map((r) => r.map((v) => (v === null ? "" : String(v))));
  const at = (row: readonly string[], column: string) => row[names.indexOf(column)] ?? "";
  const row = pick(rng, rows);
  const [key, category] = [at(row, theme.key), at(row, theme.category)];
  const num = theme.numbers.length ? pick(rng, theme.numbers) : undefined;
  const numValue = num ? at(row, num.name) : "0";
  const extraValue = at(row, theme.extra);
  if (!num && ["comparison", "ranking"].includes(type)) return undefined;
  if (!num && type.startsWith("aggregation-")) return undefined;
  switch (type) {
    case "other":
      return {
        type,
        description: `What is the ${theme.extra} of the ${theme.noun} ${key}?`,
        sql: `SELECT ${q(theme.extra)} FROM ${t} WHERE ${q(theme.key)} = ${lit(key)}`,
      };
    case "counting":
      return {
        type,
        description: `How many entries have ${category} as their ${theme.category}?`,
        sql: `SELECT COUNT(*) FROM ${t} WHERE ${q(theme.category)} = ${lit(category)}`,
      };
    case "comparison":
      return {
        type,
        description: `Which ${theme.nouns} in ${category} have a ${num?.name} greater than ${numValue}?`,
        sql: `SELECT ${q(theme.key)} FROM ${t} WHERE ${q(theme.category)} = ${lit(category)} AND ${q(num?.name ?? "")} > ${numValue}`,
      };
    case "ranking": {
      const desc = rng() < 0.5;
      return {
        type,
        description: `Which ${theme.noun} has the ${desc ? "highest" : "lowest"} ${num?.name}?`,
        sql: `SELECT ${q(theme.key)} FROM ${t} ORDER BY ${q(num?.name ?? "")} + 0 ${desc ? "DESC" : "ASC"} LIMIT 1`,
      };
    }
    case "aggregation-SUM":
    case "aggregation-AVG":
    case "aggregation-MIN":
    case "aggregation-MAX": {
      const fn = type.split("-")[1] as string;
      const words: Record<string, string> = { SUM: "total", AVG: "average", MIN: "smallest", MAX: "largest" };
      return {
        type,
        description: `What is the ${words[fn]} ${num?.name} among the ${theme.nouns} in ${category}?`,
        // "+ 0" compares numerically: MIN/MAX over TEXT would compare strings ('117' < '45')
        sql: `SELECT ${fn}(${q(num?.name ?? "")} + 0) FROM ${t} WHERE ${q(theme.category)} = ${lit(category)}`,
      };
    }
    case "INSERT": {
      const used = new Set(rows.map((r) => at(r, theme.key)));
      const fresh = theme.keyValues.find((k) => !used.has(k) && rng() < 0.3) ?? `${key} II`;
      const template = pick(rng, rows);
      const values = names.map((name) => {
        if (name === theme.key) return fresh;
        if (name === theme.category) return pick(rng, theme.categoryValues);
        if (name === theme.extra) return pick(rng, theme.extraValues);
        const n = theme.numbers.find((x) => x.name === name);
        return n ? String(int(rng, n.lo, n.hi)) : at(template, name);
      });
      const keyIndex = names.indexOf(theme.key);
      const parts = names.flatMap((c, i) => (i === keyIndex ? [] : [`'${values[i]}' for '${c}'`]));
      return {
        type,
        description: `Insert a new ${theme.noun} '${fresh}' into the table with ${parts.join(", ")}.`,
        sql: `INSERT INTO ${t} (${names.map(q).join(", ")}) VALUES (${values.map(lit).join(", ")})`,
      };
    }
    case "UPDATE": {
      const newValue = pick(
        rng,
        theme.extraValues.filter((v) => v !== extraValue),
      );
      return {
        type,
        description: `Change the ${theme.extra} of the ${theme.noun} ${key} to ${newValue}.`,
        sql: `UPDATE ${t} SET ${q(theme.extra)} = ${lit(newValue)} WHERE ${q(theme.key)} = ${lit(key)}`,
      };
    }
    default:
      return {
        type: "DELETE",
        description: `Remove the ${theme.noun} ${key} from the table.`,
        sql: `DELETE FROM ${t} WHERE ${q(theme.key)} = ${lit(key)}`,
      };
  }
}

/** Runs the gold SQL and turns the draft into a task, or undefined when it does not verify. */
export async function verifyDraft(draft: Draft, table: DbTable, id: string): Promise<DbTask | undefined> {
  const db = new SqliteTaskDatabase(table);
  try {
    const before = await db.tableHash();
    const outcome = await db.execute(draft.sql);
    if ("error" in outcome) return undefined;
    const base = {
      id,
      description: draft.description,
      add_description: `The name of this table is ${table.table_name}, and the headers of this table are ${table.table_info.columns.map((c) => c.name).join(",")}.`,
      type: [draft.type],
      table,
      source: "agenttune-generated",
    };
    if (["INSERT", "UPDATE", "DELETE"].includes(draft.type)) {
      const after = await db.tableHash();
      if (after === before || after === null) return undefined; // the statement changed nothing
      return { ...base, label: [draft.sql], answer_md5: `[('${after}',)]` };
    }
    const label = outcome.rows.map((row) =>
      row[0] === null || row[0] === undefined ? "None" : cellText(row[0]),
    );
    if (label.length === 0 || label.every((v) => v === "None")) return undefined;
    return { ...base, label, sql: { query: draft.sql } };
  } finally {
    await db.close();
  }
}

function cellText(cell: NonNullable<Parameters<typeof formatCell>[0]>): string {
  return cell.kind === "str"
    ? cell.value
    : cell.kind === "int" || cell.kind === "decimal"
      ? cell.text
      : formatCell(cell);
}

export async function* generateDbTasks({
  count,
  seed,
  model,
  source,
  onReject,
}: GenerateTasksOptions): AsyncGenerator<DbTask> {
  const rng = mulberry32(seed);
  // task derivation: new questions over the tables of an existing task file; else generated tables
  const derived: { table: DbTable; theme: Theme }[] = [];
  if (source) {
    const seen = new Set<string>();
    for await (const task of loadDbTasks(source)) {
      if (seen.has(task.table.table_name)) continue;
      seen.add(task.table.table_name);
      const theme = inferTheme(task.table);
      if (theme) derived.push({ table: task.table, theme });
    }
    if (derived.length === 0)
      throw new InputError(
        `${source}: no table with a key column and a category column to derive tasks from`,
      );
  }
  let made = 0;
  for (let attempt = 0; made < count && attempt < count * 20; attempt++) {
    const { table, theme } = source
      ? (derived[attempt % derived.length] as (typeof derived)[number])
      : (() => {
          const theme = themes[attempt % themes.length] as Theme;
          return { theme, table: makeTable(rng, theme, Math.floor(attempt / themes.length)) };
        })();
    const type = taskTypes[attempt % taskTypes.length] as string;
    const drafts = model ? await proposeWithModel(model, table, rng) : [draft(rng, type, theme, table)];
    if (model && drafts.length === 0) onReject?.('the reply holds no JSON line with "description" and "sql"');
    // duplicates are the caller's to drop (data/generate-tasks.ts); here only unverifiable drafts go
    for (const d of drafts) {
      if (!d || made >= count) continue;
      const task = await verifyDraft(d, table, `gen-${seed}-${made}`);
      if (!task) {
        onReject?.("its gold SQL fails or returns nothing on the table");
        continue;
      }
      made++;
      yield task;
    }
  }
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

/** Self-instruct: the model proposes questions with gold SQL for a table as JSON lines. */
async function proposeWithModel(model: ChatModel, table: DbTable, rng: Rng): Promise<Draft[]> {
  const type = pick(rng, taskTypes);
  const header = table.table_info.columns.map((c) => c.name).join(" | ");
  const sample = table.table_info.rows
    .slice(0, 5)
    .map((r) => r.join(" | "))
    .join("\n");
  const prompt = `Here is a MySQL table named \`${table.table_name}\` (all columns TEXT).\n${header}\n${sample}\n\nWrite one ${type} task about this table as a single JSON object on one line: {"description": "<the question or instruction for a user>", "sql": "<one MySQL statement that answers or performs it>"}.`;
  const { text } = await model.complete([{ role: "user", content: prompt }], {
    temperature: 0.7,
    maxTokens: 256,
  });
  const drafts: Draft[] = [];
  for (const line of text.split("\n")) {
    const match = /\{.*\}/.exec(line);
    if (!match) continue;
    try {
      const value = JSON.parse(match[0]) as { description?: unknown; sql?: unknown };
      if (typeof value.description === "string" && typeof value.sql === "string") {
        drafts.push({ type, description: value.description, sql: value.sql });
      }
    } catch {
      // a reply that is not JSON proposes nothing
    }
  }
  return drafts;
}
