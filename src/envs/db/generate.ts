// Generates new dbbench-style tasks (tables, questions, gold SQL) of every type, each verified by
// running its gold SQL on SQLite; with a model, the model proposes questions (self-instruct).
import { InputError, mulberry32 } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import type { GenerateTasksOptions } from "../types.js";
import { formatCell } from "./python-repr.js";
import { SqliteTaskDatabase } from "./sqlite-database.js";
import { type DbTable, type DbTask, loadDbTasks } from "./tasks.js";
import { inferTheme, int, makeTable, pick, type Rng, type Theme, themes } from "./themes.js";

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
