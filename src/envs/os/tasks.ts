// AgentBench os_interaction tasks, loaded unchanged (JSON list or object, or JSONL) with their script dir.
// A script object is bash code as a string, {code} or {file} (relative to the script dir), with an
// optional language (bash, python, c, c++). A task's id is `<file name>#<index in file>`.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { formatZodIssue, InputError, readRecords } from "../../core/index.js";
import { pythonRegex } from "../lib/python-regex.js";
import type { ScriptLanguage } from "../lib/sandbox/sandbox.js";

const scriptObjectSchema = z.union([
  z.string(),
  z
    .object({
      language: z.enum(["bash", "python", "c", "c++"]).optional(),
      code: z.string().optional(),
      file: z.string().optional(),
    })
    .passthrough()
    .refine((s) => s.code !== undefined || s.file !== undefined, "a script object needs code or file"),
]);

/** A script resolved to its language and code (files read from the script dir). */
export const scriptSchema = z.object({ language: z.enum(["bash", "python", "c", "c++"]), code: z.string() });
export type Script = z.infer<typeof scriptSchema>;

/** The original record as it appears in AgentBench's files. */
export const osRecordSchema = z
  .object({
    description: z.string(),
    create: z.unknown().optional(),
    start: scriptObjectSchema.optional(),
    evaluation: z
      .object({
        match: z
          .union([
            z.string(),
            z.object({
              answer: z.string().optional(),
              regex: z.string().optional(),
              strip: z.boolean().optional(),
            }),
          ])
          .optional(),
        check: z.union([scriptObjectSchema, z.array(scriptObjectSchema.nullable())]).optional(),
        example: scriptObjectSchema.optional(),
      })
      .passthrough()
      .refine((e) => e.match !== undefined || e.check !== undefined, "check or match must exist"),
    example: scriptObjectSchema.optional(),
    labels: z.array(z.string()).optional(),
  })
  .passthrough();

/** A task with its scripts resolved, as agenttune runs it (and writes generated tasks). */
export const osTaskSchema = z.object({
  id: z.string(),
  description: z.string(),
  init: z.array(scriptSchema).default([]),
  start: scriptSchema.optional(),
  match: z
    .object({ answer: z.string().optional(), regex: z.string().optional(), strip: z.boolean().default(true) })
    .optional(),
  /** Check scripts in order; null stands for the example script. */
  check: z.array(scriptSchema.nullable()).optional(),
  example: scriptSchema.optional(),
  labels: z.array(z.string()).default([]),
});
export type OsTask = z.infer<typeof osTaskSchema>;

function resolveScript(script: z.infer<typeof scriptObjectSchema>, scriptDir: string, where: string): Script {
  if (typeof script === "string") return { language: "bash", code: script };
  const language = (script.language ?? "bash") as ScriptLanguage;
  if (script.file !== undefined) {
    const path = join(scriptDir, script.file);
    if (!existsSync(path))
      throw new InputError(
        `${where}: script file ${script.file} not found in ${scriptDir} (pass --scripts DIR)`,
      );
    return { language, code: readFileSync(path, "utf8") };
  }
  return { language, code: script.code ?? "" };
}

/** Converts one original record; `create` is read the way AgentBench reads it (an object with init). */
export function osTaskFromRecord(
  record: z.infer<typeof osRecordSchema>,
  id: string,
  scriptDir: string,
  where: string,
): OsTask {
  const create =
    record.create && typeof record.create === "object" && !Array.isArray(record.create)
      ? (record.create as { init?: unknown })
      : undefined;
  const initList = create?.init === undefined ? [] : Array.isArray(create.init) ? create.init : [create.init];
  const init = initList.map((s, i) => {
    const parsed = scriptObjectSchema.safeParse(s);
    if (!parsed.success)
      throw new InputError(`${where}: create.init.${i}: ${formatZodIssue(parsed.error.issues[0] as never)}`);
    return resolveScript(parsed.data, scriptDir, `${where}: create.init.${i}`);
  });
  const { match, check, example } = record.evaluation;
  const exampleObject = example ?? record.example;
  return osTaskSchema.parse({
    id,
    description: record.description,
    init,
    ...(record.start !== undefined
      ? { start: resolveScript(record.start, scriptDir, `${where}: start`) }
      : {}),
    ...(match !== undefined
      ? { match: typeof match === "string" ? { answer: match, strip: true } : { strip: true, ...match } }
      : {}),
    ...(check !== undefined && match === undefined
      ? {
          check: (Array.isArray(check) ? check : [check]).map((s, i) =>
            s === null ? null : resolveScript(s, scriptDir, `${where}: evaluation.check.${i}`),
          ),
        }
      : {}),
    ...(exampleObject !== undefined
      ? { example: resolveScript(exampleObject, scriptDir, `${where}: example`) }
      : {}),
    labels: record.labels ?? [],
  });
}

/**
 * Loads AgentBench os_interaction files, or agenttune's own task files (records with an `id` and
 * resolved scripts). `scriptDir` defaults to the file's folder.
 */
export async function* loadOsTasks(file: string, scriptDir = dirname(file)): AsyncGenerator<OsTask> {
  // AgentBench accepts a .json file holding one task object as well as a list
  const text = existsSync(file) ? readFileSync(file, "utf8").trimStart() : "";
  const records =
    text.startsWith("{") && file.endsWith(".json")
      ? [{ line: 1, value: parseSingle(file, text) }]
      : await readRecords(file, z.record(z.string(), z.unknown()));
  const name = basename(file);
  for (const { line, value } of records) {
    const where = `${file}:${line}`;
    if (typeof value.id === "string" && "init" in value) {
      const own = osTaskSchema.safeParse(value);
      if (!own.success) throw new InputError(`${where}: ${formatZodIssue(own.error.issues[0] as never)}`);
      yield checkedRegex(own.data, where);
      continue;
    }
    const parsed = osRecordSchema.safeParse(value);
    if (!parsed.success) throw new InputError(`${where}: ${formatZodIssue(parsed.error.issues[0] as never)}`);
    yield checkedRegex(osTaskFromRecord(parsed.data, `${name}#${line - 1}`, scriptDir, where), where);
  }
}

/** A match regex that cannot be compiled is the task file's fault: say so when loading, not per episode. */
function checkedRegex(task: OsTask, where: string): OsTask {
  const regex = task.match?.regex;
  if (regex === undefined) return task;
  try {
    pythonRegex(regex);
  } catch (error) {
    throw new InputError(
      `${where}: evaluation.match.regex ${JSON.stringify(regex)}: ${(error as Error).message}`,
    );
  }
  return task;
}

function parseSingle(file: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}
