// Reads JSONL files line by line, validating each record; a bad line fails as `file:line: field: problem`.
import {
  closeSync,
  createReadStream,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { ZodType } from "zod";
import { InputError } from "./errors/index.js";
import { formatZodIssue } from "./zod-issue.js";

export interface JsonlRecord<T> {
  /** 1-based line number in the file. */
  line: number;
  value: T;
}

export interface ReadJsonlOptions {
  /** Drop a last line that is not newline-terminated and does not parse (a write torn by a crash). */
  tolerateTornTail?: boolean;
}

export async function* readJsonl<T>(
  file: string,
  schema: ZodType<T>,
  { tolerateTornTail = false }: ReadJsonlOptions = {},
): AsyncGenerator<JsonlRecord<T>> {
  const stream = createReadStream(file, { encoding: "utf8" });
  const openError = new Promise<never>((_, reject) => stream.once("error", reject));
  openError.catch(() => {}); // surfaced through the iterator below
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let pending: { line: number; text: string } | undefined;
  try {
    for await (const text of lines) {
      lineNo++;
      if (pending) yield parseLine(file, pending.line, pending.text, schema);
      pending = text.trim() === "" ? undefined : { line: lineNo, text };
    }
  } catch (error) {
    if (InputError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${file}: file not found`);
    throw new InputError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (!pending) return;
  try {
    yield parseLine(file, pending.line, pending.text, schema);
  } catch (error) {
    // a complete last line that does not parse is bad input, not a torn write
    if (!tolerateTornTail || endsWithNewline(file)) throw error;
  }
}

function endsWithNewline(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    return size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole JSONL file into memory. */
export async function readJsonlAll<T>(file: string, schema: ZodType<T>, options?: ReadJsonlOptions) {
  const records: JsonlRecord<T>[] = [];
  for await (const record of readJsonl(file, schema, options)) records.push(record);
  return records;
}

export function parseLine<T>(file: string, line: number, text: string, schema: ZodType<T>): JsonlRecord<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}:${line}: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}:${line}: ${issue ? formatZodIssue(issue) : "invalid record"}`);
  }
  return { line, value: parsed.data };
}

/** Writes a whole JSONL file atomically (beside, then renamed): readers never see half of it. */
export function writeJsonlFile(file: string, records: Iterable<unknown>): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const lines: string[] = [];
  for (const record of records) lines.push(JSON.stringify(record));
  writeFileSync(tmp, lines.length ? `${lines.join("\n")}\n` : "");
  renameSync(tmp, file);
}

/** Reads records from a JSON array file or a JSONL file (decided by the first character). */
export async function readRecords<T>(file: string, schema: ZodType<T>): Promise<JsonlRecord<T>[]> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT" ? `${file}: file not found` : `${file}: cannot read: ${(error as Error).message}`,
    );
  }
  if (!text.trimStart().startsWith("[")) return readJsonlAll(file, schema);
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  return (items as unknown[]).map((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${file}: [${index}].${issue ? formatZodIssue(issue) : "invalid record"}`);
    }
    return { line: index + 1, value: parsed.data };
  });
}
