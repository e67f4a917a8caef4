// Reads a YAML config strictly: a typo in a key is an error at its line with the closest known key,
// never a silent default (`teachr:` must not quietly fall back to the oracle teacher).
import { readFileSync } from "node:fs";
import { extract } from "fuzzball";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "./errors/index.js";

/**
 * Parses `file` with `schema`; objects in the schema should be strict (z.strictObject) so that
 * unknown keys are reported. Errors read `file:line: field: problem (did you mean "x"?)`.
 */
export function readYamlConfig<Schema extends z.ZodType>(file: string, schema: Schema): z.infer<Schema> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === "ENOENT" ? "file not found" : `cannot read (${code})`}`);
  }
  return parseYamlConfig(text, file, schema);
}

export function parseYamlConfig<Schema extends z.ZodType>(
  text: string,
  file: string,
  schema: Schema,
): z.infer<Schema> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new InputError(`${file}:${line}: invalid YAML: ${yamlError.message.split("\n")[0]}`);
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? "" : `:${lineCounter.linePos(offset).line}`;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] as string;
    const path = [...issue.path, key];
    const known = knownKeys(schema, issue.path);
    const [best] = extract(key, known, { cutoff: 60, limit: 1 }) as [string, number, number][];
    const hint = best ? ` (did you mean "${best[0]}"?)` : known.length ? ` (known: ${known.join(", ")})` : "";
    return fail(`${file}${lineOf(keyOffset(doc, path))}: ${dotted(path)}: unknown key${hint}`);
  }
  // zod leaves the input out of its issues; its message says when there was none
  const missing = issue.code === "invalid_type" && / received undefined$/.test(issue.message);
  const problem = missing ? `missing (expected ${issue.expected})` : issue.message;
  return fail(`${file}${lineOf(nearestOffset(doc, issue.path))}: ${dotted(issue.path)}: ${problem}`);
}

/** Where `path` is written, or the nearest enclosing key that is (a missing key's parent). */
function nearestOffset(
  doc: ReturnType<typeof parseDocument>,
  path: readonly PropertyKey[],
): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const at = path.slice(0, n) as (string | number)[];
    const node = doc.getIn(at, true) as { range?: [number, number] } | undefined;
    const offset = n === path.length ? (node?.range?.[0] ?? keyOffset(doc, at)) : keyOffset(doc, at);
    if (offset !== undefined) return offset;
  }
  return undefined;
}

function fail(message: string): never {
  throw new InputError(message);
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join(".") : "(top level)";
}

/** Offset of the key that holds `path` (for a missing or unknown value, where the value has no node). */
function keyOffset(doc: ReturnType<typeof parseDocument>, path: readonly PropertyKey[]): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1) as (string | number)[], true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path.at(-1)));
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

/** The keys an object schema at `path` accepts (through optional, default, array and record). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const rest = [...path];
  while (current) {
    const def: SchemaDef = (current as unknown as { _zod: { def: SchemaDef } })._zod.def;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable") current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else if (rest.length === 0) return def.type === "object" ? Object.keys(def.shape ?? {}) : [];
    else if (def.type === "object") current = def.shape?.[String(rest.shift())] as z.ZodType | undefined;
    else if (def.type === "record") {
      rest.shift();
      current = def.valueType;
    } else if (def.type === "array") {
      rest.shift();
      current = def.element;
    } else return [];
  }
  return [];
}
