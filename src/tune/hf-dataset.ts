// A tokenized dataset as Hugging Face `datasets` saves it (DatasetDict.save_to_disk), which
// LLaMA-Factory loads through `tokenized_path` (loader.py:287-295, load_from_disk) without tokenizing
// again, so agenttune's labels (-100 off the trained turns) reach the trainer unchanged.
//
// Layout, as datasets' save_to_disk writes it and load_from_disk reads it (arrow_dataset.py,
// dataset_dict.py):
//   dataset_dict.json            {"splits": ["train", …]}
//   <split>/data-00000-of-00001.arrow   Arrow IPC *stream* (MemoryMappedTable.from_file: ipc.open_stream)
//   <split>/dataset_info.json    DatasetInfo.to_dict(): features as `Sequence(Value("int32"))`, the form
//                                datasets 2.x–3.x write and 4.x+ still read (LLaMA-Factory pins 2.16–4.0)
//   <split>/state.json           the data file list, fingerprint and (no) format
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Field, Int32, List, Table, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { z } from "zod";
import { InputError } from "../core/index.js";
import type { TokenizedExample } from "./tokenize.js";

/** Columns LLaMA-Factory's supervised processor produces and its collator pads (collator.py). */
export const tokenizedColumns = ["input_ids", "attention_mask", "labels"] as const;
export type TokenizedRow = Record<(typeof tokenizedColumns)[number], number[]>;

const dataFileName = "data-00000-of-00001.arrow";
/** datasets' default writer_batch_size: rows per record batch. */
const rowsPerBatch = 1000;

const int32Sequence = { feature: { dtype: "int32", _type: "Value" }, _type: "Sequence" } as const;
const features = Object.fromEntries(tokenizedColumns.map((c) => [c, int32Sequence]));

const datasetDictSchema = z.object({ splits: z.array(z.string()).min(1) });
const stateSchema = z.object({
  _data_files: z.array(z.object({ filename: z.string() })).min(1),
  _fingerprint: z.string(),
  _format_type: z.string().nullable(),
});
const featureSchema = z.object({
  _type: z.enum(["Sequence", "List", "LargeList"]),
  feature: z.object({ _type: z.literal("Value"), dtype: z.string() }),
});
const infoSchema = z.object({ features: z.record(z.string(), featureSchema) });

function splitTable(rows: readonly TokenizedRow[]): Table {
  const type = () => new List(new Field("item", new Int32(), true));
  const batches = [];
  // one record batch per rowsPerBatch rows, and one (empty) batch for an empty split
  for (let start = 0; start === 0 || start < rows.length; start += rowsPerBatch) {
    const chunk = rows.slice(start, start + rowsPerBatch);
    const columns = tokenizedColumns.map((c) => [
      c,
      vectorFromArray(
        chunk.map((r) => r[c]),
        type(),
      ),
    ]);
    batches.push(...new Table(Object.fromEntries(columns)).batches);
  }
  const table = new Table(batches);
  // datasets keeps its features in the schema metadata too (arrow_writer.py); readers prefer it
  table.schema.metadata.set("huggingface", JSON.stringify({ info: { features } }));
  return table;
}

/**
 * Writes `splits` (e.g. {train: rows}) as a DatasetDict folder at `dir`, replacing it whole: the
 * folder is built beside and renamed, so a crash never leaves a half-written dataset that
 * LLaMA-Factory would take as tokenized (it only checks that the folder is not empty).
 */
export function writeHfDatasetDict(
  dir: string,
  splits: Record<string, readonly (TokenizedRow | TokenizedExample)[]>,
): void {
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [split, rows] of Object.entries(splits)) {
    const splitDir = join(tmp, split);
    mkdirSync(splitDir);
    const bytes = tableToIPC(splitTable(rows), "stream");
    writeFileSync(join(splitDir, dataFileName), bytes);
    writeJson(join(splitDir, "dataset_info.json"), {
      builder_name: null,
      citation: "",
      config_name: null,
      dataset_name: null,
      dataset_size: null,
      description: "agenttune tokenized conversations: labels are -100 outside trained assistant turns",
      download_checksums: null,
      download_size: null,
      features,
      homepage: "",
      license: "",
      size_in_bytes: null,
      splits: null,
      supervised_keys: null,
      version: null,
    });
    writeJson(join(splitDir, "state.json"), {
      _data_files: [{ filename: dataFileName }],
      _fingerprint: createHash("sha256").update(bytes).digest("hex").slice(0, 16),
      _format_columns: null,
      _format_kwargs: {},
      _format_type: null,
      _output_all_columns: false,
      _split: null,
    });
  }
  writeJson(join(tmp, "dataset_dict.json"), { splits: Object.keys(splits) });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  if (!existsSync(file)) throw new InputError(`${file}: missing`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: ${issue?.path.join(".") || "(top)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Reads a DatasetDict folder of tokenized rows back (what `agenttune export --check` inspects). */
export function readHfDatasetDict(dir: string): Record<string, TokenizedRow[]> {
  const { splits } = readJson(join(dir, "dataset_dict.json"), datasetDictSchema);
  const out: Record<string, TokenizedRow[]> = {};
  for (const split of splits) {
    const splitDir = join(dir, split);
    const state = readJson(join(splitDir, "state.json"), stateSchema);
    const info = readJson(join(splitDir, "dataset_info.json"), infoSchema);
    for (const column of tokenizedColumns) {
      const feature = info.features[column];
      if (!feature || !/^int(32|64)$/.test(feature.feature.dtype))
        throw new InputError(
          `${join(splitDir, "dataset_info.json")}: features.${column}: expected a sequence of int32/int64`,
        );
    }
    const rows: TokenizedRow[] = [];
    for (const { filename } of state._data_files) {
      const file = join(splitDir, filename);
      if (!existsSync(file)) throw new InputError(`${file}: missing (listed in state.json)`);
      let table: Table;
      try {
        table = tableFromIPC(readFileSync(file));
      } catch (error) {
        throw new InputError(`${file}: not an Arrow IPC stream: ${(error as Error).message}`);
      }
      const columns = tokenizedColumns.map((c) => {
        const column = table.getChild(c);
        if (!column) throw new InputError(`${file}: no column ${c}`);
        return column;
      });
      for (let i = 0; i < table.numRows; i++) {
        const [input_ids, attention_mask, labels] = columns.map((column) =>
          Array.from(column.get(i)?.toArray() ?? [], Number),
        ) as [number[], number[], number[]];
        rows.push({ input_ids, attention_mask, labels });
      }
    }
    out[split] = rows;
  }
  return out;
}
