// AgentBench dbbench task records (loaded unchanged) and their loader; a task's id is its line index.
import { z } from "zod";
import { readJsonl } from "../../core/index.js";

export const dbTableSchema = z.object({
  table_name: z.string().min(1),
  table_info: z.object({
    columns: z.array(z.object({ name: z.string(), type: z.string().optional() })).min(1),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  }),
});
export type DbTable = z.infer<typeof dbTableSchema>;

export const dbTaskSchema = z
  .object({
    /** Zero-based line index in the source file, as a string (dbbench records carry no id). */
    id: z.string().optional(),
    description: z.string(),
    add_description: z.string().default(""),
    /** One of: other, counting, comparison, ranking, aggregation-*, INSERT, UPDATE, DELETE. */
    type: z.array(z.string()).min(1),
    label: z.array(z.unknown()).default([]),
    answer_md5: z.string().optional(),
    sql: z.object({ query: z.string() }).partial().passthrough().optional(),
    table: dbTableSchema,
  })
  .passthrough()
  .superRefine((task, ctx) => {
    if (isModifyingType(task.type[0] ?? "") && !task.answer_md5) {
      ctx.addIssue({ code: "custom", path: ["answer_md5"], message: `required for ${task.type[0]} tasks` });
    }
  });
export type DbTask = z.infer<typeof dbTaskSchema>;

export const modifyingTypes = ["INSERT", "UPDATE", "DELETE"] as const;

export function isModifyingType(type: string): boolean {
  return (modifyingTypes as readonly string[]).includes(type);
}

export function dbTaskType(task: DbTask): string {
  return task.type[0] ?? "other";
}

/** The gold SQL of a task: `label[0]` for modifying tasks, `sql.query` for SELECT types. */
export function goldSql(task: DbTask): string | undefined {
  if (isModifyingType(dbTaskType(task))) {
    const statement = task.label[0];
    return typeof statement === "string" ? statement : undefined;
  }
  return task.sql?.query;
}

/** Loads dbbench JSONL; ids are zero-based line indexes unless a record has its own. */
export async function* loadDbTasks(file: string): AsyncGenerator<DbTask> {
  for await (const { line, value } of readJsonl(file, dbTaskSchema)) {
    yield { ...value, id: value.id ?? String(line - 1) };
  }
}
